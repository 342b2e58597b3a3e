/**
 * Amazon EC2, as an inventory: instances, security groups, VPCs, EBS volumes and snapshots are
 * records an auditor can read through the real API; no virtual machine runs. Each method is the
 * operation of the same name in ops/*.ts; operations not listed answer EC2's unknown-action error.
 */
import type { Ec2Api } from '../../generated/ec2/api.js';
import type { RequestContext } from '../../server/context.js';
import { periodicJob } from '../../server/periodic-job.js';
import type { Background } from '../../server/services.js';
import type { Ec2Deps } from './deps.js';
import * as ebsDefaults from './ops/ebs-defaults.js';
import * as instances from './ops/instances.js';
import * as regions from './ops/regions.js';
import { runInstances } from './ops/run-instances.js';
import * as groups from './ops/security-groups.js';
import * as snapshots from './ops/snapshots.js';
import * as tags from './ops/tags.js';
import * as volumes from './ops/volumes.js';
import * as vpcs from './ops/vpcs.js';
import { TERMINATED_VISIBLE_MS } from './ops/instance-view.js';

/** The operations Coffer's EC2 implements. */
export type Ec2Operations = Pick<Ec2Api,
  | 'runInstances' | 'describeInstances' | 'startInstances' | 'stopInstances' | 'terminateInstances' | 'modifyInstanceMetadataOptions'
  | 'describeInstanceAttribute' | 'describeRegions' | 'describeAvailabilityZones' | 'createVpc' | 'describeVpcs' | 'describeSubnets'
  | 'createSecurityGroup' | 'deleteSecurityGroup' | 'describeSecurityGroups' | 'describeSecurityGroupRules' | 'authorizeSecurityGroupIngress'
  | 'authorizeSecurityGroupEgress' | 'revokeSecurityGroupIngress' | 'revokeSecurityGroupEgress' | 'createVolume' | 'describeVolumes'
  | 'deleteVolume' | 'attachVolume' | 'detachVolume' | 'createSnapshot' | 'describeSnapshots' | 'deleteSnapshot' | 'modifySnapshotAttribute'
  | 'describeSnapshotAttribute' | 'getEbsEncryptionByDefault' | 'enableEbsEncryptionByDefault' | 'disableEbsEncryptionByDefault'
  | 'getEbsDefaultKmsKeyId' | 'modifyEbsDefaultKmsKeyId' | 'resetEbsDefaultKmsKeyId' | 'createTags' | 'deleteTags' | 'describeTags'>;

type Input<K extends keyof Ec2Operations> = Parameters<Ec2Operations[K]>[1];

export class Ec2Provider implements Ec2Operations {
  constructor(private readonly deps: Ec2Deps) {}

  runInstances(ctx: RequestContext, input: Input<'runInstances'>) { return runInstances(this.deps, ctx, input); }
  describeInstances(ctx: RequestContext, input: Input<'describeInstances'>) { return instances.describeInstances(this.deps, ctx, input); }
  startInstances(ctx: RequestContext, input: Input<'startInstances'>) { return instances.startInstances(this.deps, ctx, input); }
  stopInstances(ctx: RequestContext, input: Input<'stopInstances'>) { return instances.stopInstances(this.deps, ctx, input); }
  terminateInstances(ctx: RequestContext, input: Input<'terminateInstances'>) { return instances.terminateInstances(this.deps, ctx, input); }
  modifyInstanceMetadataOptions(ctx: RequestContext, input: Input<'modifyInstanceMetadataOptions'>) {
    return instances.modifyInstanceMetadataOptions(this.deps, ctx, input);
  }
  describeInstanceAttribute(ctx: RequestContext, input: Input<'describeInstanceAttribute'>) { return instances.describeInstanceAttribute(this.deps, ctx, input); }

  describeRegions(ctx: RequestContext, input: Input<'describeRegions'>) { return regions.describeRegions(ctx, input); }
  describeAvailabilityZones(ctx: RequestContext, input: Input<'describeAvailabilityZones'>) { return regions.describeAvailabilityZones(ctx, input); }
  createVpc(ctx: RequestContext, input: Input<'createVpc'>) { return vpcs.createVpc(this.deps, ctx, input); }
  describeVpcs(ctx: RequestContext, input: Input<'describeVpcs'>) { return vpcs.describeVpcs(this.deps, ctx, input); }
  describeSubnets(ctx: RequestContext, input: Input<'describeSubnets'>) { return vpcs.describeSubnets(this.deps, ctx, input); }

