import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening RDP (TCP 3389) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389',
  title: 'Security group does not allow ingress from the Internet to TCP port 3389 (RDP)',
  severity: 'high',
  cis: ['5.2', '5.3'],
  label: 'RDP',
  ports: [3389],
});
