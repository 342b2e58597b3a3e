/** CloudTrail checks on recorded inventories: one PASS and one FAIL case each. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdvancedFieldSelector, EventSelector, Inventory, Trail } from '../../inventory.js';
import { checkCases } from '../../testing/cases.js';
import { ACCOUNT, bucket, cleanInventory, ok, REGION, results, trail, type CheckCase } from '../../testing/fixtures.js';

/** The account's only trail, built from `over`. */
const only = (inv: Inventory, over: Partial<Trail>) => {
  const t = trail('main', over);
  inv.cloudtrail = { regions: { [REGION]: ok([t.arn]) }, trails: [t] };
};
const trailBucket = (inv: Inventory, over: Parameters<typeof bucket>[1]) => void (inv.s3!.buckets = ok([bucket('trail-bucket', over)]));
const selectors = (value: { basic: EventSelector[]; advanced: Array<{ fields: AdvancedFieldSelector[] }> }) => ok(value);

const CASES: CheckCase[] = [
  {
    id: 'cloudtrail_multi_region_enabled',
    // A single-Region trail that logs covers its own Region.
    pass: (inv) => only(inv, { multiRegion: false }),
    fail: (inv) => only(inv, { status: ok({ isLogging: false }) }),
  },
  {
    id: 'cloudtrail_multi_region_enabled_logging_management_events',
    pass: (inv) => only(inv, { selectors: selectors({ basic: [], advanced: [] }) }),
    fail: (inv) => only(inv, { selectors: selectors({ basic: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [] }], advanced: [] }) }),
  },
  { id: 'cloudtrail_log_file_validation_enabled', pass: () => {}, fail: (inv) => only(inv, { logFileValidation: false }) },
  { id: 'cloudtrail_kms_encryption_enabled', pass: () => {}, fail: (inv) => only(inv, { kmsKeyId: undefined }) },
  {
    id: 'cloudtrail_logs_s3_bucket_is_not_publicly_accessible', pass: () => {},
    fail: (inv) => {
      trailBucket(inv, { publicAccessBlock: ok(null), acl: ok({ grants: [{ granteeType: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' }] }) });
      inv.s3!.accountPublicAccessBlock = ok(null);
    },
  },
  { id: 'cloudtrail_logs_s3_bucket_access_logging_enabled', pass: () => {}, fail: (inv) => trailBucket(inv, { logging: ok(null) }) },
  { id: 'cloudtrail_bucket_requires_mfa_delete', pass: () => {}, fail: (inv) => trailBucket(inv, { versioning: ok({ status: 'Enabled' }) }) },
  { id: 'cloudtrail_cloudwatch_logging_enabled', pass: () => {}, fail: (inv) => only(inv, { status: ok({ isLogging: true, latestCloudWatchLogsDeliveryTime: '2025-05-01T00:00:00.000Z' }) }) },
  { id: 'cloudtrail_insights_exist', pass: () => {}, fail: (inv) => only(inv, { insights: ok([]) }) },
  {
    id: 'cloudtrail_s3_dataevents_read_enabled',
    pass: (inv) => only(inv, {
      selectors: selectors({ basic: [], advanced: [{ fields: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }, { field: 'readOnly', equals: ['true'] }] }] }),
    }),
    fail: (inv) => only(inv, { selectors: selectors({ basic: [{ readWriteType: 'WriteOnly', dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }], advanced: [] }) }),
  },
  {
    id: 'cloudtrail_s3_dataevents_write_enabled',
    pass: (inv) => only(inv, { selectors: selectors({ basic: [{ readWriteType: 'WriteOnly', dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::'] }] }], advanced: [] }) }),
    // Only some buckets is not all buckets.
    fail: (inv) => only(inv, { selectors: selectors({ basic: [{ readWriteType: 'All', dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::one-bucket/'] }] }], advanced: [] }) }),
  },
];

describe('CloudTrail checks', () => {
  checkCases(['cloudtrail'], CASES);

  it('fails every audited Region without a logging trail, and sees a multi-Region trail in each', () => {
    const inv = cleanInventory();
    const t = trail('main', { multiRegion: false });
    inv.regions = [REGION, 'eu-west-1'];
    inv.cloudtrail = { regions: { [REGION]: ok([t.arn]), 'eu-west-1': ok([]) }, trails: [t] };
    assert.deepEqual(results('cloudtrail_multi_region_enabled', inv).map((r) => [r.resource.region, r.status]), [[REGION, 'PASS'], ['eu-west-1', 'FAIL']]);
    const multi = trail('main');
    inv.cloudtrail = { regions: { [REGION]: ok([multi.arn]), 'eu-west-1': ok([multi.arn]) }, trails: [multi] };
    assert.deepEqual(results('cloudtrail_multi_region_enabled', inv).map((r) => r.status), ['PASS', 'PASS']);
  });

  it('reports a trail bucket of another account as MANUAL', () => {
    const inv = cleanInventory();
    only(inv, { s3BucketName: `central-logs-${ACCOUNT}` });
    const out = results('cloudtrail_logs_s3_bucket_access_logging_enabled', inv);
    assert.deepEqual(out.map((r) => r.status), ['MANUAL']);
  });
});
