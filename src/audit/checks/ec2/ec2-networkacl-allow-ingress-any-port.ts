import { naclCheck } from '../lib/ec2.js';

/** Network ACLs whose inbound entries let the internet reach all traffic. */
export const check = naclCheck({
  id: 'ec2_networkacl_allow_ingress_any_port',
  title: 'Network ACL does not allow ingress from 0.0.0.0/0 to any port',
  severity: 'high',
  label: 'all traffic',
});
