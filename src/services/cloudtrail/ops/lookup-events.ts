/** Event history: LookupEvents over the last 90 days of management events. */
import { createHash } from 'node:crypto';
import type * as S from '../../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { resourceName } from '../../../trail/classify.js';
import { HISTORY_MS } from '../../../trail/retention.js';
import type { EventRow, LookupAttributeKey } from '../../../trail/store.js';
import type { CloudTrailDeps } from '../deps.js';
import { trailErrors } from '../errors.js';

const DEFAULT_MAX_RESULTS = 50;

/** Ties a NextToken to the query it continues: AWS requires the same parameters on every page. */
function queryDigest(input: S.LookupEventsRequest): string {
  const a = input.LookupAttributes?.[0];
  const parts = [a?.AttributeKey, a?.AttributeValue, input.StartTime?.toISOString(), input.EndTime?.toISOString(), input.EventCategory];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

interface Cursor { time: string; seq: number }

function encodeToken(cursor: Cursor, digest: string): string {
  return Buffer.from(JSON.stringify({ t: cursor.time, s: cursor.seq, q: digest })).toString('base64url');
}

function decodeToken(token: string, digest: string): Cursor {
  try {
    const { t, s, q } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t: unknown; s: unknown; q: unknown };
    if (typeof t === 'string' && Number.isInteger(s) && q === digest) return { time: t, seq: s as number };
  } catch {
    // falls through to the error
  }
  throw trailErrors.nextToken();
}

function toEvent(row: EventRow): S.Event_ {
  const e = JSON.parse(row.event_json) as { resources?: Array<{ ARN: string; type?: string }> };
  const event: S.Event_ = {
    EventId: row.event_id,
    EventName: row.event_name,
    ReadOnly: row.read_only ? 'true' : 'false',
    EventTime: new Date(row.event_time),
    EventSource: row.event_source,
    Resources: (e.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: resourceName(r.ARN, r.type) })),
    CloudTrailEvent: row.event_json,
  };
  if (row.access_key_id) event.AccessKeyId = row.access_key_id;
  if (row.username) event.Username = row.username;
  return event;
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html */
export async function lookupEvents(deps: CloudTrailDeps, ctx: RequestContext, input: S.LookupEventsRequest): Promise<S.LookupEventsResponse> {
  const attributes = input.LookupAttributes ?? [];
  // "Currently the list can contain only one item."
  if (attributes.length > 1) throw trailErrors.lookupAttributes('You cannot specify more than one lookup attribute.');
  let attribute = attributes[0] ? { key: attributes[0].AttributeKey as LookupAttributeKey, value: attributes[0].AttributeValue } : undefined;
  if (attribute?.key === 'ReadOnly') {
    const value = attribute.value.toLowerCase();
    if (value !== 'true' && value !== 'false') throw trailErrors.lookupAttributes('The ReadOnly attribute value must be true or false.');
    attribute = { key: 'ReadOnly', value };
  }
  if (input.StartTime && input.EndTime && input.StartTime > input.EndTime) throw trailErrors.timeRange();
  const digest = queryDigest(input);
  const after = input.NextToken ? decodeToken(input.NextToken, digest) : undefined;
  // Insights events are the only category one can ask for; Coffer generates none.
  if (input.EventCategory === 'insight') return { Events: [] };

  await deps.flush();
  const oldest = new Date(deps.clock.now().getTime() - HISTORY_MS);
  const start = input.StartTime && input.StartTime > oldest ? input.StartTime : oldest;
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const rows = await deps.events.lookup({
    accountId: ctx.accountId, region: ctx.region, attribute, start, end: input.EndTime, after, limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const out: S.LookupEventsResponse = { Events: page.map(toEvent) };
  if (rows.length > limit) {
    const last = page[page.length - 1]!;
    out.NextToken = encodeToken({ time: last.event_time, seq: last.seq }, digest);
  }
  return out;
}
