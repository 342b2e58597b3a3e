/** Event selectors: which events a trail delivers. */
import type * as S from '../../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { ADVANCED_FIELDS, DEFAULT_SELECTORS, normalizeSelector } from '../../../trail/selectors.js';
import type { CloudTrailDeps } from '../deps.js';
import { trailErrors } from '../errors.js';
import { findTrail } from '../trails-table.js';

const MAX_SELECTORS = 5;
const MAX_DATA_RESOURCE_VALUES = 250;
const DATA_RESOURCE_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
/** `arn:aws:s3` (all buckets), `arn:aws:s3:::` (all buckets), `arn:aws:s3:::bucket/` or `arn:aws:s3:::bucket/prefix`. */
const S3_VALUE = /^arn:aws[a-z-]*:s3(:::|:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*)?$/;

function validateBasic(selectors: S.EventSelector[]): void {
  if (selectors.length > MAX_SELECTORS) throw trailErrors.selectors(`A trail can have up to ${MAX_SELECTORS} event selectors.`);
  let values = 0;
  for (const s of selectors) {
    for (const r of s.DataResources ?? []) {
      if (!r.Type || !DATA_RESOURCE_TYPES.has(r.Type)) throw trailErrors.selectors(`Value ${r.Type ?? 'null'} for DataResources.Type is invalid.`);
      for (const v of r.Values ?? []) {
        values += 1;
        if (r.Type === 'AWS::S3::Object' && !S3_VALUE.test(v)) throw trailErrors.selectors(`Value ${v} for DataResources.Values is invalid.`);
      }
    }
  }
  if (values > MAX_DATA_RESOURCE_VALUES) throw trailErrors.selectors(`A trail can have up to ${MAX_DATA_RESOURCE_VALUES} data resource values.`);
}

function validateAdvanced(selectors: S.AdvancedEventSelector[]): void {
  if (selectors.length > MAX_SELECTORS) throw trailErrors.selectors(`A trail can have up to ${MAX_SELECTORS} advanced event selectors.`);
  for (const s of selectors) {
    for (const f of s.FieldSelectors) {
      if (!ADVANCED_FIELDS.has(f.Field)) throw trailErrors.selectors(`Field ${f.Field} is not a valid field for advanced event selectors.`);
    }
    if (!s.FieldSelectors.some((f) => f.Field === 'eventCategory' && f.Equals?.length)) {
      throw trailErrors.selectors('Each advanced event selector must include an eventCategory field with an Equals operator.');
    }
  }
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html */
export async function putEventSelectors(deps: CloudTrailDeps, ctx: RequestContext, input: S.PutEventSelectorsRequest): Promise<S.PutEventSelectorsResponse> {
  const row = await findTrail(deps, ctx, input.TrailName, 'write');
  if ((input.EventSelectors === undefined) === (input.AdvancedEventSelectors === undefined)) {
    throw trailErrors.selectors('Specify either EventSelectors or AdvancedEventSelectors, but not both.');
  }
  if (input.EventSelectors) {
    validateBasic(input.EventSelectors);
    const basic = input.EventSelectors.map(normalizeSelector);
    await deps.db.updateTable('trails').set({ event_selectors: JSON.stringify(basic), advanced_selectors: null }).where('arn', '=', row.arn).execute();
    return { TrailARN: row.arn, EventSelectors: basic };
  }
  const advanced = input.AdvancedEventSelectors!;
  validateAdvanced(advanced);
  await deps.db.updateTable('trails').set({ event_selectors: null, advanced_selectors: JSON.stringify(advanced) }).where('arn', '=', row.arn).execute();
  return { TrailARN: row.arn, AdvancedEventSelectors: advanced };
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html */
export async function getEventSelectors(deps: CloudTrailDeps, ctx: RequestContext, input: S.GetEventSelectorsRequest): Promise<S.GetEventSelectorsResponse> {
  const row = await findTrail(deps, ctx, input.TrailName, 'read');
  if (row.advanced_selectors) return { TrailARN: row.arn, AdvancedEventSelectors: JSON.parse(row.advanced_selectors) };
  return { TrailARN: row.arn, EventSelectors: row.event_selectors ? JSON.parse(row.event_selectors) : DEFAULT_SELECTORS };
}
