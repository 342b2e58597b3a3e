/**
 * Recorded-inventory fixtures for the check tests: a clean account (nothing to flag, nothing
 * unreadable) that each test case bends into a PASS or a FAIL, and builders for its resources.
 */
import { checkById } from '../checks/index.js';
import type { CheckResult, Status } from '../checks/types.js';
import type {
  Bucket, Ec2Region, Fetched, IamUser, Instance, Inventory, IpPermission, KmsKey, SecurityGroup, Trail,
} from '../inventory.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
/** When the fixture's credential report was generated: ages are measured from here. */
export const REPORT_TIME = '2025-06-01T12:00:00.000Z';

export function ok<T>(value: T): Fetched<T> {
  return { ok: true, value };
}

export function err(operation: string, code = 'AccessDenied'): Fetched<never> {
  return { ok: false, error: { operation, code, message: `${operation} was refused`, kind: 'error' } };
}

/** `days` days before the report time, as the credential report writes times. */
export function daysAgo(days: number): string {
  return new Date(new Date(REPORT_TIME).getTime() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const KEY_NONE = { active: 'false', rotated: 'N/A', used: 'N/A' };

/** A credential report row (defaults: a user with no password and no keys). */
export function reportRow(user: string, over: Record<string, string> = {}): Record<string, string> {
  const arn = user === '<root_account>' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${user}`;
  return {
    user, arn, user_creation_time: daysAgo(400), password_enabled: user === '<root_account>' ? 'not_supported' : 'false',
    password_last_used: 'N/A', password_last_changed: 'N/A', password_next_rotation: 'N/A', mfa_active: 'false',
    access_key_1_active: KEY_NONE.active, access_key_1_last_rotated: KEY_NONE.rotated, access_key_1_last_used_date: KEY_NONE.used,
    access_key_1_last_used_region: 'N/A', access_key_1_last_used_service: 'N/A',
    access_key_2_active: KEY_NONE.active, access_key_2_last_rotated: KEY_NONE.rotated, access_key_2_last_used_date: KEY_NONE.used,
    access_key_2_last_used_region: 'N/A', access_key_2_last_used_service: 'N/A',
    cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false', cert_2_last_rotated: 'N/A',
    ...over,
  };
}

export function user(name: string, over: Partial<IamUser> = {}): IamUser {
  return { name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, attachedPolicies: ok([]), inlinePolicies: ok([]), mfaDevices: ok([]), ...over };
}

/** The bucket policy CIS 2.1.1 asks for. */
export function denyInsecureTransport(name: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
      Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }],
  };
}

export function bucket(name: string, over: Partial<Bucket> = {}): Bucket {
  return {
    name, arn: `arn:aws:s3:::${name}`, region: REGION,
    acl: ok({ ownerId: 'owner', grants: [{ granteeType: 'CanonicalUser', id: 'owner', permission: 'FULL_CONTROL' }] }),
    policy: ok(denyInsecureTransport(name)),
    publicAccessBlock: ok({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
    versioning: ok({ status: 'Enabled', mfaDelete: 'Enabled' }), logging: ok({ targetBucket: 'logs' }), ownership: ok('BucketOwnerEnforced'),
    encryption: ok([{ algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }]), objectLock: ok(true), lifecycleRules: ok(1),
    ...over,
  };
}

export function kmsKey(id: string, over: Partial<KmsKey> = {}): KmsKey {
  return {
    id, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`, region: REGION, manager: 'CUSTOMER', state: 'Enabled', spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false, rotationEnabled: ok(true),
    policy: ok({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] }),
    ...over,
  };
}

