/**
 * What a check is: data (id, title, severity, CIS controls, remediation, the aws-cli command that
 * fixes it) plus one small pure function over the inventory that returns one result per resource.
 * Adding a check is adding one file under checks/<service>/ and one line in checks/index.ts.
 */
import type { Inventory, InventoryService } from '../inventory.js';

/** PASS and FAIL judge a resource; MANUAL needs a human (or a client this run lacks); ERROR means the data could not be read. */
export type Status = 'PASS' | 'FAIL' | 'MANUAL' | 'ERROR';
export const STATUSES: readonly Status[] = ['PASS', 'FAIL', 'MANUAL', 'ERROR'];

/** Prowler's severities, most severe first. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

/** The service a check belongs to, as Prowler names it (VPC checks read EC2's API). */
export type AuditService = 'iam' | 's3' | 'kms' | 'cloudtrail' | 'ec2' | 'vpc';
export const AUDIT_SERVICES: readonly AuditService[] = ['iam', 's3', 'kms', 'cloudtrail', 'ec2', 'vpc'];

/** The resource a result is about. */
export interface ResourceRef {
  /** Its ARN (account-level settings get a synthetic ARN naming the account and Region). */
  uid: string;
  name: string;
  /** The Region, or `global` for IAM and other account-wide resources. */
  region: string;
}

export interface CheckResult {
  status: Status;
  /** What was found, for this resource (Prowler's status_extended). Never holds a secret. */
  message: string;
  resource: ResourceRef;
  /** A result may be more or less severe than the check's default (an exposed port without a public IP). */
  severity?: Severity;
}

export interface CheckMeta {
  /** Prowler's CheckID where Prowler has the check. */
  id: string;
  title: string;
  severity: Severity;
  service: AuditService;
  /** The resource type as AWS Security Hub / Prowler name it (AwsS3Bucket, AwsIamUser, ...). */
  resourceType: string;
  /** CIS AWS Foundations Benchmark v3.0.0 control ids this check implements. */
  cis: string[];
  /** Why a FAIL matters. */
  risk: string;
  /** How to fix it, in words. */
  remediation: string;
  /** The aws-cli command that fixes it (placeholders in <angle brackets>). */
  cli: string;
  /** Documentation of the setting. */
  url: string;
  /** The inventory sections the check reads. */
  uses: InventoryService[];
}

export interface Check extends CheckMeta {
  run(inventory: Inventory): CheckResult[];
}

/** A result with the check it came from, as the reports write it. */
export interface Finding {
  check: CheckMeta;
  status: Status;
  message: string;
  resource: ResourceRef;
  severity: Severity;
}
