import { fail, pass, unreadable, withCloudTrail } from '../lib/results.js';
import { isLogging, regionTrailsResource, trailResource, trailsOf } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** Every audited Region must have a trail that is logging (its own, or a multi-Region one). */
export const check: Check = {
  id: 'cloudtrail_multi_region_enabled',
  title: 'Region has at least one CloudTrail trail logging',
  severity: 'high',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.1'],
  risk: 'API activity in a Region without a logging trail leaves no durable record: an intrusion there goes unseen.',
  remediation: 'Create a multi-Region trail and start its logging.',
  cli: 'aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation --kms-key-id <key-arn> && aws cloudtrail start-logging --name <trail>',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html',
  uses: ['cloudtrail'],
  run: (inv) => withCloudTrail(inv, (ct) => inv.regions.map((region) => {
    const listed = ct.regions[region];
    if (listed && !listed.ok) return unreadable(regionTrailsResource(inv, region), listed.error);
    const visible = trailsOf(ct, region) ?? [];
    const logging = visible.filter(isLogging);
    const best = logging.find((t) => t.multiRegion) ?? logging[0];
    if (!best) {
      // A trail whose status could not be read may be the one that logs.
      const unknown = visible.find((t) => !t.status.ok);
      if (unknown && !unknown.status.ok) return unreadable(trailResource(unknown), unknown.status.error);
      return fail(regionTrailsResource(inv, region), `No CloudTrail trails enabled and logging were found in ${region}.`);
    }
    const r = { ...trailResource(best), region };
    return best.multiRegion
      ? pass(r, `Trail ${best.name} is multiregion and it is logging.`)
      : pass(r, `Trail ${best.name} is not multiregion and it is logging.`);
  })),
};
