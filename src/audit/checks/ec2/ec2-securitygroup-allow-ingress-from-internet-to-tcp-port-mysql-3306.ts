import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening MySQL (TCP 3306) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to MySQL port 3306',
  severity: 'high',
  cis: [],
  label: 'MySQL',
  ports: [3306],
});
