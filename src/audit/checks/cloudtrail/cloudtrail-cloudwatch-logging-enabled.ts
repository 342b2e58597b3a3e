import { fail, judge, pass } from '../lib/results.js';
import { perTrail } from '../lib/cloudtrail.js';
import type { Check } from '../types.js';

const DAY_MS = 86_400_000;

/** Trails delivering to CloudWatch Logs within the last day, so metric filters and alarms can watch them. */
export const check: Check = {
  id: 'cloudtrail_cloudwatch_logging_enabled',
  title: 'CloudTrail trail has delivered logs to CloudWatch Logs in the last 24 hours',
  severity: 'low',
  service: 'cloudtrail',
  resourceType: 'AwsCloudTrailTrail',
  cis: [],
  risk: 'Without CloudWatch Logs delivery, no metric filter or alarm can react to what the trail records.',
  remediation: 'Send the trail to a CloudWatch Logs log group (with a role CloudTrail can assume).',
  cli: 'aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>',
  url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
  uses: ['cloudtrail'],
  run: (inv) => perTrail(inv, (t, r) => judge(t.status, r, (status) => {
    if (!t.cloudWatchLogsLogGroupArn) return [fail(r, `Trail ${t.name} is not logging in the last 24h or not configured to deliver logs.`)];
    const last = status.latestCloudWatchLogsDeliveryTime ? new Date(status.latestCloudWatchLogsDeliveryTime).getTime() : 0;
    return [new Date(inv.collectedAt).getTime() - last <= DAY_MS
      ? pass(r, `Trail ${t.name} has been logging to CloudWatch Logs in the last 24h.`)
      : fail(r, `Trail ${t.name} is not logging in the last 24h or not configured to deliver logs.`)];
  })),
};
