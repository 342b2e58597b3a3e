import { fail, judge, pass, perEc2List } from '../lib/results.js';
import type { Check } from '../types.js';

/** Every VPC has a flow log (CIS 3.7). */
export const check: Check = {
  id: 'vpc_flow_logs_enabled',
  title: 'VPC flow logs are enabled',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AwsEc2Vpc',
  cis: ['3.7'],
  risk: 'Without flow logs there is no record of which addresses talked to what, for detection or for an investigation.',
  remediation: 'Create a flow log for the VPC (at least rejected traffic) to CloudWatch Logs or S3.',
  cli: 'aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
  uses: ['ec2'],
  run: (inv) => perEc2List(inv, (ec2) => ec2.vpcs, (vpc, region) => {
    const r = { uid: vpc.arn, name: vpc.id, region };
    return judge(inv.ec2![region]!.flowLogResourceIds, r, (ids) => [ids.includes(vpc.id)
      ? pass(r, `VPC ${vpc.id} Flow logs are enabled.`)
      : fail(r, `VPC ${vpc.id} Flow logs are disabled.`)]);
  }),
};
