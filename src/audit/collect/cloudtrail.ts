/**
 * The CloudTrail part of the inventory: which trails each audited Region sees (its own and the
 * multi-Region ones), and for every trail, read once in its home Region, its logging status,
 * event selectors and Insights selectors.
 */
import {
  DescribeTrailsCommand, GetEventSelectorsCommand, GetInsightSelectorsCommand, GetTrailStatusCommand, type Trail as SdkTrail,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailInventory, Fetched, Trail } from '../inventory.js';
import type { AuditClients } from './client-set.js';
import { attempt, attemptOptional, iso, mapLimit, type Progress } from './util.js';

const FAN_OUT = 6;

async function trailDetails(clients: AuditClients, t: SdkTrail, progress: Progress): Promise<Trail> {
  const arn = t.TrailARN ?? '';
  const homeRegion = t.HomeRegion ?? arn.split(':')[3] ?? clients.homeRegion;
  const ct = clients.cloudtrail(homeRegion);
  return {
    arn, name: t.Name ?? '', homeRegion, multiRegion: t.IsMultiRegionTrail ?? false, logFileValidation: t.LogFileValidationEnabled ?? false,
    kmsKeyId: t.KmsKeyId, s3BucketName: t.S3BucketName, cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn, organization: t.IsOrganizationTrail ?? false,
    status: await attempt(progress, 'GetTrailStatus', async () => {
      const s = await ct.send(new GetTrailStatusCommand({ Name: arn }));
      return { isLogging: s.IsLogging ?? false, latestCloudWatchLogsDeliveryTime: iso(s.LatestCloudWatchLogsDeliveryTime) };
    }),
    selectors: await attempt(progress, 'GetEventSelectors', async () => {
      const s = await ct.send(new GetEventSelectorsCommand({ TrailName: arn }));
      return {
        basic: (s.EventSelectors ?? []).map((e) => ({
          readWriteType: e.ReadWriteType, includeManagementEvents: e.IncludeManagementEvents,
          dataResources: (e.DataResources ?? []).map((d) => ({ type: d.Type ?? '', values: d.Values ?? [] })),
        })),
        advanced: (s.AdvancedEventSelectors ?? []).map((a) => ({
          name: a.Name,
          fields: (a.FieldSelectors ?? []).map((f) => ({
            field: f.Field ?? '', equals: f.Equals, notEquals: f.NotEquals, startsWith: f.StartsWith,
            notStartsWith: f.NotStartsWith, endsWith: f.EndsWith, notEndsWith: f.NotEndsWith,
          })),
        })),
      };
    }),
    // A trail without Insights answers InsightNotEnabledException.
    insights: await attemptOptional(progress, 'GetInsightSelectors', ['InsightNotEnabledException'], [] as string[], async () =>
      ((await ct.send(new GetInsightSelectorsCommand({ TrailName: arn }))).InsightSelectors ?? []).map((i) => i.InsightType ?? '')),
  };
}

/** Reads the CloudTrail section of the inventory for the audited Regions. */
export async function collectCloudTrail(clients: AuditClients, regions: string[], progress: Progress): Promise<CloudTrailInventory> {
  const seen = new Map<string, SdkTrail>();
  const perRegion: Record<string, Fetched<string[]>> = {};
  await mapLimit(regions, FAN_OUT, async (region) => {
    progress.stage(`cloudtrail ${region}`);
    const listed = await attempt(progress, 'DescribeTrails', async () =>
      (await clients.cloudtrail(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? []);
    if (!listed.ok) {
      perRegion[region] = listed;
      return;
    }
    for (const t of listed.value) if (t.TrailARN && !seen.has(t.TrailARN)) seen.set(t.TrailARN, t);
    perRegion[region] = { ok: true, value: listed.value.map((t) => t.TrailARN ?? '') };
  });
  const trails = await mapLimit([...seen.values()], FAN_OUT, (t) => trailDetails(clients, t, progress));
  return { regions: perRegion, trails: trails.sort((a, b) => a.arn.localeCompare(b.arn)) };
}
