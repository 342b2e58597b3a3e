import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening High-risk (TCP 25, 110, 135, 143, 445, 3000, 4333, 5000, 5500, 8080, 8088) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to high-risk TCP ports',
  severity: 'high',
  cis: [],
  label: 'High-risk services',
  ports: [25, 110, 135, 143, 445, 3000, 4333, 5000, 5500, 8080, 8088],
});
