import { fail, pass } from '../lib/results.js';
import { perTrail } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** Log file integrity validation (digest files) on every trail. */
export const check: Check = {
  id: 'cloudtrail_log_file_validation_enabled',
  title: 'CloudTrail trail has log file validation enabled',
  severity: 'medium',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: ['3.2'],
  risk: 'Without digest files, log files edited or deleted after delivery cannot be detected.',
  remediation: 'Enable log file validation on the trail.',
  cli: 'aws cloudtrail update-trail --name <trail> --enable-log-file-validation',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
  uses: ['cloudtrail'],
  run: (inv) => perTrail(inv, (t, r) => [t.logFileValidation
    ? pass(r, `Trail ${t.name} in region ${t.homeRegion} has log file validation enabled.`)
    : fail(r, `Trail ${t.name} in region ${t.homeRegion} does not have log file validation enabled.`)]),
};
