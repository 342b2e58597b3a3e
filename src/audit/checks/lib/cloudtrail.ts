/** CloudTrail helpers: trails once each, the trail(s) a Region sees, data event selectors. */
import type { Bucket, CloudTrailInventory, Fetched, Inventory, Trail } from '../../inventory.js';
import type { CheckResult, ResourceRef } from '../types.js';
import { unreadable, withCloudTrail, withS3 } from './results.js';

export function trailResource(t: Trail): ResourceRef {
  return { uid: t.arn, name: t.name, region: t.homeRegion };
}

/** A Region's trails as a resource, for findings about a Region without a trail. */
export function regionTrailsResource(inv: Inventory, region: string): ResourceRef {
  return { uid: `arn:${inv.account.partition}:cloudtrail:${region}:${inv.account.id}:trail`, name: `trails in ${region}`, region };
}

/** ERROR results for the audited Regions whose trails could not be listed. */
function listingErrors(inv: Inventory, ct: CloudTrailInventory): CheckResult[] {
  return inv.regions.flatMap((region) => {
    const listed = ct.regions[region];
    return listed && !listed.ok ? [unreadable(regionTrailsResource(inv, region), listed.error)] : [];
  });
}

/**
 * The result when no trail qualifies for an account-wide check: FAIL, unless the answer is not
 * known: some Region's trails could not be listed, or some trail's facts the check needs (`needs`)
 * could not be read; then ERROR.
 */
export function noTrailResult(inv: Inventory, ct: CloudTrailInventory, message: string, needs: (t: Trail) => Array<Fetched<unknown>>): CheckResult[] {
  const errors = [
    ...listingErrors(inv, ct),
    ...ct.trails.flatMap((t) => needs(t).flatMap((f) => (f.ok ? [] : [unreadable(trailResource(t), f.error)]))),
  ];
  return errors.length > 0 ? errors : [{ status: 'FAIL', message, resource: regionTrailsResource(inv, inv.homeRegion) }];
}

/** Runs `body` for every trail once. */
export function perTrail(inv: Inventory, body: (t: Trail, r: ResourceRef, ct: CloudTrailInventory) => CheckResult[]): CheckResult[] {
  return withCloudTrail(inv, (ct) => [...listingErrors(inv, ct), ...ct.trails.flatMap((t) => body(t, trailResource(t), ct))]);
}

/** The trails a Region sees (its own and multi-Region ones), or undefined if they could not be listed. */
export function trailsOf(ct: CloudTrailInventory, region: string): Trail[] | undefined {
  const listed = ct.regions[region];
  if (!listed?.ok) return undefined;
  return ct.trails.filter((t) => listed.value.includes(t.arn));
}

export function isLogging(t: Trail): boolean {
  return t.status.ok && t.status.value.isLogging;
}

/**
 * Runs `body` for the S3 bucket a trail delivers to, found in the S3 inventory; a bucket of
 * another account (not in the inventory) cannot be judged from here and gives MANUAL.
 */
export function perTrailBucket(inv: Inventory, body: (t: Trail, bucket: Bucket, r: ResourceRef) => CheckResult[]): CheckResult[] {
  return perTrail(inv, (t, r) => withS3(inv, (s3) => {
    if (!s3.buckets.ok) return [unreadable(r, s3.buckets.error)];
    const bucket = s3.buckets.value.find((b) => b.name === t.s3BucketName);
    if (!bucket) {
      return [{ status: 'MANUAL', message: `Trail ${t.name} delivers to bucket ${t.s3BucketName ?? '(none)'}, which is not in this account: check it in the account that owns it.`, resource: r }];
    }
    return body(t, bucket, r);
  }));
}

const S3_ALL_BUCKETS = /^arn:[^:]+:s3(:::)?$/;

/** Whether the trail records S3 object-level events of the given kind for every bucket. */
export function recordsS3DataEvents(t: Trail, kind: 'read' | 'write'): boolean {
  if (!t.selectors.ok) return false;
  const { basic, advanced } = t.selectors.value;
  const wanted = kind === 'read' ? 'ReadOnly' : 'WriteOnly';
  const viaBasic = basic.some((s) => ['All', wanted].includes(s.readWriteType ?? 'All')
    && s.dataResources.some((d) => d.type === 'AWS::S3::Object' && d.values.some((v) => S3_ALL_BUCKETS.test(v))));
  const viaAdvanced = advanced.some((a) => {
    const field = (name: string) => a.fields.find((f) => f.field === name);
    if (!field('eventCategory')?.equals?.includes('Data') || !field('resources.type')?.equals?.includes('AWS::S3::Object')) return false;
    // Narrowed to some buckets (resources.ARN) is not "all buckets".
    if (field('resources.ARN')) return false;
    const readOnly = field('readOnly')?.equals;
    return !readOnly || readOnly.includes(kind === 'read' ? 'true' : 'false');
  });
  return viaBasic || viaAdvanced;
}

/** Whether the trail records management events, both reads and writes. */
export function recordsAllManagementEvents(t: Trail): boolean {
  if (!t.selectors.ok) return false;
  const { basic, advanced } = t.selectors.value;
  // A trail with no selectors at all records every management event (CloudTrail's default).
  if (basic.length === 0 && advanced.length === 0) return true;
  const viaBasic = basic.some((s) => s.includeManagementEvents !== false && (s.readWriteType ?? 'All') === 'All');
  const viaAdvanced = advanced.some((a) => a.fields.some((f) => f.field === 'eventCategory' && f.equals?.includes('Management'))
    && !a.fields.some((f) => f.field === 'readOnly'));
  return viaBasic || viaAdvanced;
}
