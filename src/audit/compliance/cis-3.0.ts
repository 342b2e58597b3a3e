/**
 * CIS Amazon Web Services Foundations Benchmark v3.0.0: all 62 controls. Which checks implement a
 * control is said once, by the checks themselves (their `cis` ids); a control no check implements
 * carries the reason it needs a person (or a service this auditor does not read) and is reported
 * MANUAL, never dropped.
 * https://www.cisecurity.org/benchmark/amazon_web_services
 */
import { CHECKS } from '../checks/index.js';
import type { Check, Finding, Status } from '../checks/types.js';

export interface Control {
  id: string;
  section: string;
  title: string;
  /** CIS profile: Level 1 (baseline) or Level 2 (defense in depth). */
  level: 1 | 2;
  /** Why no automated check covers it (set exactly for controls without checks). */
  manual?: string;
}

/** The framework's name as `--compliance` takes it (Prowler's). */
export const CIS_3_0 = 'cis_3.0_aws';

const SECTIONS: Record<string, string> = {
  '1': 'Identity and Access Management', '2': 'Storage', '3': 'Logging', '4': 'Monitoring', '5': 'Networking',
};

const CONSOLE = 'kept in the AWS account settings (console or the Account API), which this auditor does not read';
const METRIC = 'needs a CloudWatch Logs metric filter and alarm on the trail\'s log group (CloudWatch is not read by this auditor)';

