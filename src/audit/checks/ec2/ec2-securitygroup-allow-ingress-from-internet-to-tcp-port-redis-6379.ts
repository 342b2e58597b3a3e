import { sgPortsCheck } from '../lib/ec2.js';

/** Security groups opening Redis (TCP 6379) to 0.0.0.0/0 or ::/0. */
export const check = sgPortsCheck({
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379',
  title: 'Security group does not allow ingress from 0.0.0.0/0 or ::/0 to Redis TCP port 6379',
  severity: 'high',
  cis: [],
  label: 'Redis',
  ports: [6379],
});
