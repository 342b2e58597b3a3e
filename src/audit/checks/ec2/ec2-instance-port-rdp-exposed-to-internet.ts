import { instancePortsCheck } from '../lib/ec2.js';

/** Instances whose security groups open RDP to the world. */
export const check = instancePortsCheck({
  id: 'ec2_instance_port_rdp_exposed_to_internet',
  title: 'EC2 instance does not allow ingress from the Internet to TCP port 3389 (RDP)',
  label: 'RDP',
  ports: [3389],
  cis: [],
});
