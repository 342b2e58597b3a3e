/**
 * CloudTrail operation -> IAM action and resources.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 *
 * Trail operations act on the trail the Name/TrailName/ResourceId parameter designates (a name is
 * read as a trail of the caller's account and Region); the event history and key listing act on "*".
 */
import type { ActionSpec, ActionTable } from '../../authz/types.js';
import { designatedArn } from './trails-table.js';

type Input = Record<string, any>;

const onTrail = (action: string, member: string): ActionSpec<Input> => ({
  action: `cloudtrail:${action}`,
  resources: (ctx, input) => [designatedArn(ctx, input[member])],
});

const onAll = (action: string): ActionSpec<Input> => ({ action: `cloudtrail:${action}`, resources: () => ['*'] });

export const cloudtrailActions: ActionTable = {
  LookupEvents: onAll('LookupEvents'),
  ListPublicKeys: onAll('ListPublicKeys'),
  DescribeTrails: onAll('DescribeTrails'),
  ListTrails: onAll('ListTrails'),
  CreateTrail: onTrail('CreateTrail', 'Name'),
  UpdateTrail: onTrail('UpdateTrail', 'Name'),
  DeleteTrail: onTrail('DeleteTrail', 'Name'),
  GetTrail: onTrail('GetTrail', 'Name'),
  GetTrailStatus: onTrail('GetTrailStatus', 'Name'),
  StartLogging: onTrail('StartLogging', 'Name'),
  StopLogging: onTrail('StopLogging', 'Name'),
  PutEventSelectors: onTrail('PutEventSelectors', 'TrailName'),
  GetEventSelectors: onTrail('GetEventSelectors', 'TrailName'),
  AddTags: onTrail('AddTags', 'ResourceId'),
  RemoveTags: onTrail('RemoveTags', 'ResourceId'),
  ListTags: {
    action: 'cloudtrail:ListTags',
    resources: (ctx, input: Input) => ((input.ResourceIdList as string[] | undefined) ?? []).map((id) => designatedArn(ctx, id)),
  },
};
