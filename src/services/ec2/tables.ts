/**
 * Row types of the EC2 inventory tables (migration 0006-ec2). Every row is scoped by account and
 * Region (`account_id`, `region`), as EC2 scopes its resources. Booleans are integers 0/1 (SQLite
 * has no boolean type); timestamps are ISO-8601 text. Records only: no virtual machine runs.
 */
import type { Timestamp } from '../../store/database.js';

/** One row per account and Region, created with that Region's default VPC on first use. */
export interface Ec2RegionSettingsTable {
  account_id: string;
  region: string;
  ebs_encryption_by_default: number;
  /** ModifyEbsDefaultKmsKeyId's key as a KMS ARN; null means the AWS managed key `aws/ebs`. */
  ebs_default_kms_key_arn: string | null;
  created_at: Timestamp;
}

export interface Ec2VpcsTable {
  vpc_id: string;
  account_id: string;
  region: string;
  cidr_block: string;
  cidr_association_id: string;
  is_default: number;
  instance_tenancy: string;
  dhcp_options_id: string;
  created_at: Timestamp;
}

export interface Ec2SubnetsTable {
  subnet_id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  cidr_block: string;
  availability_zone: string;
  default_for_az: number;
  map_public_ip_on_launch: number;
  created_at: Timestamp;
}

export interface Ec2SecurityGroupsTable {
  group_id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  /** Unique per VPC; `default` is the group every VPC is created with. */
  group_name: string;
  description: string;
  created_at: Timestamp;
}

/**
 * One rule per source, as AWS stores them (`sgr-...`): DescribeSecurityGroups regroups them into
 * IpPermissions by (protocol, from port, to port). Exactly one of the four source columns is set.
 */
export interface Ec2SecurityGroupRulesTable {
  rule_id: string;
  group_id: string;
  account_id: string;
  region: string;
  is_egress: number;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or another protocol number. */
  ip_protocol: string;
  from_port: number | null;
  to_port: number | null;
  cidr_ipv4: string | null;
  cidr_ipv6: string | null;
  prefix_list_id: string | null;
  referenced_group_id: string | null;
  referenced_user_id: string | null;
  description: string | null;
  /** Insertion order within the group, so permissions list as they were authorized. */
  position: number;
  created_at: Timestamp;
}

export interface Ec2InstancesTable {
  instance_id: string;
  account_id: string;
  region: string;
  reservation_id: string;
  launch_index: number;
  image_id: string;
  instance_type: string;
  /** The settled state: `running`, `stopped` or `terminated` (transitions complete at once). */
  state: string;
  state_transition_reason: string;
  /** StateReason code (`Client.UserInitiatedShutdown`, `Client.InvalidKMSKey.InvalidState`). */
  state_reason_code: string | null;
  launch_time: Timestamp;
  terminated_at: Timestamp | null;
  vpc_id: string;
  subnet_id: string;
  availability_zone: string;
  private_ip: string;
  public_ip: string | null;
  eni_id: string;
  key_name: string | null;
  /** RunInstances UserData as sent: base64 text. */
  user_data: string | null;
  iam_profile_arn: string | null;
  iam_profile_id: string | null;
  http_tokens: string;
  http_endpoint: string;
  http_hop_limit: number;
  http_protocol_ipv6: string;
  metadata_tags: string;
  client_token: string | null;
  ebs_optimized: number;
  monitoring: string;
  root_device_name: string;
  disable_api_termination: number;
  disable_api_stop: number;
  shutdown_behavior: string;
  created_at: Timestamp;
}

/** The security groups of an instance's primary network interface, in launch order. */
export interface Ec2InstanceGroupsTable {
  instance_id: string;
  group_id: string;
  position: number;
}

export interface Ec2VolumesTable {
  volume_id: string;
  account_id: string;
  region: string;
  availability_zone: string;
  size: number;
  volume_type: string;
  iops: number | null;
  throughput: number | null;
  encrypted: number;
  kms_key_arn: string | null;
  snapshot_id: string | null;
  multi_attach: number;
  /** `available` or `in-use` (settled states). */
  state: string;
  created_at: Timestamp;
  instance_id: string | null;
  device: string | null;
  attach_time: Timestamp | null;
  delete_on_termination: number;
}

export interface Ec2SnapshotsTable {
  snapshot_id: string;
  account_id: string;
  region: string;
  volume_id: string;
  volume_size: number;
  description: string;
  encrypted: number;
  kms_key_arn: string | null;
  start_time: Timestamp;
}

/** createVolumePermission: `kind` `group` with grantee `all` (public) or `user` with an account id. */
export interface Ec2SnapshotPermissionsTable {
  snapshot_id: string;
  kind: 'group' | 'user';
  grantee: string;
}

export interface Ec2TagsTable {
  account_id: string;
  region: string;
  resource_id: string;
  /** DescribeTags' ResourceType: `instance`, `security-group`, `volume`, ... */
  resource_type: string;
  tag_key: string;
  tag_value: string;
}

/** The EC2 tables, for the store's `Database` interface. */
export interface Ec2Tables {
  ec2_region_settings: Ec2RegionSettingsTable;
  ec2_vpcs: Ec2VpcsTable;
  ec2_subnets: Ec2SubnetsTable;
  ec2_security_groups: Ec2SecurityGroupsTable;
  ec2_security_group_rules: Ec2SecurityGroupRulesTable;
  ec2_instances: Ec2InstancesTable;
  ec2_instance_groups: Ec2InstanceGroupsTable;
  ec2_volumes: Ec2VolumesTable;
  ec2_snapshots: Ec2SnapshotsTable;
  ec2_snapshot_permissions: Ec2SnapshotPermissionsTable;
  ec2_tags: Ec2TagsTable;
}
