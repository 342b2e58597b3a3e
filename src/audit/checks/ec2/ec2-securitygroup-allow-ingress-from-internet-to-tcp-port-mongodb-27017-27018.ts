import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening MongoDB (TCP 27017, 27018) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to MongoDB TCP ports 27017 and 27018',
  severity: 'high',
  cis: [],
  label: 'MongoDB',
  ports: [27017, 27018],
});
