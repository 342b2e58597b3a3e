/**
 * Trails by name or ARN, and their wire shape. A multi-Region trail is visible (read-only, as a
 * "shadow trail") from every Region; it is changed only from its home Region.
 */
import type { Selectable } from 'kysely';
import type { Trail } from '../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../server/context.js';
import type { TrailsTable } from '../../trail/tables.js';
import type { CloudTrailDeps } from './deps.js';
import { trailErrors } from './errors.js';

export type TrailRow = Selectable<TrailsTable>;

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

const ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

export function parseTrailArn(value: string): { region: string; accountId: string; name: string } | undefined {
  const m = ARN.exec(value);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

/** AWS's naming rules for trails, checked in AWS's order. */
export function validateTrailName(name: string): void {
  if (name.length < 3) throw trailErrors.nameTooShort(name.length);
  if (name.length > 128) throw trailErrors.nameTooLong(name.length);
  if (!/^[0-9a-zA-Z]/.test(name)) throw trailErrors.nameStart();
  if (!/[0-9a-zA-Z]$/.test(name)) throw trailErrors.nameEnd();
  if (!/^[.\-_0-9a-zA-Z]+$/.test(name)) throw trailErrors.nameChars();
}

/** The ARN a name or ARN parameter designates, for IAM resource checks (no lookup). */
export function designatedArn(ctx: RequestContext, nameOrArn: string | undefined): string {
  if (!nameOrArn) return '*';
  return nameOrArn.startsWith('arn:') ? nameOrArn : trailArn(ctx.region, ctx.accountId, nameOrArn);
}

/**
 * The trail a `Name`/`TrailName` parameter designates. `write`: the call changes the trail, so
 * it must come from the trail's home Region.
 */
export async function findTrail(deps: CloudTrailDeps, ctx: RequestContext, nameOrArn: string, mode: 'read' | 'write', notFoundName = nameOrArn): Promise<TrailRow> {
  const table = deps.db.selectFrom('trails').selectAll().where('account_id', '=', ctx.accountId);
  let row: TrailRow | undefined;
  if (nameOrArn.startsWith('arn:')) {
    if (!parseTrailArn(nameOrArn)) throw trailErrors.arnInvalid(nameOrArn);
    row = await table.where('arn', '=', nameOrArn).executeTakeFirst();
  } else {
    validateTrailName(nameOrArn);
    row = await table.where('name', '=', nameOrArn).where('home_region', '=', ctx.region).executeTakeFirst()
      ?? await table.where('name', '=', nameOrArn).where('multi_region', '=', 1).executeTakeFirst();
  }
  // By name, a trail of another Region is visible only as a multi-Region trail's shadow; an ARN names any trail of the account.
  const visible = row && (row.home_region === ctx.region || row.multi_region === 1 || nameOrArn.startsWith('arn:'));
  if (!row || !visible) throw trailErrors.notFound(notFoundName, ctx.accountId);
  if (mode === 'write' && row.home_region !== ctx.region) throw trailErrors.homeRegion(row.arn);
  return row;
}

/** The trail as GetTrail and DescribeTrails describe it. */
export function trailShape(row: TrailRow): Trail {
  const trail: Trail = {
    Name: row.name,
    S3BucketName: row.s3_bucket,
    IncludeGlobalServiceEvents: row.include_global === 1,
    IsMultiRegionTrail: row.multi_region === 1,
    HomeRegion: row.home_region,
    TrailARN: row.arn,
    LogFileValidationEnabled: row.log_file_validation === 1,
    HasCustomEventSelectors: row.event_selectors !== null || row.advanced_selectors !== null,
    HasInsightSelectors: false,
    IsOrganizationTrail: row.organization === 1,
  };
  if (row.s3_key_prefix) trail.S3KeyPrefix = row.s3_key_prefix;
  if (row.kms_key_id) trail.KmsKeyId = row.kms_key_id;
  return trail;
}
