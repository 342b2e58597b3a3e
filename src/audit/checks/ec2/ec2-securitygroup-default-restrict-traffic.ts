import { fail, pass } from '../lib/results.js';
import { perSecurityGroup } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Each VPC's default security group should have no rules, so nothing ends up in it by accident (CIS 5.4). */
export const check: Check = {
  id: 'ec2_securitygroup_default_restrict_traffic',
  title: 'VPC default security group has no inbound or outbound rules',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2SecurityGroup',
  cis: ['5.4'],
  risk: 'Resources launched without an explicit group land in the default one; its rules then apply without anyone choosing them.',
  remediation: 'Remove every inbound and outbound rule from the default security group; use purpose-made groups instead.',
  cli: 'aws ec2 revoke-security-group-ingress --group-id <default-sg-id> --ip-permissions \'[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":"<default-sg-id>"}]}]\' && aws ec2 revoke-security-group-egress --group-id <default-sg-id> --ip-permissions \'[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]\'',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html',
  uses: ['ec2'],
  run: (inv) => perSecurityGroup(inv, (sg, r) => {
    if (sg.name !== 'default') return [];
    return [sg.ingress.length === 0 && sg.egress.length === 0
      ? pass(r, `Default Security Group (${sg.id}) rules do not allow traffic.`)
      : fail(r, `Default Security Group (${sg.id}) rules allow traffic.`)];
  }),
};
