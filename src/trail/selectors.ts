/**
 * Which events a trail logs: basic event selectors (read/write type, management events, S3 data
 * resources) or advanced event selectors (field conditions), as PutEventSelectors stores them.
 * By default a trail logs every management event and no data event.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
 */
import type { AdvancedEventSelector, EventSelector } from '../generated/cloudtrail/shapes.js';

/** What a trail was configured with; neither list set means AWS's default. */
export interface TrailSelectors {
  basic?: EventSelector[];
  advanced?: AdvancedEventSelector[];
}

/** GetEventSelectors on a trail nobody configured. */
export const DEFAULT_SELECTORS: EventSelector[] = [
  { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
];

/** A basic selector with AWS's defaults filled in, as PutEventSelectors and GetEventSelectors return it. */
export function normalizeSelector(s: EventSelector): EventSelector {
  return {
    ReadWriteType: s.ReadWriteType ?? 'All',
    IncludeManagementEvents: s.IncludeManagementEvents ?? true,
    DataResources: (s.DataResources ?? []).map((r) => ({ Type: r.Type, Values: r.Values ?? [] })),
    ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
  };
}

/** The fields advanced selectors may test. */
export const ADVANCED_FIELDS = new Set([
  'eventCategory', 'eventSource', 'eventName', 'eventType', 'readOnly', 'resources.type', 'resources.ARN',
  'userIdentity.arn', 'errorCode', 'sessionCredentialFromConsole',
]);

/** What selectors look at in an event. */
export interface SelectableEvent {
  category: 'Management' | 'Data';
  readOnly: boolean;
  eventSource: string;
  eventName: string;
  eventType: string;
  resources: Array<{ ARN: string; type?: string }>;
  userArn?: string;
  errorCode?: string;
}

export function selectable(json: string): SelectableEvent {
  const e = JSON.parse(json) as Record<string, any>;
  return {
    category: e.eventCategory, readOnly: e.readOnly === true, eventSource: e.eventSource, eventName: e.eventName,
    eventType: e.eventType, resources: e.resources ?? [], userArn: e.userIdentity?.arn, errorCode: e.errorCode,
  };
}

function readWriteMatches(type: string | undefined, readOnly: boolean): boolean {
  return type === 'ReadOnly' ? readOnly : type === 'WriteOnly' ? !readOnly : true;
}

/**
 * An S3 data resource value names all buckets (`arn:aws:s3`, `arn:aws:s3:::`), a bucket
 * (`arn:aws:s3:::bucket/`) or a prefix (`arn:aws:s3:::bucket/photos/`). Bucket-level data events
 * (ListObjects, HeadBucket) match through the bucket ARN.
 */
function dataResourceMatches(values: string[], resources: SelectableEvent['resources']): boolean {
  return resources.some((r) => {
    const arn = r.type === 'AWS::S3::Bucket' ? `${r.ARN}/` : r.ARN;
    return values.some((v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || arn.startsWith(v));
  });
}

function basicMatches(s: EventSelector, e: SelectableEvent): boolean {
  if (!readWriteMatches(s.ReadWriteType, e.readOnly)) return false;
  if (e.category === 'Management') {
    return (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(e.eventSource);
  }
  return (s.DataResources ?? []).some((d) => d.Type === 'AWS::S3::Object' && dataResourceMatches(d.Values ?? [], e.resources));
}

function fieldValues(field: string, e: SelectableEvent): string[] {
  switch (field) {
    case 'eventCategory': return [e.category];
    case 'eventSource': return [e.eventSource];
    case 'eventName': return [e.eventName];
    case 'eventType': return [e.eventType];
    case 'readOnly': return [String(e.readOnly)];
    case 'resources.type': return e.resources.map((r) => r.type ?? '');
    case 'resources.ARN': return e.resources.map((r) => r.ARN);
    case 'userIdentity.arn': return e.userArn ? [e.userArn] : [];
    case 'errorCode': return e.errorCode ? [e.errorCode] : [];
    default: return [];
  }
}

function advancedMatches(s: AdvancedEventSelector, e: SelectableEvent): boolean {
  return s.FieldSelectors.every((f) => {
    const values = fieldValues(f.Field, e);
    const any = (ops: string[] | undefined, test: (v: string, o: string) => boolean) => values.some((v) => ops!.some((o) => test(v, o)));
    if (f.Equals && !any(f.Equals, (v, o) => v === o)) return false;
    if (f.StartsWith && !any(f.StartsWith, (v, o) => v.startsWith(o))) return false;
    if (f.EndsWith && !any(f.EndsWith, (v, o) => v.endsWith(o))) return false;
    if (f.NotEquals && any(f.NotEquals, (v, o) => v === o)) return false;
    if (f.NotStartsWith && any(f.NotStartsWith, (v, o) => v.startsWith(o))) return false;
    if (f.NotEndsWith && any(f.NotEndsWith, (v, o) => v.endsWith(o))) return false;
    return true;
  });
}

/** Whether a trail with these selectors logs the event. */
export function trailLogs(selectors: TrailSelectors, e: SelectableEvent): boolean {
  if (selectors.advanced) return selectors.advanced.some((s) => advancedMatches(s, e));
  return (selectors.basic ?? DEFAULT_SELECTORS).some((s) => basicMatches(s, e));
}
