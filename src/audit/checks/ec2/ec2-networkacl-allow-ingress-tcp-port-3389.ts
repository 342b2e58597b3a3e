import { naclCheck } from '../lib/ec2.js';

/** Network ACLs whose inbound entries let the internet reach RDP. */
export const check = naclCheck({
  id: 'ec2_networkacl_allow_ingress_tcp_port_3389',
  title: 'Network ACL does not allow ingress from the Internet to TCP port 3389 (RDP)',
  severity: 'medium',
  label: 'RDP',
  port: 3389,
});
