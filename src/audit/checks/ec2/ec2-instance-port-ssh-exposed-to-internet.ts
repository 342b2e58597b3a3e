import { instancePortsCheck } from '../lib/ec2.js';

/** Instances whose security groups open SSH to the world. */
export const check = instancePortsCheck({
  id: 'ec2_instance_port_ssh_exposed_to_internet',
  title: 'EC2 instance does not allow ingress from the Internet to TCP port 22 (SSH)',
  label: 'SSH',
  ports: [22],
  cis: [],
});
