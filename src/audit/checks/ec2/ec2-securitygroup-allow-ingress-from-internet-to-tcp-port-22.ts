import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening SSH (TCP 22) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to TCP port 22 (SSH)',
  severity: 'high',
  cis: ['5.2', '5.3'],
  label: 'SSH',
  ports: [22],
});
