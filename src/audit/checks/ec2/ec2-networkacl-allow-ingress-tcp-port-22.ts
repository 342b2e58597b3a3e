import { naclCheck } from '../lib/ec2.js';

/** Network ACLs whose inbound entries let the internet reach SSH. */
export const check = naclCheck({
  id: 'ec2_networkacl_allow_ingress_tcp_port_22',
  title: 'Network ACL does not allow ingress from the Internet to TCP port 22 (SSH)',
  severity: 'medium',
  label: 'SSH',
  port: 22,
});
