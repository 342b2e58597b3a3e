import { pass, withCloudTrail } from '../lib/results.js';
import { isLogging, noTrailResult, recordsAllManagementEvents, trailResource } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** At least one logging multi-Region trail records every management event, reads and writes. */
export const check: Check = {
  id: 'cloudtrail_multi_region_enabled_logging_management_events',
  title: 'CloudTrail trail logs management events for read and write operations',
  severity: 'low',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.1'],
  risk: 'A trail that skips reads (or writes) of management events misses reconnaissance (or changes) made through the API.',
  remediation: 'Configure a logging multi-Region trail to record management events with ReadWriteType All.',
  cli: 'aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html',
  uses: ['cloudtrail'],
  run: (inv) => withCloudTrail(inv, (ct) => {
    const trail = ct.trails.find((t) => t.multiRegion && isLogging(t) && recordsAllManagementEvents(t));
    return trail
      ? [pass(trailResource(trail), `Trail ${trail.name} from home region ${trail.homeRegion} is multi-region, is logging and have management events enabled.`)]
      : noTrailResult(inv, ct, 'No trail found with multi-region enabled and logging management events.', (t) => [t.status, t.selectors]);
  }),
};
