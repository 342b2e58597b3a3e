/**
 * EC2 inventory tables: per-Region settings (EBS encryption by default), VPCs, subnets, security
 * groups and their rules, instances, volumes, snapshots and their permissions, tags. Records only.
 * Forward-only, like the others. Row types and column meanings: src/services/ec2/tables.ts.
 */
import { sql, type Kysely } from 'kysely';

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.schema
      .createTable('ec2_region_settings')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('ebs_encryption_by_default', 'integer', (c) => c.notNull())
      .addColumn('ebs_default_kms_key_arn', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ec2_region_settings_pk', ['account_id', 'region'])
      .execute();

    await tx.schema
      .createTable('ec2_vpcs')
      .addColumn('vpc_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cidr_block', 'text', (c) => c.notNull())
      .addColumn('cidr_association_id', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addColumn('instance_tenancy', 'text', (c) => c.notNull())
      .addColumn('dhcp_options_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('ec2_vpcs_by_scope').on('ec2_vpcs').columns(['account_id', 'region']).execute();

    await tx.schema
      .createTable('ec2_subnets')
      .addColumn('subnet_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('vpc_id', 'text', (c) => c.notNull().references('ec2_vpcs.vpc_id'))
      .addColumn('cidr_block', 'text', (c) => c.notNull())
      .addColumn('availability_zone', 'text', (c) => c.notNull())
      .addColumn('default_for_az', 'integer', (c) => c.notNull())
      .addColumn('map_public_ip_on_launch', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('ec2_subnets_by_scope').on('ec2_subnets').columns(['account_id', 'region']).execute();

    await tx.schema
      .createTable('ec2_security_groups')
      .addColumn('group_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('vpc_id', 'text', (c) => c.notNull().references('ec2_vpcs.vpc_id'))
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The constraint, not a read-then-insert, decides InvalidGroup.Duplicate under concurrency.
      .addUniqueConstraint('ec2_security_groups_name_unique', ['vpc_id', 'group_name'])
      .execute();
    await tx.schema.createIndex('ec2_security_groups_by_scope').on('ec2_security_groups').columns(['account_id', 'region']).execute();

    await tx.schema
      .createTable('ec2_security_group_rules')
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('ec2_security_groups.group_id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('is_egress', 'integer', (c) => c.notNull())
      .addColumn('ip_protocol', 'text', (c) => c.notNull())
      .addColumn('from_port', 'integer')
      .addColumn('to_port', 'integer')
      .addColumn('cidr_ipv4', 'text')
      .addColumn('cidr_ipv6', 'text')
      .addColumn('prefix_list_id', 'text')
      .addColumn('referenced_group_id', 'text')
      .addColumn('referenced_user_id', 'text')
      .addColumn('description', 'text')
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('ec2_security_group_rules_one_source', sql`(case when cidr_ipv4 is null then 0 else 1 end)
        + (case when cidr_ipv6 is null then 0 else 1 end) + (case when prefix_list_id is null then 0 else 1 end)
        + (case when referenced_group_id is null then 0 else 1 end) = 1`)
      .execute();
    await tx.schema.createIndex('ec2_rules_by_group').on('ec2_security_group_rules').columns(['group_id', 'position']).execute();
    // DeleteSecurityGroup looks for rules of other groups that reference the one being deleted.
    await tx.schema.createIndex('ec2_rules_by_referenced_group').on('ec2_security_group_rules').column('referenced_group_id').execute();

    await tx.schema
      .createTable('ec2_instances')
      .addColumn('instance_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('reservation_id', 'text', (c) => c.notNull())
      .addColumn('launch_index', 'integer', (c) => c.notNull())
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('instance_type', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running', 'stopped', 'terminated')`))
      .addColumn('state_transition_reason', 'text', (c) => c.notNull())
      .addColumn('state_reason_code', 'text')
      .addColumn('launch_time', 'text', (c) => c.notNull())
      .addColumn('terminated_at', 'text')
      .addColumn('vpc_id', 'text', (c) => c.notNull())
      .addColumn('subnet_id', 'text', (c) => c.notNull())
      .addColumn('availability_zone', 'text', (c) => c.notNull())
      .addColumn('private_ip', 'text', (c) => c.notNull())
      .addColumn('public_ip', 'text')
      .addColumn('eni_id', 'text', (c) => c.notNull())
      .addColumn('key_name', 'text')
      .addColumn('user_data', 'text')
      .addColumn('iam_profile_arn', 'text')
      .addColumn('iam_profile_id', 'text')
      .addColumn('http_tokens', 'text', (c) => c.notNull())
      .addColumn('http_endpoint', 'text', (c) => c.notNull())
      .addColumn('http_hop_limit', 'integer', (c) => c.notNull())
      .addColumn('http_protocol_ipv6', 'text', (c) => c.notNull())
      .addColumn('metadata_tags', 'text', (c) => c.notNull())
      .addColumn('client_token', 'text')
      .addColumn('ebs_optimized', 'integer', (c) => c.notNull())
      .addColumn('monitoring', 'text', (c) => c.notNull())
      .addColumn('root_device_name', 'text', (c) => c.notNull())
      .addColumn('disable_api_termination', 'integer', (c) => c.notNull())
      .addColumn('disable_api_stop', 'integer', (c) => c.notNull())
      .addColumn('shutdown_behavior', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('ec2_instances_by_scope').on('ec2_instances').columns(['account_id', 'region', 'created_at']).execute();
    // The sweep removes terminated instances once they stop being visible.
    await tx.schema.createIndex('ec2_instances_by_termination').on('ec2_instances').column('terminated_at').execute();

    await tx.schema
      .createTable('ec2_instance_groups')
      .addColumn('instance_id', 'text', (c) => c.notNull().references('ec2_instances.instance_id'))
      .addColumn('group_id', 'text', (c) => c.notNull().references('ec2_security_groups.group_id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('ec2_instance_groups_pk', ['instance_id', 'group_id'])
      .execute();
    await tx.schema.createIndex('ec2_instance_groups_by_group').on('ec2_instance_groups').column('group_id').execute();

    await tx.schema
      .createTable('ec2_volumes')
      .addColumn('volume_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('availability_zone', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('volume_type', 'text', (c) => c.notNull())
      .addColumn('iops', 'integer')
      .addColumn('throughput', 'integer')
      .addColumn('encrypted', 'integer', (c) => c.notNull())
      .addColumn('kms_key_arn', 'text')
      .addColumn('snapshot_id', 'text')
      .addColumn('multi_attach', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('available', 'in-use')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('instance_id', 'text')
      .addColumn('device', 'text')
      .addColumn('attach_time', 'text')
      .addColumn('delete_on_termination', 'integer', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('ec2_volumes_by_scope').on('ec2_volumes').columns(['account_id', 'region', 'created_at']).execute();
    await tx.schema.createIndex('ec2_volumes_by_instance').on('ec2_volumes').column('instance_id').execute();

    await tx.schema
      .createTable('ec2_snapshots')
      .addColumn('snapshot_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('volume_id', 'text', (c) => c.notNull())
      .addColumn('volume_size', 'integer', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('encrypted', 'integer', (c) => c.notNull())
      .addColumn('kms_key_arn', 'text')
      .addColumn('start_time', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('ec2_snapshots_by_scope').on('ec2_snapshots').columns(['region', 'account_id']).execute();

    await tx.schema
      .createTable('ec2_snapshot_permissions')
      .addColumn('snapshot_id', 'text', (c) => c.notNull().references('ec2_snapshots.snapshot_id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('group', 'user')`))
      .addColumn('grantee', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ec2_snapshot_permissions_pk', ['snapshot_id', 'kind', 'grantee'])
      .execute();
    // DescribeSnapshots finds what other accounts shared with the caller, or with everyone.
    await tx.schema.createIndex('ec2_snapshot_permissions_by_grantee').on('ec2_snapshot_permissions').columns(['kind', 'grantee']).execute();

    await tx.schema
      .createTable('ec2_tags')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('tag_value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ec2_tags_pk', ['account_id', 'region', 'resource_id', 'tag_key'])
      .execute();
  });
}
