import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening Memcached (TCP 11211) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to Memcached TCP port 11211',
  severity: 'high',
  cis: [],
  label: 'Memcached',
  ports: [11211],
});
