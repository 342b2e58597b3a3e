import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening FTP (TCP 20, 21) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to FTP ports 20 or 21',
  severity: 'high',
  cis: [],
  label: 'FTP',
  ports: [20, 21],
});
