/** Trails: create, update, delete, describe, and start or stop their logging. */
import type * as S from '../../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { trailTime } from '../../../trail/identity.js';
import type { CloudTrailDeps } from '../deps.js';
import { trailErrors } from '../errors.js';
import { designatedArn, findTrail, parseTrailArn, trailArn, trailShape, validateTrailName, type TrailRow } from '../trails-table.js';
import { putTags } from './tags.js';

/** AWS's limit of trails per Region. */
const MAX_TRAILS_PER_REGION = 5;

/** KmsKeyId as CloudTrail reports it: always a full key or alias ARN. */
function kmsKeyArn(ctx: RequestContext, keyId: string | undefined): string | null {
  if (!keyId) return null;
  if (keyId.startsWith('arn:')) return keyId;
  return `arn:aws:kms:${ctx.region}:${ctx.accountId}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}

/** Coffer has no SNS, CloudWatch Logs or Organizations: settings that need them are refused as AWS refuses a missing one. */
function refuseUnavailable(input: { SnsTopicName?: string; CloudWatchLogsLogGroupArn?: string; CloudWatchLogsRoleArn?: string; IsOrganizationTrail?: boolean }): void {
  if (input.SnsTopicName) throw trailErrors.snsTopic();
  if (input.CloudWatchLogsLogGroupArn || input.CloudWatchLogsRoleArn) throw trailErrors.logGroup();
  if (input.IsOrganizationTrail) throw trailErrors.organizations();
}

/**
 * The checks AWS makes before it accepts a trail or starts its logging, when Coffer's S3 and KMS
 * can answer them: the bucket exists and its policy lets CloudTrail check its ACL and write under
 * AWSLogs/<account>/; the KMS key, if any, exists and its policy lets CloudTrail use it.
 */
async function checkDelivery(deps: CloudTrailDeps, trail: { bucket: string; prefix: string | undefined; accountId: string; arn: string; kmsKeyId?: string }): Promise<void> {
  const { bucket, prefix, accountId, arn } = trail;
  if (deps.buckets) {
    if (!(await deps.buckets.exists(bucket))) throw trailErrors.bucketMissing(bucket);
    if (!(await deps.buckets.allowsDelivery(bucket, prefix, accountId, arn))) throw trailErrors.bucketPolicy(bucket);
  }
  if (trail.kmsKeyId && deps.kmsKeys) await deps.kmsKeys.check(trail.kmsKeyId, { arn, accountId }, bucket, prefix);
}

function settings(row: TrailRow): S.CreateTrailResponse {
  const out: S.CreateTrailResponse = {
    Name: row.name, S3BucketName: row.s3_bucket, IncludeGlobalServiceEvents: row.include_global === 1,
    IsMultiRegionTrail: row.multi_region === 1, TrailARN: row.arn, LogFileValidationEnabled: row.log_file_validation === 1,
    IsOrganizationTrail: row.organization === 1,
  };
  if (row.s3_key_prefix) out.S3KeyPrefix = row.s3_key_prefix;
  if (row.kms_key_id) out.KmsKeyId = row.kms_key_id;
  return out;
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html */
export async function createTrail(deps: CloudTrailDeps, ctx: RequestContext, input: S.CreateTrailRequest): Promise<S.CreateTrailResponse> {
  validateTrailName(input.Name);
  if (input.IsMultiRegionTrail && input.IncludeGlobalServiceEvents === false) throw trailErrors.multiRegionWithoutGlobal();
  refuseUnavailable(input);
  const arn = trailArn(ctx.region, ctx.accountId, input.Name);
  const inRegion = await deps.db.selectFrom('trails').select(['name']).where('account_id', '=', ctx.accountId).where('home_region', '=', ctx.region).execute();
  if (inRegion.some((t) => t.name === input.Name)) throw trailErrors.alreadyExists(input.Name, ctx.accountId);
  if (inRegion.length >= MAX_TRAILS_PER_REGION) throw trailErrors.tooManyTrails(ctx.accountId, ctx.region);
  await checkDelivery(deps, { bucket: input.S3BucketName, prefix: input.S3KeyPrefix || undefined, accountId: ctx.accountId, arn, kmsKeyId: input.KmsKeyId || undefined });
  const row: TrailRow = {
    arn, account_id: ctx.accountId, home_region: ctx.region, name: input.Name, s3_bucket: input.S3BucketName,
    s3_key_prefix: input.S3KeyPrefix || null, sns_topic_name: null, include_global: input.IncludeGlobalServiceEvents === false ? 0 : 1,
    multi_region: input.IsMultiRegionTrail ? 1 : 0, log_file_validation: input.EnableLogFileValidation ? 1 : 0, organization: 0,
    kms_key_id: kmsKeyArn(ctx, input.KmsKeyId), cw_log_group_arn: null, cw_role_arn: null, event_selectors: null, advanced_selectors: null,
    is_logging: 0, start_logging_time: null, stop_logging_time: null, delivered_seq: 0, latest_delivery_time: null,
    latest_delivery_attempt: null, latest_delivery_error: null, latest_digest_time: null, latest_digest_error: null,
    created_at: deps.clock.now().toISOString(),
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('trails').values(row).execute();
      if (input.TagsList?.length) await putTags(tx, arn, input.TagsList);
    });
  } catch (err) {
    // Two creations racing: the unique (account, region, name) index decides.
    if (await deps.db.selectFrom('trails').select('arn').where('arn', '=', arn).executeTakeFirst()) throw trailErrors.alreadyExists(input.Name, ctx.accountId);
    throw err;
  }
  return settings(row);
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html */
export async function updateTrail(deps: CloudTrailDeps, ctx: RequestContext, input: S.UpdateTrailRequest): Promise<S.UpdateTrailResponse> {
  const row = await findTrail(deps, ctx, input.Name, 'write');
  refuseUnavailable(input);
  const next: TrailRow = { ...row };
  if (input.S3BucketName !== undefined) next.s3_bucket = input.S3BucketName;
  if (input.S3KeyPrefix !== undefined) next.s3_key_prefix = input.S3KeyPrefix || null;
  if (input.IncludeGlobalServiceEvents !== undefined) next.include_global = input.IncludeGlobalServiceEvents ? 1 : 0;
  if (input.IsMultiRegionTrail !== undefined) next.multi_region = input.IsMultiRegionTrail ? 1 : 0;
  if (input.EnableLogFileValidation !== undefined) next.log_file_validation = input.EnableLogFileValidation ? 1 : 0;
  if (input.KmsKeyId !== undefined) next.kms_key_id = kmsKeyArn(ctx, input.KmsKeyId);
  if (next.multi_region && !next.include_global) throw trailErrors.multiRegionWithoutGlobal();
  if (next.s3_bucket !== row.s3_bucket || next.s3_key_prefix !== row.s3_key_prefix || next.kms_key_id !== row.kms_key_id) {
    await checkDelivery(deps, {
      bucket: next.s3_bucket, prefix: next.s3_key_prefix ?? undefined, accountId: row.account_id, arn: row.arn,
      kmsKeyId: input.KmsKeyId || (next.kms_key_id ?? undefined),
    });
  }
  await deps.db.updateTable('trails').set({
    s3_bucket: next.s3_bucket, s3_key_prefix: next.s3_key_prefix, include_global: next.include_global,
    multi_region: next.multi_region, log_file_validation: next.log_file_validation, kms_key_id: next.kms_key_id,
  }).where('arn', '=', row.arn).execute();
  return settings(next);
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html */
export async function deleteTrail(deps: CloudTrailDeps, ctx: RequestContext, input: S.DeleteTrailRequest): Promise<S.DeleteTrailResponse> {
  const row = await findTrail(deps, ctx, input.Name, 'write');
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('trail_tags').where('trail_arn', '=', row.arn).execute();
    await tx.deleteFrom('trail_digests').where('trail_arn', '=', row.arn).execute();
    await tx.deleteFrom('trail_log_files').where('trail_arn', '=', row.arn).execute();
    await tx.deleteFrom('trails').where('arn', '=', row.arn).execute();
  });
  return {};
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html */
export async function getTrail(deps: CloudTrailDeps, ctx: RequestContext, input: S.GetTrailRequest): Promise<S.GetTrailResponse> {
  return { Trail: trailShape(await findTrail(deps, ctx, input.Name, 'read')) };
}

/** The account's trails seen from the caller's Region: its own, plus multi-Region ones (shadows). */
async function visibleTrails(deps: CloudTrailDeps, ctx: RequestContext, shadows: boolean): Promise<TrailRow[]> {
  const rows = await deps.db.selectFrom('trails').selectAll().where('account_id', '=', ctx.accountId).orderBy('name').execute();
  return rows.filter((r) => r.home_region === ctx.region || (shadows && r.multi_region === 1));
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html */
export async function describeTrails(deps: CloudTrailDeps, ctx: RequestContext, input: S.DescribeTrailsRequest): Promise<S.DescribeTrailsResponse> {
  const trails = await visibleTrails(deps, ctx, input.includeShadowTrails ?? true);
  const wanted = input.trailNameList ?? [];
  if (wanted.length === 0) return { trailList: trails.map(trailShape) };
  for (const name of wanted) {
    if (name.startsWith('arn:')) {
      if (!parseTrailArn(name)) throw trailErrors.arnInvalid(name);
    } else {
      validateTrailName(name);
    }
  }
  // Names pick among the trails this Region sees; ARNs name any trail of the account.
  const all = await deps.db.selectFrom('trails').selectAll().where('account_id', '=', ctx.accountId).orderBy('name').execute();
  return { trailList: all.filter((t) => wanted.includes(t.arn) || (wanted.includes(t.name) && trails.some((v) => v.arn === t.arn))).map(trailShape) };
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTrails.html */
export async function listTrails(deps: CloudTrailDeps, ctx: RequestContext, _input: S.ListTrailsRequest): Promise<S.ListTrailsResponse> {
  const rows = await deps.db.selectFrom('trails').select(['arn', 'name', 'home_region']).where('account_id', '=', ctx.accountId).orderBy('arn').execute();
  return { Trails: rows.map((r) => ({ TrailARN: r.arn, Name: r.name, HomeRegion: r.home_region })) };
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html */
export async function getTrailStatus(deps: CloudTrailDeps, ctx: RequestContext, input: S.GetTrailStatusRequest): Promise<S.GetTrailStatusResponse> {
  // AWS names an unknown trail by its ARN here (and by what was passed elsewhere).
  const row = await findTrail(deps, ctx, input.Name, 'read', designatedArn(ctx, input.Name));
  const time = (iso: string | null) => (iso ? new Date(iso) : undefined);
  const text = (iso: string | null) => (iso ? trailTime(new Date(iso)) : '');
  const out: S.GetTrailStatusResponse = {
    IsLogging: row.is_logging === 1,
    LatestDeliveryAttemptTime: text(row.latest_delivery_attempt),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    LatestDeliveryAttemptSucceeded: text(row.latest_delivery_time),
    TimeLoggingStarted: text(row.start_logging_time),
    TimeLoggingStopped: text(row.stop_logging_time),
  };
  const optional: Array<[keyof S.GetTrailStatusResponse, Date | string | undefined]> = [
    ['LatestDeliveryTime', time(row.latest_delivery_time)], ['StartLoggingTime', time(row.start_logging_time)],
    ['StopLoggingTime', time(row.stop_logging_time)], ['LatestDigestDeliveryTime', time(row.latest_digest_time)],
    ['LatestDeliveryError', row.latest_delivery_error ?? undefined], ['LatestDigestDeliveryError', row.latest_digest_error ?? undefined],
  ];
  for (const [k, v] of optional) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartLogging.html */
export async function startLogging(deps: CloudTrailDeps, ctx: RequestContext, input: S.StartLoggingRequest): Promise<S.StartLoggingResponse> {
  const row = await findTrail(deps, ctx, input.Name, 'write');
  if (row.is_logging) return {};
  // The bucket (or key) policy may have changed since the trail was made: AWS checks again.
  await checkDelivery(deps, { bucket: row.s3_bucket, prefix: row.s3_key_prefix ?? undefined, accountId: row.account_id, arn: row.arn, kmsKeyId: row.kms_key_id ?? undefined });
  // Delivery starts with the events recorded from now on.
  await deps.flush();
  const head = await deps.events.headSeq();
  await deps.db.updateTable('trails').set({ is_logging: 1, start_logging_time: deps.clock.now().toISOString(), delivered_seq: head })
    .where('arn', '=', row.arn).execute();
  return {};
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html */
export async function stopLogging(deps: CloudTrailDeps, ctx: RequestContext, input: S.StopLoggingRequest): Promise<S.StopLoggingResponse> {
  const row = await findTrail(deps, ctx, input.Name, 'write');
  if (!row.is_logging) return {};
  await deps.db.updateTable('trails').set({ is_logging: 0, stop_logging_time: deps.clock.now().toISOString() }).where('arn', '=', row.arn).execute();
  return {};
}
