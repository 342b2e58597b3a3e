/**
 * EC2 operation -> IAM action, resources and condition keys.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 *
 * Describe* and the account-level EBS settings support no resource-level permissions (`*`).
 * Snapshot and image ARNs carry no account (`arn:aws:ec2:<region>::snapshot/snap-...`).
 */
import type { ActionSpec, ActionTable } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import { taggableKindOf, ID_KINDS } from './ids.js';

function arn(ctx: RequestContext, resource: string, account = ctx.accountId): string {
  return `arn:aws:ec2:${ctx.region}:${account}:${resource}`;
}

function snapshotArn(ctx: RequestContext, id: string): string {
  return arn(ctx, `snapshot/${id}`, '');
}

/** The ARN of any taggable resource, by its id. */
function resourceArn(ctx: RequestContext, id: string): string {
  const kind = taggableKindOf(id);
  if (kind === 'snapshot') return snapshotArn(ctx, id);
  return arn(ctx, `${kind ? ID_KINDS[kind].resourceType : 'resource'}/${id}`);
}

const region = (ctx: RequestContext) => ({ 'ec2:Region': ctx.region });

function spec<I>(action: string, resources: (ctx: RequestContext, input: I) => string[]): ActionSpec<I> {
  return { action: `ec2:${action}`, resources, conditions: region };
}

const anyResource = (action: string) => spec(action, () => ['*']);
const instances = (action: string) => spec<{ InstanceIds: string[] }>(action, (ctx, i) => i.InstanceIds.map((id) => arn(ctx, `instance/${id}`)));
const group = (action: string) => spec<{ GroupId?: string }>(action, (ctx, i) => [arn(ctx, `security-group/${i.GroupId ?? '*'}`)]);

export const ec2Actions: ActionTable = {
  RunInstances: spec<{ ImageId?: string; SubnetId?: string; SecurityGroupIds?: string[]; KeyName?: string }>('RunInstances', (ctx, i) => [
    arn(ctx, 'instance/*'), arn(ctx, 'volume/*'), arn(ctx, 'network-interface/*'),
    arn(ctx, `subnet/${i.SubnetId ?? '*'}`),
    ...(i.SecurityGroupIds?.length ? i.SecurityGroupIds.map((id) => arn(ctx, `security-group/${id}`)) : [arn(ctx, 'security-group/*')]),
    ...(i.ImageId ? [arn(ctx, `image/${i.ImageId}`, '')] : []),
    ...(i.KeyName ? [arn(ctx, `key-pair/${i.KeyName}`)] : []),
  ]),
  DescribeInstances: anyResource('DescribeInstances'),
  StartInstances: instances('StartInstances'),
  StopInstances: instances('StopInstances'),
  TerminateInstances: instances('TerminateInstances'),
  ModifyInstanceMetadataOptions: spec<{ InstanceId: string }>('ModifyInstanceMetadataOptions', (ctx, i) => [arn(ctx, `instance/${i.InstanceId}`)]),
  DescribeInstanceAttribute: anyResource('DescribeInstanceAttribute'),
  DescribeRegions: anyResource('DescribeRegions'),
  DescribeAvailabilityZones: anyResource('DescribeAvailabilityZones'),
  CreateVpc: spec('CreateVpc', (ctx) => [arn(ctx, 'vpc/*')]),
  DescribeVpcs: anyResource('DescribeVpcs'),
  DescribeSubnets: anyResource('DescribeSubnets'),
  CreateSecurityGroup: spec<{ VpcId?: string }>('CreateSecurityGroup', (ctx, i) => [arn(ctx, 'security-group/*'), arn(ctx, `vpc/${i.VpcId ?? '*'}`)]),
  DeleteSecurityGroup: group('DeleteSecurityGroup'),
  DescribeSecurityGroups: anyResource('DescribeSecurityGroups'),
  DescribeSecurityGroupRules: anyResource('DescribeSecurityGroupRules'),
  AuthorizeSecurityGroupIngress: group('AuthorizeSecurityGroupIngress'),
  AuthorizeSecurityGroupEgress: group('AuthorizeSecurityGroupEgress'),
  RevokeSecurityGroupIngress: group('RevokeSecurityGroupIngress'),
  RevokeSecurityGroupEgress: group('RevokeSecurityGroupEgress'),
  CreateVolume: spec('CreateVolume', (ctx) => [arn(ctx, 'volume/*')]),
  DescribeVolumes: anyResource('DescribeVolumes'),
  DeleteVolume: spec<{ VolumeId: string }>('DeleteVolume', (ctx, i) => [arn(ctx, `volume/${i.VolumeId}`)]),
  AttachVolume: spec<{ VolumeId: string; InstanceId: string }>('AttachVolume', (ctx, i) => [arn(ctx, `instance/${i.InstanceId}`), arn(ctx, `volume/${i.VolumeId}`)]),
  DetachVolume: spec<{ VolumeId: string; InstanceId?: string }>('DetachVolume', (ctx, i) => [
    ...(i.InstanceId ? [arn(ctx, `instance/${i.InstanceId}`)] : []), arn(ctx, `volume/${i.VolumeId}`),
  ]),
  CreateSnapshot: spec<{ VolumeId: string }>('CreateSnapshot', (ctx, i) => [snapshotArn(ctx, '*'), arn(ctx, `volume/${i.VolumeId}`)]),
  DescribeSnapshots: anyResource('DescribeSnapshots'),
  DeleteSnapshot: spec<{ SnapshotId: string }>('DeleteSnapshot', (ctx, i) => [snapshotArn(ctx, i.SnapshotId)]),
  ModifySnapshotAttribute: spec<{ SnapshotId: string }>('ModifySnapshotAttribute', (ctx, i) => [snapshotArn(ctx, i.SnapshotId)]),
  DescribeSnapshotAttribute: spec<{ SnapshotId: string }>('DescribeSnapshotAttribute', (ctx, i) => [snapshotArn(ctx, i.SnapshotId)]),
  GetEbsEncryptionByDefault: anyResource('GetEbsEncryptionByDefault'),
  EnableEbsEncryptionByDefault: anyResource('EnableEbsEncryptionByDefault'),
  DisableEbsEncryptionByDefault: anyResource('DisableEbsEncryptionByDefault'),
  GetEbsDefaultKmsKeyId: anyResource('GetEbsDefaultKmsKeyId'),
  ModifyEbsDefaultKmsKeyId: anyResource('ModifyEbsDefaultKmsKeyId'),
  ResetEbsDefaultKmsKeyId: anyResource('ResetEbsDefaultKmsKeyId'),
  CreateTags: spec<{ Resources: string[] }>('CreateTags', (ctx, i) => i.Resources.map((id) => resourceArn(ctx, id))),
  DeleteTags: spec<{ Resources: string[] }>('DeleteTags', (ctx, i) => i.Resources.map((id) => resourceArn(ctx, id))),
  DescribeTags: anyResource('DescribeTags'),
};
