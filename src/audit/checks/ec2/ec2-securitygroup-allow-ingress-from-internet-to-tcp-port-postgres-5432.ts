import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening PostgreSQL (TCP 5432) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to Postgres TCP port 5432',
  severity: 'high',
  cis: [],
  label: 'PostgreSQL',
  ports: [5432],
});
