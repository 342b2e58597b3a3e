/**
 * AWS CloudTrail: event history, trails, event selectors, tags and digest public keys. Each
 * operation lives in ops/<area>.ts; this class binds them to the generated CloudtrailApi
 * signatures. Lake, channels, dashboards and Insights are not implemented: the gateway answers
 * them with AWS's UnknownOperationException.
 */
import type { CloudtrailApi } from '../../generated/cloudtrail/api.js';
import type * as S from '../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../server/context.js';
import type { CloudTrailDeps } from './deps.js';
import * as history from './ops/lookup-events.js';
import * as keys from './ops/public-keys.js';
import * as selectors from './ops/selectors.js';
import * as tags from './ops/tags.js';
import * as trails from './ops/trails.js';

export type CloudTrailImplemented = Pick<CloudtrailApi,
  | 'lookupEvents' | 'listPublicKeys'
  | 'createTrail' | 'updateTrail' | 'deleteTrail' | 'getTrail' | 'describeTrails' | 'listTrails'
  | 'getTrailStatus' | 'startLogging' | 'stopLogging'
  | 'putEventSelectors' | 'getEventSelectors'
  | 'addTags' | 'removeTags' | 'listTags'>;

export class CloudTrailProvider implements CloudTrailImplemented {
  constructor(private readonly deps: CloudTrailDeps) {}

  lookupEvents(ctx: RequestContext, input: S.LookupEventsRequest) { return history.lookupEvents(this.deps, ctx, input); }
  listPublicKeys(ctx: RequestContext, input: S.ListPublicKeysRequest) { return keys.listPublicKeys(this.deps, ctx, input); }

  createTrail(ctx: RequestContext, input: S.CreateTrailRequest) { return trails.createTrail(this.deps, ctx, input); }
  updateTrail(ctx: RequestContext, input: S.UpdateTrailRequest) { return trails.updateTrail(this.deps, ctx, input); }
  deleteTrail(ctx: RequestContext, input: S.DeleteTrailRequest) { return trails.deleteTrail(this.deps, ctx, input); }
  getTrail(ctx: RequestContext, input: S.GetTrailRequest) { return trails.getTrail(this.deps, ctx, input); }
  describeTrails(ctx: RequestContext, input: S.DescribeTrailsRequest) { return trails.describeTrails(this.deps, ctx, input); }
  listTrails(ctx: RequestContext, input: S.ListTrailsRequest) { return trails.listTrails(this.deps, ctx, input); }
  getTrailStatus(ctx: RequestContext, input: S.GetTrailStatusRequest) { return trails.getTrailStatus(this.deps, ctx, input); }
  startLogging(ctx: RequestContext, input: S.StartLoggingRequest) { return trails.startLogging(this.deps, ctx, input); }
  stopLogging(ctx: RequestContext, input: S.StopLoggingRequest) { return trails.stopLogging(this.deps, ctx, input); }

  putEventSelectors(ctx: RequestContext, input: S.PutEventSelectorsRequest) { return selectors.putEventSelectors(this.deps, ctx, input); }
  getEventSelectors(ctx: RequestContext, input: S.GetEventSelectorsRequest) { return selectors.getEventSelectors(this.deps, ctx, input); }

  addTags(ctx: RequestContext, input: S.AddTagsRequest) { return tags.addTags(this.deps, ctx, input); }
  removeTags(ctx: RequestContext, input: S.RemoveTagsRequest) { return tags.removeTags(this.deps, ctx, input); }
  listTags(ctx: RequestContext, input: S.ListTagsRequest) { return tags.listTags(this.deps, ctx, input); }
}
