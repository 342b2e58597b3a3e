/**
 * The inventory snapshot: every resource the checks judge, read once through the AWS APIs (see
 * collect.ts), then handed to pure check functions (ScoutSuite's "collect once, judge many").
 *
 * It is plain JSON (times as ISO-8601 strings, policy documents as parsed JSON), so a run can be
 * recorded with `--inventory-out` and judged again later, or on another machine, with
 * `--inventory-in`. Every value a read call produced is a {@link Fetched}: either the value or
 * the API's error, so a call the service refuses or lacks turns into ERROR (or MANUAL) findings
 * for the checks that needed it, never into a crash or a false PASS.
 */

/** The snapshot format; bumped when a field changes meaning. */
export const INVENTORY_VERSION = 1;

/** Why a value is missing: the call failed (`error`), or no client could make it (`unavailable`). */
export interface ApiError {
  /** The API operation, e.g. `GetBucketLogging`, or a client library for `unavailable`. */
  operation: string;
  /** The error code AWS answered (`NotImplemented`, `AccessDenied`, ...), or the SDK's error name. */
  code: string;
  message: string;
  kind: 'error' | 'unavailable';
}

/** A value read through the API, or why it could not be read. */
export type Fetched<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** A policy document as JSON (IAM's URL-encoded documents are decoded at collection). */
export type PolicyDocument = Record<string, unknown>;

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export interface AttachedPolicy {
  name: string;
  arn: string;
}

export interface MfaDevice {
  serialNumber: string;
  enabledAt?: string;
}

export interface IamUser {
  name: string;
  arn: string;
  createdAt?: string;
  passwordLastUsed?: string;
  attachedPolicies: Fetched<AttachedPolicy[]>;
  inlinePolicies: Fetched<NamedPolicy[]>;
  mfaDevices: Fetched<MfaDevice[]>;
}

export interface IamGroup {
  name: string;
  arn: string;
  attachedPolicies: Fetched<AttachedPolicy[]>;
  inlinePolicies: Fetched<NamedPolicy[]>;
}

export interface IamRole {
  name: string;
  arn: string;
  path: string;
  trustPolicy?: PolicyDocument;
  attachedPolicies: Fetched<AttachedPolicy[]>;
  inlinePolicies: Fetched<NamedPolicy[]>;
}

/** A managed policy with its default version's document. */
export interface ManagedPolicy {
  name: string;
  arn: string;
  attachmentCount: number;
  document: Fetched<PolicyDocument>;
}

export interface PasswordPolicy {
  minimumPasswordLength?: number;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  requireUppercaseCharacters?: boolean;
  requireLowercaseCharacters?: boolean;
  expirePasswords?: boolean;
  maxPasswordAge?: number;
  passwordReusePrevention?: number;
}

/** The credential report: its generation time (ages are measured from it) and its CSV rows. */
export interface CredentialReport {
  generatedAt: string;
  rows: Array<Record<string, string>>;
}

export interface ServerCertificate {
  name: string;
  arn: string;
  expiration?: string;
}

export interface IamInventory {
  summary: Fetched<Record<string, number>>;
  credentialReport: Fetched<CredentialReport>;
  /** null: the account has no password policy (NoSuchEntity). */
  passwordPolicy: Fetched<PasswordPolicy | null>;
  users: Fetched<IamUser[]>;
  groups: Fetched<IamGroup[]>;
  roles: Fetched<IamRole[]>;
  /** Customer managed policies (Scope=Local). */
  customerPolicies: Fetched<ManagedPolicy[]>;
  /** AWS managed policies attached to something (Scope=AWS, OnlyAttached). */
  awsAttachedPolicies: Fetched<ManagedPolicy[]>;
  virtualMfaDevices: Fetched<Array<{ serialNumber: string; userArn?: string }>>;
  serverCertificates: Fetched<ServerCertificate[]>;
}

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface Grant {
  /** `Group`, `CanonicalUser`, `AmazonCustomerByEmail`. */
  granteeType: string;
  uri?: string;
  id?: string;
  permission: string;
}

export interface BucketEncryptionRule {
  algorithm: string;
  kmsKeyId?: string;
}

export interface Bucket {
  name: string;
  arn: string;
  region: string;
  createdAt?: string;
  acl: Fetched<{ ownerId?: string; grants: Grant[] }>;
  /** null: no bucket policy. */
  policy: Fetched<PolicyDocument | null>;
  /** null: no bucket-level Block Public Access configuration. */
  publicAccessBlock: Fetched<PublicAccessBlock | null>;
  versioning: Fetched<{ status?: string; mfaDelete?: string }>;
  /** null: server access logging is off. */
  logging: Fetched<{ targetBucket: string; targetPrefix?: string } | null>;
  /** null: no ownership controls (ACLs enabled, ObjectWriter behaviour). */
  ownership: Fetched<string | null>;
  /** null: no default encryption configuration. */
  encryption: Fetched<BucketEncryptionRule[] | null>;
  objectLock: Fetched<boolean>;
  /** Number of enabled lifecycle rules; 0 when there is no configuration. */
  lifecycleRules: Fetched<number>;
}

export interface S3Inventory {
  /** null: the account has no Block Public Access configuration. */
  accountPublicAccessBlock: Fetched<PublicAccessBlock | null>;
  buckets: Fetched<Bucket[]>;
}

export interface KmsKey {
  id: string;
  arn: string;
  region: string;
  /** `CUSTOMER` or `AWS`. */
  manager: string;
  state: string;
  spec?: string;
  usage?: string;
  origin?: string;
  multiRegion: boolean;
  deletionDate?: string;
  /** Read only for enabled customer managed symmetric keys with AWS key material. */
  rotationEnabled?: Fetched<boolean>;
  /** Read only for customer managed keys. */
  policy?: Fetched<PolicyDocument>;
  /** Set when DescribeKey failed: the key's other facts are unknown. */
  describeError?: ApiError;
}

/** Automatic rotation exists only for enabled customer managed symmetric keys whose material KMS generated. */
export function rotationApplies(key: Pick<KmsKey, 'manager' | 'state' | 'spec' | 'origin'>): boolean {
  return key.manager === 'CUSTOMER' && key.state === 'Enabled' && key.spec === 'SYMMETRIC_DEFAULT' && (key.origin ?? 'AWS_KMS') === 'AWS_KMS';
}

export interface EventSelector {
  readWriteType?: string;
  includeManagementEvents?: boolean;
  dataResources: Array<{ type: string; values: string[] }>;
}

export interface AdvancedFieldSelector {
  field: string;
  equals?: string[];
  notEquals?: string[];
  startsWith?: string[];
  notStartsWith?: string[];
  endsWith?: string[];
  notEndsWith?: string[];
}

export interface Trail {
  arn: string;
  name: string;
  homeRegion: string;
  multiRegion: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string;
  s3BucketName?: string;
  cloudWatchLogsLogGroupArn?: string;
  organization: boolean;
  status: Fetched<{ isLogging: boolean; latestCloudWatchLogsDeliveryTime?: string }>;
  selectors: Fetched<{ basic: EventSelector[]; advanced: Array<{ name?: string; fields: AdvancedFieldSelector[] }> }>;
  /** Insight types enabled (`ApiCallRateInsight`, ...). */
  insights: Fetched<string[]>;
}

export interface CloudTrailInventory {
  /** Per audited Region, the ARNs of the trails that Region's DescribeTrails shows (own and multi-Region). */
  regions: Record<string, Fetched<string[]>>;
  /** Every trail once, by ARN, as read in its home Region. */
  trails: Trail[];
}

export interface IpPermission {
  /** `-1` for all protocols, else `tcp`, `udp`, `icmp`, a number ... */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  ipv4: string[];
  ipv6: string[];
  groupIds: string[];
}

export interface SecurityGroup {
  id: string;
  arn: string;
  name: string;
  vpcId?: string;
  ingress: IpPermission[];
  egress: IpPermission[];
}

export interface Instance {
  id: string;
  arn: string;
  state: string;
  publicIp?: string;
  subnetId?: string;
  vpcId?: string;
  securityGroupIds: string[];
  instanceProfileArn?: string;
  launchTime?: string;
  /** `optional` (IMDSv1 allowed) or `required`. */
  httpTokens?: string;
  /** `enabled` or `disabled`. */
  httpEndpoint?: string;
  /**
   * What the user data holds, scanned at collection (see secrets.ts): its size and the kinds of
   * secret found on which lines. null when the instance has none. The text itself is not kept:
   * an inventory saved to disk must not become a copy of the secrets it reports.
   */
  userData: Fetched<UserDataScan | null>;
}

export interface UserDataScan {
  bytes: number;
  secrets: Array<{ kind: string; line: number }>;
}

export interface Volume {
  id: string;
  arn: string;
  state?: string;
  encrypted: boolean;
  kmsKeyId?: string;
  attachedTo: string[];
}

export interface Snapshot {
  id: string;
  arn: string;
  volumeId?: string;
  encrypted: boolean;
  /** Whether `createVolumePermission` grants the group `all`. */
  public: Fetched<boolean>;
}

export interface NetworkAclEntry {
  ruleNumber: number;
  protocol: string;
  action: string;
  egress: boolean;
  cidr?: string;
  ipv6Cidr?: string;
  fromPort?: number;
  toPort?: number;
}

export interface NetworkAcl {
  id: string;
  arn: string;
  vpcId?: string;
  isDefault: boolean;
  entries: NetworkAclEntry[];
}

export interface Vpc {
  id: string;
  arn: string;
  isDefault: boolean;
}

export interface Ec2Region {
  ebsEncryptionByDefault: Fetched<boolean>;
  /** GetInstanceMetadataDefaults' HttpTokens: `required`, `optional`, or `no-preference` when unset. */
  instanceMetadataDefaults: Fetched<{ httpTokens: string }>;
  /** GetSnapshotBlockPublicAccessState: `block-all-sharing`, `block-new-sharing` or `unblocked`. */
  snapshotBlockPublicAccess: Fetched<string>;
  instances: Fetched<Instance[]>;
  securityGroups: Fetched<SecurityGroup[]>;
  volumes: Fetched<Volume[]>;
  snapshots: Fetched<Snapshot[]>;
  networkAcls: Fetched<NetworkAcl[]>;
  vpcs: Fetched<Vpc[]>;
  /** The resource ids (VPCs, subnets, ENIs) that have a flow log. */
  flowLogResourceIds: Fetched<string[]>;
}

/** The services a collector reads; a check declares which it needs. */
export type InventoryService = 'iam' | 's3' | 'kms' | 'cloudtrail' | 'ec2';
export const INVENTORY_SERVICES: readonly InventoryService[] = ['iam', 's3', 'kms', 'cloudtrail', 'ec2'];

export interface Inventory {
  version: number;
  /** The auditing machine's clock when collection started. */
  collectedAt: string;
  account: { id: string; arn: string; partition: string };
  /** The Region global calls (IAM, S3 ListBuckets, STS) went to. */
  homeRegion: string;
  /** The Regions audited. */
  regions: string[];
  /** The endpoint override, when one was used (recorded so a replay says where the data came from). */
  endpoint?: string;
  /** Sections present: only the services the selected checks need are collected. */
  iam?: IamInventory;
  s3?: S3Inventory;
  kms?: Record<string, Fetched<KmsKey[]>>;
  cloudtrail?: CloudTrailInventory;
  ec2?: Record<string, Ec2Region>;
}

/** Parses and sanity-checks a recorded inventory (from `--inventory-out`). */
export function parseInventory(text: string): Inventory {
  const inv = JSON.parse(text) as Partial<Inventory>;
  if (typeof inv !== 'object' || inv === null || inv.version !== INVENTORY_VERSION) {
    throw new Error(`not a Coffer audit inventory of version ${INVENTORY_VERSION}`);
  }
  if (!inv.account?.id || !Array.isArray(inv.regions) || typeof inv.collectedAt !== 'string') {
    throw new Error('the inventory lacks its account, regions or collection time');
  }
  return inv as Inventory;
}
