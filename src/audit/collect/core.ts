/**
 * Collecting the inventory through a set of SDK clients, with read-only calls only: who the
 * caller is (STS GetCallerIdentity), which Regions are enabled (EC2 DescribeRegions), then the
 * services the selected checks need. A call that fails is recorded with its error in the
 * snapshot; only a caller that cannot be identified stops the run. No Node-only import: the web
 * console runs this very code with the signed-in identity's clients.
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { INVENTORY_VERSION, type Inventory, type InventoryService } from '../inventory.js';
import type { AuditClients } from './client-set.js';
import { collectCloudTrail } from './cloudtrail.js';
import { collectEc2Region } from './ec2.js';
import { collectIam } from './iam.js';
import { collectKmsRegion } from './kms.js';
import { collectS3 } from './s3.js';
import { apiError, mapLimit, type Progress } from './util.js';

/** What to collect. */
export interface CollectScope {
  /** Regions to audit; every enabled Region when absent. */
  regions?: string[];
  /** The services to read (what the selected checks need). */
  services: InventoryService[];
  /** Told when the enabled Regions cannot be listed and only the home Region is audited. */
  warn?: (message: string) => void;
  /** The endpoint the clients call, recorded in the inventory. */
  endpoint?: string;
}

/** Regions audited at once: each runs its own calls concurrently too. */
const REGION_FAN_OUT = 4;

async function enabledRegions(clients: AuditClients, progress: Progress, warn: (m: string) => void): Promise<string[]> {
  try {
    const out = await clients.ec2(clients.homeRegion).send(new DescribeRegionsCommand({ AllRegions: false }));
    progress.call('DescribeRegions');
    const names = (out.Regions ?? []).filter((r) => r.OptInStatus !== 'not-opted-in').map((r) => r.RegionName ?? '').filter(Boolean);
    return names.length > 0 ? names.sort() : [clients.homeRegion];
  } catch (err) {
    const e = apiError('DescribeRegions', err);
    warn(`cannot list the enabled Regions (${e.code}: ${e.message}); auditing ${clients.homeRegion} only`);
    return [clients.homeRegion];
  }
}

/** Reads the inventory the scope's services need through `clients`. Throws only if the caller cannot be identified. */
export async function collectWith(clients: AuditClients, scope: CollectScope, progress: Progress): Promise<Inventory> {
  const collectedAt = new Date().toISOString();
  progress.stage('sts');
  let identity;
  try {
    identity = await clients.sts().send(new GetCallerIdentityCommand({}));
  } catch (err) {
    const e = apiError('GetCallerIdentity', err);
    throw new Error(`cannot identify the caller (STS GetCallerIdentity): ${e.code}: ${e.message}`);
  }
  progress.call('GetCallerIdentity');
  const arn = identity.Arn ?? '';
  const account = { id: identity.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
  const wants = new Set(scope.services);
  const regional = wants.has('kms') || wants.has('ec2') || wants.has('cloudtrail');
  const regions = scope.regions ?? (regional ? await enabledRegions(clients, progress, scope.warn ?? (() => {})) : [clients.homeRegion]);

  const inventory: Inventory = { version: INVENTORY_VERSION, collectedAt, account, homeRegion: clients.homeRegion, regions, endpoint: scope.endpoint };
  const jobs: Array<Promise<void>> = [];
  if (wants.has('iam')) jobs.push(collectIam(clients.iam(), progress).then((v) => void (inventory.iam = v)));
  if (wants.has('s3')) jobs.push(collectS3(clients, account, progress).then((v) => void (inventory.s3 = v)));
  if (wants.has('cloudtrail')) jobs.push(collectCloudTrail(clients, regions, progress).then((v) => void (inventory.cloudtrail = v)));
  if (wants.has('kms')) {
    const kms: NonNullable<Inventory['kms']> = {};
    inventory.kms = kms;
    jobs.push(mapLimit(regions, REGION_FAN_OUT, async (region) => {
      progress.stage(`kms ${region}`);
      kms[region] = await collectKmsRegion(clients.kms(region), region, progress);
    }).then(() => undefined));
  }
  if (wants.has('ec2')) {
    const ec2: NonNullable<Inventory['ec2']> = {};
    inventory.ec2 = ec2;
    jobs.push(mapLimit(regions, REGION_FAN_OUT, async (region) => {
      ec2[region] = await collectEc2Region(clients.ec2(region), region, account, progress);
    }).then(() => undefined));
  }
  await Promise.all(jobs);
  return inventory;
}
