import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening Elasticsearch/Kibana (TCP 9200, 9300, 5601) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to Elasticsearch/Kibana TCP ports 9200, 9300, and 5601',
  severity: 'high',
  cis: [],
  label: 'Elasticsearch/Kibana',
  ports: [9200, 9300, 5601],
});