  createSecurityGroup(ctx: RequestContext, input: Input<'createSecurityGroup'>) { return groups.createSecurityGroup(this.deps, ctx, input); }
  deleteSecurityGroup(ctx: RequestContext, input: Input<'deleteSecurityGroup'>) { return groups.deleteSecurityGroup(this.deps, ctx, input); }
  describeSecurityGroups(ctx: RequestContext, input: Input<'describeSecurityGroups'>) { return groups.describeSecurityGroups(this.deps, ctx, input); }
  describeSecurityGroupRules(ctx: RequestContext, input: Input<'describeSecurityGroupRules'>) { return groups.describeSecurityGroupRules(this.deps, ctx, input); }
  authorizeSecurityGroupIngress(ctx: RequestContext, input: Input<'authorizeSecurityGroupIngress'>) { return groups.authorizeSecurityGroupIngress(this.deps, ctx, input); }
  authorizeSecurityGroupEgress(ctx: RequestContext, input: Input<'authorizeSecurityGroupEgress'>) { return groups.authorizeSecurityGroupEgress(this.deps, ctx, input); }
  revokeSecurityGroupIngress(ctx: RequestContext, input: Input<'revokeSecurityGroupIngress'>) { return groups.revokeSecurityGroupIngress(this.deps, ctx, input); }
  revokeSecurityGroupEgress(ctx: RequestContext, input: Input<'revokeSecurityGroupEgress'>) { return groups.revokeSecurityGroupEgress(this.deps, ctx, input); }

  createVolume(ctx: RequestContext, input: Input<'createVolume'>) { return volumes.createVolume(this.deps, ctx, input); }
  describeVolumes(ctx: RequestContext, input: Input<'describeVolumes'>) { return volumes.describeVolumes(this.deps, ctx, input); }
  deleteVolume(ctx: RequestContext, input: Input<'deleteVolume'>) { return volumes.deleteVolume(this.deps, ctx, input); }
  attachVolume(ctx: RequestContext, input: Input<'attachVolume'>) { return volumes.attachVolume(this.deps, ctx, input); }
  detachVolume(ctx: RequestContext, input: Input<'detachVolume'>) { return volumes.detachVolume(this.deps, ctx, input); }

  createSnapshot(ctx: RequestContext, input: Input<'createSnapshot'>) { return snapshots.createSnapshot(this.deps, ctx, input); }
  describeSnapshots(ctx: RequestContext, input: Input<'describeSnapshots'>) { return snapshots.describeSnapshots(this.deps, ctx, input); }
  deleteSnapshot(ctx: RequestContext, input: Input<'deleteSnapshot'>) { return snapshots.deleteSnapshot(this.deps, ctx, input); }
  modifySnapshotAttribute(ctx: RequestContext, input: Input<'modifySnapshotAttribute'>) { return snapshots.modifySnapshotAttribute(this.deps, ctx, input); }
  describeSnapshotAttribute(ctx: RequestContext, input: Input<'describeSnapshotAttribute'>) { return snapshots.describeSnapshotAttribute(this.deps, ctx, input); }

  getEbsEncryptionByDefault(ctx: RequestContext, input: Input<'getEbsEncryptionByDefault'>) { return ebsDefaults.getEbsEncryptionByDefault(this.deps, ctx, input); }
  enableEbsEncryptionByDefault(ctx: RequestContext, input: Input<'enableEbsEncryptionByDefault'>) { return ebsDefaults.enableEbsEncryptionByDefault(this.deps, ctx, input); }
  disableEbsEncryptionByDefault(ctx: RequestContext, input: Input<'disableEbsEncryptionByDefault'>) { return ebsDefaults.disableEbsEncryptionByDefault(this.deps, ctx, input); }
  getEbsDefaultKmsKeyId(ctx: RequestContext, input: Input<'getEbsDefaultKmsKeyId'>) { return ebsDefaults.getEbsDefaultKmsKeyId(this.deps, ctx, input); }
  modifyEbsDefaultKmsKeyId(ctx: RequestContext, input: Input<'modifyEbsDefaultKmsKeyId'>) { return ebsDefaults.modifyEbsDefaultKmsKeyId(this.deps, ctx, input); }
  resetEbsDefaultKmsKeyId(ctx: RequestContext, input: Input<'resetEbsDefaultKmsKeyId'>) { return ebsDefaults.resetEbsDefaultKmsKeyId(this.deps, ctx, input); }

  createTags(ctx: RequestContext, input: Input<'createTags'>) { return tags.createTags(this.deps, ctx, input); }
  deleteTags(ctx: RequestContext, input: Input<'deleteTags'>) { return tags.deleteTags(this.deps, ctx, input); }
  describeTags(ctx: RequestContext, input: Input<'describeTags'>) { return tags.describeTags(this.deps, ctx, input); }
}

/** How often the sweep forgets terminated instances that are no longer shown. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** The background job that deletes terminated instances once EC2 stops showing them (after an hour). */
export function terminatedInstanceSweep(deps: Ec2Deps, onError: (err: unknown) => void): Background {
  const runOnce = async () => {
    await deps.store.instances.purgeTerminated(new Date(deps.clock.now().getTime() - TERMINATED_VISIBLE_MS).toISOString());
  };
  return periodicJob({ pass: runOnce, intervalMs: SWEEP_INTERVAL_MS, onError });
}