export function trail(name: string, over: Partial<Trail> = {}): Trail {
  return {
    arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`, name, homeRegion: REGION, multiRegion: true, logFileValidation: true,
    kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k`, s3BucketName: 'trail-bucket',
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:trail`, organization: false,
    status: ok({ isLogging: true, latestCloudWatchLogsDeliveryTime: REPORT_TIME }),
    selectors: ok({ basic: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }], advanced: [] }),
    insights: ok(['ApiCallRateInsight']),
    ...over,
  };
}

export function perm(protocol: string, from: number | undefined, to: number | undefined, ipv4: string[] = [], ipv6: string[] = []): IpPermission {
  return { protocol, fromPort: from, toPort: to, ipv4, ipv6, groupIds: [] };
}

export function securityGroup(id: string, over: Partial<SecurityGroup> = {}): SecurityGroup {
  return { id, arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`, name: id, vpcId: 'vpc-1', ingress: [], egress: [], ...over };
}

export function instance(id: string, over: Partial<Instance> = {}): Instance {
  return {
    id, arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`, state: 'running', securityGroupIds: [], subnetId: 'subnet-1', vpcId: 'vpc-1',
    instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/app`, httpTokens: 'required', httpEndpoint: 'enabled', userData: ok(null),
    ...over,
  };
}

function cleanEc2(): Ec2Region {
  return {
    ebsEncryptionByDefault: ok(true), instanceMetadataDefaults: ok({ httpTokens: 'required' }), snapshotBlockPublicAccess: ok('block-all-sharing'),
    instances: ok([]), securityGroups: ok([securityGroup('sg-default', { name: 'default' })]), volumes: ok([]), snapshots: ok([]),
    networkAcls: ok([{ id: 'acl-1', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:network-acl/acl-1`, vpcId: 'vpc-1', isDefault: true, entries: [] }]),
    vpcs: ok([{ id: 'vpc-1', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-1`, isDefault: true }]), flowLogResourceIds: ok(['vpc-1']),
  };
}

/** An account with nothing to flag: every check passes or finds nothing to judge. */
export function cleanInventory(): Inventory {
  return {
    version: 1, collectedAt: REPORT_TIME, account: { id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, partition: 'aws' },
    homeRegion: REGION, regions: [REGION],
    iam: {
      summary: ok({ AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 }),
      credentialReport: ok({ generatedAt: REPORT_TIME, rows: [reportRow('<root_account>', { mfa_active: 'true' })] }),
      passwordPolicy: ok({
        minimumPasswordLength: 14, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true,
        expirePasswords: true, maxPasswordAge: 90, passwordReusePrevention: 24,
      }),
      users: ok([]), groups: ok([]),
      roles: ok([
        { name: 'support', arn: `arn:aws:iam::${ACCOUNT}:role/support`, path: '/', attachedPolicies: ok([{ name: 'AWSSupportAccess', arn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }]), inlinePolicies: ok([]) },
        { name: 'audit', arn: `arn:aws:iam::${ACCOUNT}:role/audit`, path: '/', attachedPolicies: ok([{ name: 'SecurityAudit', arn: 'arn:aws:iam::aws:policy/SecurityAudit' }]), inlinePolicies: ok([]) },
      ]),
      customerPolicies: ok([]), awsAttachedPolicies: ok([]), virtualMfaDevices: ok([]), serverCertificates: ok([]),
    },
    s3: {
      accountPublicAccessBlock: ok({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
      buckets: ok([bucket('trail-bucket')]),
    },
    kms: { [REGION]: ok([]) },
    cloudtrail: { regions: { [REGION]: ok([trail('main').arn]) }, trails: [trail('main')] },
    ec2: { [REGION]: cleanEc2() },
  };
}

/** The results of one check over an inventory. */
export function results(checkId: string, inv: Inventory): CheckResult[] {
  const check = checkById(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.run(inv);
}

export function statuses(checkId: string, inv: Inventory): Status[] {
  return results(checkId, inv).map((r) => r.status);
}

/** A PASS case and a FAIL case for a check: each bends a clean inventory. */
export interface CheckCase {
  id: string;
  pass: (inv: Inventory) => void;
  fail: (inv: Inventory) => void;
}