const RAW: Array<[string, string, 1 | 2, string?]> = [
  ['1.1', 'Maintain current contact details', 1, `Contact details are ${CONSOLE}`],
  ['1.2', 'Ensure security contact information is registered', 1, `The security alternate contact is ${CONSOLE}`],
  ['1.3', 'Ensure security questions are registered in the AWS account', 1, `Security questions are ${CONSOLE}`],
  ['1.4', "Ensure no 'root' user account access key exists", 1],
  ['1.5', "Ensure MFA is enabled for the 'root' user account", 1],
  ['1.6', "Ensure hardware MFA is enabled for the 'root' user account", 2],
  ['1.7', "Eliminate use of the 'root' user for administrative and daily tasks", 1],
  ['1.8', 'Ensure IAM password policy requires minimum length of 14 or greater', 1],
  ['1.9', 'Ensure IAM password policy prevents password reuse', 1],
  ['1.10', 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password', 1],
  ['1.11', 'Do not setup access keys during initial user setup for all IAM users that have a console password', 1],
  ['1.12', 'Ensure credentials unused for 45 days or greater are disabled', 1],
  ['1.13', 'Ensure there is only one active access key available for any single IAM user', 1],
  ['1.14', 'Ensure access keys are rotated every 90 days or less', 1],
  ['1.15', 'Ensure IAM Users Receive Permissions Only Through Groups', 1],
  ['1.16', 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached', 1],
  ['1.17', 'Ensure a support role has been created to manage incidents with AWS Support', 1],
  ['1.18', 'Ensure IAM instance roles are used for AWS resource access from instances', 2],
  ['1.19', 'Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed', 1],
  ['1.20', 'Ensure that IAM Access analyzer is enabled for all regions', 1, 'Needs IAM Access Analyzer (ListAnalyzers in every Region), a service this auditor does not read'],
  ['1.21', 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments', 2, 'Whether identities are federated or centrally managed is an organisational decision to review by hand'],
  ['1.22', 'Ensure access to AWSCloudShellFullAccess is restricted', 1],
  ['2.1.1', 'Ensure S3 Bucket Policy is set to deny HTTP requests', 2],
  ['2.1.2', 'Ensure MFA Delete is enabled on S3 buckets', 1],
  ['2.1.3', 'Ensure all data in Amazon S3 has been discovered, classified and secured when required', 2, 'Needs Amazon Macie (or another data classification process), which this auditor does not read'],
  ['2.1.4', "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'", 1],
  ['2.2.1', 'Ensure EBS Volume Encryption is Enabled in all Regions', 1],
  ['2.3.1', 'Ensure that encryption is enabled for RDS Instances', 1, 'Needs Amazon RDS (DescribeDBInstances), a service this auditor does not read'],
  ['2.3.2', 'Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances', 1, 'Needs Amazon RDS (DescribeDBInstances), a service this auditor does not read'],
  ['2.3.3', 'Ensure that public access is not given to RDS Instance', 1, 'Needs Amazon RDS (DescribeDBInstances), a service this auditor does not read'],
  ['2.4.1', 'Ensure that encryption is enabled for EFS file systems', 1, 'Needs Amazon EFS (DescribeFileSystems), a service this auditor does not read'],
  ['3.1', 'Ensure CloudTrail is enabled in all regions', 1],
  ['3.2', 'Ensure CloudTrail log file validation is enabled', 2],
  ['3.3', 'Ensure AWS Config is enabled in all regions', 2, 'Needs AWS Config (DescribeConfigurationRecorders in every Region), a service this auditor does not read'],
  ['3.4', 'Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket', 1],
  ['3.5', 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs', 2],
  ['3.6', 'Ensure rotation for customer created symmetric CMKs is enabled', 2],
  ['3.7', 'Ensure VPC flow logging is enabled in all VPCs', 2],
  ['3.8', 'Ensure that Object-level logging for write events is enabled for S3 bucket', 2],
  ['3.9', 'Ensure that Object-level logging for read events is enabled for S3 bucket', 2],
  ['4.1', 'Ensure a log metric filter and alarm exist for unauthorized API calls', 1, METRIC],
  ['4.2', 'Ensure a log metric filter and alarm exist for Management Console sign-in without MFA', 1, METRIC],
  ['4.3', "Ensure a log metric filter and alarm exist for usage of 'root' account", 1, METRIC],
  ['4.4', 'Ensure a log metric filter and alarm exist for IAM policy changes', 1, METRIC],
  ['4.5', 'Ensure a log metric filter and alarm exist for CloudTrail configuration changes', 1, METRIC],
  ['4.6', 'Ensure a log metric filter and alarm exist for AWS Management Console authentication failures', 2, METRIC],
  ['4.7', 'Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs', 2, METRIC],
  ['4.8', 'Ensure a log metric filter and alarm exist for S3 bucket policy changes', 1, METRIC],
  ['4.9', 'Ensure a log metric filter and alarm exist for AWS Config configuration changes', 2, METRIC],
  ['4.10', 'Ensure a log metric filter and alarm exist for security group changes', 2, METRIC],
  ['4.11', 'Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)', 2, METRIC],
  ['4.12', 'Ensure a log metric filter and alarm exist for changes to network gateways', 1, METRIC],
  ['4.13', 'Ensure route table changes are monitored', 1, METRIC],
  ['4.14', 'Ensure a log metric filter and alarm exist for VPC changes', 1, METRIC],
  ['4.15', 'Ensure a log metric filter and alarm exists for AWS Organizations changes', 1, METRIC],
  ['4.16', 'Ensure AWS Security Hub is enabled', 2, 'Needs AWS Security Hub (DescribeHub), a service this auditor does not read'],
  ['5.1', 'Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports', 1],
  ['5.2', 'Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports', 1],
  ['5.3', 'Ensure no security groups allow ingress from ::/0 to remote server administration ports', 1],
  ['5.4', 'Ensure the default security group of every VPC restricts all traffic', 2],
  ['5.5', 'Ensure routing tables for VPC peering are "least access"', 2, 'Route tables of peered VPCs must be compared with the intended traffic by hand'],
  ['5.6', 'Ensure that EC2 Metadata Service only allows IMDSv2', 1],
];

/** Every control of the benchmark, in document order. */
export const CIS_3_0_CONTROLS: readonly Control[] = RAW.map(([id, title, level, manual]) => ({
  id, title, level, section: SECTIONS[id.split('.')[0]!]!, ...(manual ? { manual } : {}),
}));

/** The checks implementing a control. */
export function checksFor(control: Control, checks: readonly Check[] = CHECKS): Check[] {
  return checks.filter((c) => c.cis.includes(control.id));
}

/** A control's verdict: the worst of its checks' results; MANUAL without checks; N/A when its checks found nothing to judge. */
export type ControlStatus = Status | 'N/A';

export interface ControlResult {
  control: Control;
  status: ControlStatus;
  checks: string[];
  counts: Record<Status, number>;
}

/** Judges every control from the findings of a run. */
export function assessCis(findings: readonly Finding[], checks: readonly Check[] = CHECKS): ControlResult[] {
  return CIS_3_0_CONTROLS.map((control) => {
    const ids = checksFor(control, checks).map((c) => c.id);
    const counts: Record<Status, number> = { PASS: 0, FAIL: 0, MANUAL: 0, ERROR: 0 };
    for (const f of findings) if (ids.includes(f.check.id)) counts[f.status]++;
    let status: ControlStatus;
    if (ids.length === 0) status = 'MANUAL';
    else if (counts.FAIL > 0) status = 'FAIL';
    else if (counts.ERROR > 0) status = 'ERROR';
    else if (counts.MANUAL > 0) status = 'MANUAL';
    else if (counts.PASS > 0) status = 'PASS';
    else status = 'N/A';
    return { control, status, checks: ids, counts };
  });
}
