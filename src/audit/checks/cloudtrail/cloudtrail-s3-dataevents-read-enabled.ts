import { pass, withCloudTrail } from '../lib/results.js';
import { noTrailResult, recordsS3DataEvents, trailResource } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** S3 object-level read events (data events) recorded for every bucket by some trail (CIS 3.9). */
export const check: Check = {
  id: 'cloudtrail_s3_dataevents_read_enabled',
  title: 'CloudTrail trail records S3 object-level read events for all S3 buckets',
  severity: 'low',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.9'],
  risk: 'Without object-level read events, there is no record of who read which object.',
  remediation: 'Add an event selector recording S3 data events (ReadOnly or All) for all buckets to a trail.',
  cli: 'aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]\'',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html',
  uses: ['cloudtrail'],
  run: (inv) => withCloudTrail(inv, (ct) => {
    const trail = ct.trails.find((t) => recordsS3DataEvents(t, 'read'));
    return trail
      ? [pass(trailResource(trail), `Trail ${trail.name} from home region ${trail.homeRegion} records all S3 object-level read events.`)]
      : noTrailResult(inv, ct, 'No CloudTrail trail records S3 object-level read events for all buckets.', (t) => [t.selectors]);
  }),
};
