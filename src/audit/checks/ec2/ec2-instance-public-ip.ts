import { fail, pass } from '../lib/results.js';
import { perInstance } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Instances with a public IPv4 address. */
export const check: Check = {
  id: 'ec2_instance_public_ip',
  title: 'EC2 instance does not have a public IP address',
  severity: 'medium',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: [],
  risk: 'A public address puts the instance one security group rule away from the internet.',
  remediation: 'Launch instances in private subnets without public addresses; publish services through a load balancer.',
  cli: 'aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch   # then relaunch the instance without a public IP',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html',
  uses: ['ec2'],
  run: (inv) => perInstance(inv, (i, r) => [i.publicIp
    ? fail(r, `EC2 Instance ${i.id} has a Public IP: ${i.publicIp}.`)
    : pass(r, `EC2 Instance ${i.id} does not have a Public IP.`)]),
};
