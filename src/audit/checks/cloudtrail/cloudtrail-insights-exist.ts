import { fail, judge, pass } from '../lib/results.js';
import { isLogging, perTrail } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

/** CloudTrail Insights on logging trails: unusual API call rates and error rates get noticed. */
export const check: Check = {
  id: 'cloudtrail_insights_exist',
  title: 'CloudTrail trail has Insights enabled',
  severity: 'low',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: [],
  risk: 'Bursts of unusual API activity (a script enumerating the account, a runaway job) go unnoticed.',
  remediation: 'Enable Insights (API call rate and error rate) on the trail.',
  cli: 'aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors \'[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]\'',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html',
  uses: ['cloudtrail'],
  run: (inv) => perTrail(inv, (t, r) => (isLogging(t) ? judge(t.insights, r, (insights) => [insights.length > 0
    ? pass(r, `Trail ${t.name} has Insights enabled.`)
    : fail(r, `Trail ${t.name} does not have insight selectors and it is logging.`)]) : [])),
};
