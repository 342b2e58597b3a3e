import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening Telnet (TCP 23) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23',
  title: 'Security group does not allow ingress from the Internet to TCP port 23 (Telnet)',
  severity: 'high',
  cis: [],
  label: 'Telnet',
  ports: [23],
});
