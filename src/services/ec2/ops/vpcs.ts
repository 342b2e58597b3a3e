/**
 * VPCs and subnets (minimal: what instances and security groups need), and the default network
 * AWS gives every account in every Region: a default VPC 172.31.0.0/16 with one /20 default subnet
 * per Availability Zone and a default security group. Coffer creates it on the account's first EC2
 * call in the Region that needs it.
 */
import type { RequestContext } from '../../../server/context.js';
import type {
  CreateVpcRequest, CreateVpcResult, DescribeSubnetsRequest, DescribeSubnetsResult, DescribeVpcsRequest, DescribeVpcsResult, Subnet, Vpc,
} from '../../../generated/ec2/shapes.js';
import { AwsError } from '../../../errors.js';
import { ec2Arn, scopeOf, type Ec2Deps } from '../deps.js';
import { dryRunIfAsked, invalidValue, missing, subnetNotFound, vpcNotFound } from '../errors.js';
import { compileFilters } from '../filters.js';
import { checkIds, newId } from '../ids.js';
import { formatIpv4Cidr, parseIpv4Cidr } from '../net.js';
import { paginate } from '../paging.js';
import type { Scope } from '../store.js';
import type { GroupRow, NewNetwork, RuleRow, SettingsRow, SubnetRow, VpcRow } from '../store-network.js';
import { tagsFromSpecifications } from './tags.js';
import { zonesOf } from './regions.js';

const DEFAULT_VPC_CIDR = '172.31.0.0/16';
/** AWS's limit of VPCs per Region (a quota one can raise; Coffer keeps the default). */
const MAX_VPCS = 5;

/** A VPC's `default` security group: all traffic from the group itself in, everything out. */
function defaultGroupOf(scope: Scope, vpcId: string, now: string): { group: GroupRow; rules: RuleRow[] } {
  const groupId = newId('group');
  const rule = (isEgress: number, position: number, source: Partial<RuleRow>): RuleRow => ({
    rule_id: newId('rule'), group_id: groupId, account_id: scope.accountId, region: scope.region, is_egress: isEgress, ip_protocol: '-1',
    from_port: null, to_port: null, cidr_ipv4: null, cidr_ipv6: null, prefix_list_id: null, referenced_group_id: null,
    referenced_user_id: null, description: null, position, created_at: now, ...source,
  });
  return {
    group: { group_id: groupId, account_id: scope.accountId, region: scope.region, vpc_id: vpcId, group_name: 'default', description: 'default VPC security group', created_at: now },
    rules: [
      rule(0, 0, { referenced_group_id: groupId, referenced_user_id: scope.accountId }),
      rule(1, 1, { cidr_ipv4: '0.0.0.0/0' }),
    ],
  };
}

function newVpcRow(scope: Scope, cidr: string, isDefault: boolean, tenancy: string, now: string): VpcRow {
  return {
    vpc_id: newId('vpc'), account_id: scope.accountId, region: scope.region, cidr_block: cidr, cidr_association_id: newId('cidrAssociation'),
    is_default: isDefault ? 1 : 0, instance_tenancy: tenancy, dhcp_options_id: newId('dhcp'), created_at: now,
  };
}

function defaultNetwork(scope: Scope, now: string): NewNetwork {
  const vpc = newVpcRow(scope, DEFAULT_VPC_CIDR, true, 'default', now);
  const subnets: SubnetRow[] = zonesOf(scope.region).map((zone, i) => ({
    subnet_id: newId('subnet'), account_id: scope.accountId, region: scope.region, vpc_id: vpc.vpc_id,
    cidr_block: `172.31.${i * 16}.0/20`, availability_zone: zone.ZoneName!, default_for_az: 1, map_public_ip_on_launch: 1, created_at: now,
  }));
  return { vpc, subnets, ...defaultGroupOf(scope, vpc.vpc_id, now) };
}

/** The Region's settings, after creating the account's default network there if it has none yet. */
export async function ensureRegion(deps: Ec2Deps, ctx: RequestContext): Promise<SettingsRow> {
  const scope = scopeOf(ctx);
  const now = deps.clock.now().toISOString();
  return deps.store.network.ensureRegion({
    account_id: scope.accountId, region: scope.region, ebs_encryption_by_default: 0, ebs_default_kms_key_arn: null, created_at: now,
  }, () => defaultNetwork(scope, now));
}

/** The default VPC of the Region (created on first use). */
export async function defaultVpc(deps: Ec2Deps, ctx: RequestContext): Promise<VpcRow> {
  await ensureRegion(deps, ctx);
  return (await deps.store.network.defaultVpc(scopeOf(ctx)))!;
}

function vpcView(v: VpcRow, tags: Vpc['Tags'], state: 'pending' | 'available'): Vpc {
  return {
    VpcId: v.vpc_id, OwnerId: v.account_id, State: state, CidrBlock: v.cidr_block, DhcpOptionsId: v.dhcp_options_id,
    InstanceTenancy: v.instance_tenancy as Vpc['InstanceTenancy'], IsDefault: v.is_default === 1, Ipv6CidrBlockAssociationSet: [],
    CidrBlockAssociationSet: [{ AssociationId: v.cidr_association_id, CidrBlock: v.cidr_block, CidrBlockState: { State: 'associated' } }],
    Tags: tags ?? [],
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html */
export async function createVpc(deps: Ec2Deps, ctx: RequestContext, input: CreateVpcRequest): Promise<CreateVpcResult> {
  dryRunIfAsked(input);
  if (input.CidrBlock === undefined) throw missing("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  const cidr = parseIpv4Cidr(input.CidrBlock);
  if (!cidr) throw invalidValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (cidr.prefix < 16 || cidr.prefix > 28) throw new AwsError('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`, { status: 400 });
  const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc', ['vpc']);
  const scope = scopeOf(ctx);
  await ensureRegion(deps, ctx);
  if ((await deps.store.network.vpcs(scope)).length >= MAX_VPCS) {
    throw new AwsError('VpcLimitExceeded', 'The maximum number of VPCs has been reached.', { status: 400 });
  }
  const now = deps.clock.now().toISOString();
  const vpc = newVpcRow(scope, formatIpv4Cidr(cidr), false, input.InstanceTenancy ?? 'default', now);
  await deps.store.network.insertVpc(scope, { vpc, subnets: [], ...defaultGroupOf(scope, vpc.vpc_id, now) }, tags);
  return { Vpc: vpcView(vpc, tags, 'pending') };
}

const VPC_FILTERS = ['cidr', 'cidr-block-association.cidr-block', 'cidr-block-association.association-id', 'cidr-block-association.state',
  'dhcp-options-id', 'is-default', 'owner-id', 'state', 'vpc-id'];

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html */
export async function describeVpcs(deps: Ec2Deps, ctx: RequestContext, input: DescribeVpcsRequest): Promise<DescribeVpcsResult> {
  dryRunIfAsked(input);
  checkIds('vpc', input.VpcIds);
  const matches = compileFilters(input.Filters, VPC_FILTERS);
  await ensureRegion(deps, ctx);
  const scope = scopeOf(ctx);
  const vpcs = await deps.store.network.vpcs(scope);
  const missingId = (input.VpcIds ?? []).find((id) => !vpcs.some((v) => v.vpc_id === id));
  if (missingId) throw vpcNotFound(missingId);
  const tags = await deps.store.tags.byResource(scope, vpcs.map((v) => v.vpc_id));
  const views = vpcs.map((v) => vpcView(v, tags.get(v.vpc_id), 'available')).filter((v) =>
    (!input.VpcIds?.length || input.VpcIds.includes(v.VpcId!)) && matches({
      fields: {
        cidr: [v.CidrBlock], 'cidr-block-association.cidr-block': [v.CidrBlock], 'cidr-block-association.association-id': [v.CidrBlockAssociationSet![0]!.AssociationId],
        'cidr-block-association.state': ['associated'], 'dhcp-options-id': [v.DhcpOptionsId], 'is-default': [v.IsDefault], 'owner-id': [v.OwnerId],
        state: [v.State], 'vpc-id': [v.VpcId],
      },
      tags: v.Tags,
    }));
  const created = new Map(vpcs.map((v) => [v.vpc_id, v.created_at]));
  const page = paginate(views, (v) => `${created.get(v.VpcId!)}|${v.VpcId}`, input.MaxResults, input.NextToken);
  return { Vpcs: page.items, NextToken: page.nextToken };
}

function subnetView(scope: Scope, s: SubnetRow, tags: Subnet['Tags']): Subnet {
  const zone = zonesOf(s.region).find((z) => z.ZoneName === s.availability_zone);
  const prefix = parseIpv4Cidr(s.cidr_block)!.prefix;
  return {
    SubnetId: s.subnet_id, SubnetArn: ec2Arn(scope, `subnet/${s.subnet_id}`), VpcId: s.vpc_id, State: 'available', CidrBlock: s.cidr_block,
    AvailabilityZone: s.availability_zone, AvailabilityZoneId: zone?.ZoneId, AvailableIpAddressCount: 2 ** (32 - prefix) - 5,
    DefaultForAz: s.default_for_az === 1, MapPublicIpOnLaunch: s.map_public_ip_on_launch === 1, OwnerId: s.account_id,
    AssignIpv6AddressOnCreation: false, Ipv6CidrBlockAssociationSet: [], MapCustomerOwnedIpOnLaunch: false, EnableDns64: false, Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    Tags: tags ?? [],
  };
}

const SUBNET_FILTERS = ['availability-zone', 'availability-zone-id', 'available-ip-address-count', 'cidr-block', 'default-for-az',
  'map-public-ip-on-launch', 'owner-id', 'state', 'subnet-arn', 'subnet-id', 'vpc-id'];

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html */
export async function describeSubnets(deps: Ec2Deps, ctx: RequestContext, input: DescribeSubnetsRequest): Promise<DescribeSubnetsResult> {
  dryRunIfAsked(input);
  checkIds('subnet', input.SubnetIds);
  const matches = compileFilters(input.Filters, SUBNET_FILTERS);
  await ensureRegion(deps, ctx);
  const scope = scopeOf(ctx);
  const subnets = await deps.store.network.subnets(scope);
  const missingId = (input.SubnetIds ?? []).find((id) => !subnets.some((s) => s.subnet_id === id));
  if (missingId) throw subnetNotFound(missingId);
  const tags = await deps.store.tags.byResource(scope, subnets.map((s) => s.subnet_id));
  const views = subnets.map((s) => subnetView(scope, s, tags.get(s.subnet_id))).filter((s) =>
    (!input.SubnetIds?.length || input.SubnetIds.includes(s.SubnetId!)) && matches({
      fields: {
        'availability-zone': [s.AvailabilityZone], 'availability-zone-id': [s.AvailabilityZoneId], 'available-ip-address-count': [s.AvailableIpAddressCount],
        'cidr-block': [s.CidrBlock], 'default-for-az': [s.DefaultForAz], 'map-public-ip-on-launch': [s.MapPublicIpOnLaunch], 'owner-id': [s.OwnerId],
        state: [s.State], 'subnet-arn': [s.SubnetArn], 'subnet-id': [s.SubnetId], 'vpc-id': [s.VpcId],
      },
      tags: s.Tags,
    }));
  const page = paginate(views, (s) => `${s.AvailabilityZone}|${s.SubnetId}`, input.MaxResults, input.NextToken);
  return { Subnets: page.items, NextToken: page.nextToken };
}
