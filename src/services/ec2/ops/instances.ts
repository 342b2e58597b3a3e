/**
 * DescribeInstances, the state changes (StartInstances, StopInstances, TerminateInstances),
 * ModifyInstanceMetadataOptions and DescribeInstanceAttribute. State changes settle at once: the
 * call answers the transitional state (`pending`, `stopping`, `shutting-down`) as EC2 does, and
 * every later read sees `running`, `stopped` or `terminated`.
 */
import type { RequestContext } from '../../../server/context.js';
import type {
  DescribeInstanceAttributeRequest, DescribeInstancesRequest, DescribeInstancesResult, InstanceAttribute, InstanceStateChange, InstanceStateName,
  ModifyInstanceMetadataOptionsRequest, ModifyInstanceMetadataOptionsResult, Reservation, StartInstancesRequest, StartInstancesResult,
  StopInstancesRequest, StopInstancesResult, TerminateInstancesRequest, TerminateInstancesResult,
} from '../../../generated/ec2/shapes.js';
import { gmt, scopeOf, type Ec2Deps } from '../deps.js';
import { dryRunIfAsked, idsWithMaxResults, incorrectInstanceState, instancesNotFound, invalidValue, operationNotPermitted } from '../errors.js';
import { compileFilters } from '../filters.js';
import { checkIds } from '../ids.js';
import { freePublicIp } from '../net.js';
import { checkMaxResults, paginate } from '../paging.js';
import type { InstanceRow } from '../store-instances.js';
import { INSTANCE_FILTERS, instanceFilterable, instanceView, relationsOf, stateOf, visibleInstances } from './instance-view.js';

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html */
export async function describeInstances(deps: Ec2Deps, ctx: RequestContext, input: DescribeInstancesRequest): Promise<DescribeInstancesResult> {
  dryRunIfAsked(input);
  const ids = input.InstanceIds ?? [];
  if (ids.length && input.MaxResults !== undefined) throw idsWithMaxResults('instancesSet');
  checkMaxResults(input.MaxResults);
  checkIds('instance', ids);
  const matches = compileFilters(input.Filters, INSTANCE_FILTERS);
  const rows = await visibleInstances(deps, ctx);
  const missing = [...new Set(ids)].filter((id) => !rows.some((r) => r.instance_id === id));
  if (missing.length) throw instancesNotFound(missing);
  const selected = ids.length ? rows.filter((r) => ids.includes(r.instance_id)) : rows;
  const rel = await relationsOf(deps, scopeOf(ctx), selected);
  const views = selected.map((row) => ({ row, view: instanceView(row, rel.get(row.instance_id)!) }))
    .filter(({ row, view }) => matches(instanceFilterable(row, view)));
  // Launch order: when the call ran, then the instance's place in its reservation.
  const page = paginate(views, ({ row }) => `${row.created_at}|${String(row.launch_index).padStart(6, '0')}|${row.instance_id}`,
    input.MaxResults, input.NextToken);
  const reservations = new Map<string, Reservation>();
  for (const { row, view } of page.items) {
    let reservation = reservations.get(row.reservation_id);
    if (!reservation) {
      reservation = { ReservationId: row.reservation_id, OwnerId: row.account_id, Groups: [], Instances: [] };
      reservations.set(row.reservation_id, reservation);
    }
    reservation.Instances!.push(view);
  }
  return { Reservations: [...reservations.values()], NextToken: page.nextToken };
}

/** The instances a state change names, in the order named; all must exist. */
async function targets(deps: Ec2Deps, ctx: RequestContext, ids: readonly string[]): Promise<InstanceRow[]> {
  checkIds('instance', ids);
  const rows = await visibleInstances(deps, ctx);
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !rows.some((r) => r.instance_id === id));
  if (missing.length) throw instancesNotFound(missing);
  return unique.map((id) => rows.find((r) => r.instance_id === id)!);
}

function change(row: InstanceRow, current: InstanceStateName): InstanceStateChange {
  return { InstanceId: row.instance_id, PreviousState: stateOf(row.state as InstanceStateName), CurrentState: stateOf(current) };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartInstances.html */
export async function startInstances(deps: Ec2Deps, ctx: RequestContext, input: StartInstancesRequest): Promise<StartInstancesResult> {
  dryRunIfAsked(input);
  const rows = await targets(deps, ctx, input.InstanceIds);
  const gone = rows.find((r) => r.state === 'terminated');
  if (gone) throw incorrectInstanceState(`The instance '${gone.instance_id}' is not in a state from which it can be started.`);
  const now = deps.clock.now().toISOString();
  const taken = new Set((await visibleInstances(deps, ctx)).flatMap((i) => (i.state === 'running' && i.public_ip ? [i.public_ip] : [])));
  const changes: InstanceStateChange[] = [];
  for (const row of rows) {
    if (row.state !== 'stopped') {
      changes.push(change(row, 'running'));
      continue;
    }
    // A stopped instance gave up its public address; it gets a new one if it had one.
    const publicIp = row.public_ip ? freePublicIp(taken) ?? null : null;
    if (publicIp) taken.add(publicIp);
    await deps.store.instances.update(row.instance_id, {
      state: 'running', launch_time: now, public_ip: publicIp, state_transition_reason: '', state_reason_code: null,
    });
    changes.push(change(row, 'pending'));
  }
  return { StartingInstances: changes };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html */
export async function stopInstances(deps: Ec2Deps, ctx: RequestContext, input: StopInstancesRequest): Promise<StopInstancesResult> {
  dryRunIfAsked(input);
  const rows = await targets(deps, ctx, input.InstanceIds);
  const gone = rows.find((r) => r.state === 'terminated');
  if (gone) throw incorrectInstanceState(`This instance '${gone.instance_id}' is not in a state from which it can be stopped.`);
  const locked = rows.find((r) => r.state === 'running' && r.disable_api_stop === 1);
  if (locked) throw operationNotPermitted(`The instance '${locked.instance_id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
  const now = deps.clock.now();
  const changes: InstanceStateChange[] = [];
  for (const row of rows) {
    if (row.state !== 'running') {
      changes.push(change(row, 'stopped'));
      continue;
    }
    await deps.store.instances.update(row.instance_id, {
      state: 'stopped', state_transition_reason: `User initiated (${gmt(now)})`, state_reason_code: 'Client.UserInitiatedShutdown',
    });
    changes.push(change(row, 'stopping'));
  }
  return { StoppingInstances: changes };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TerminateInstances.html */
export async function terminateInstances(deps: Ec2Deps, ctx: RequestContext, input: TerminateInstancesRequest): Promise<TerminateInstancesResult> {
  dryRunIfAsked(input);
  const rows = await targets(deps, ctx, input.InstanceIds);
  const locked = rows.find((r) => r.state !== 'terminated' && r.disable_api_termination === 1);
  if (locked) {
    throw operationNotPermitted(`The instance '${locked.instance_id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
  }
  const now = deps.clock.now();
  const live = rows.filter((r) => r.state !== 'terminated');
  await deps.store.instances.terminate(scopeOf(ctx), live.map((r) => r.instance_id), {
    state: 'terminated', terminated_at: now.toISOString(), public_ip: null,
    state_transition_reason: `User initiated (${gmt(now)})`, state_reason_code: 'Client.UserInitiatedShutdown',
  });
  return { TerminatingInstances: rows.map((r) => change(r, r.state === 'terminated' ? 'terminated' : 'shutting-down')) };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html */
export async function modifyInstanceMetadataOptions(deps: Ec2Deps, ctx: RequestContext, input: ModifyInstanceMetadataOptionsRequest):
  Promise<ModifyInstanceMetadataOptionsResult> {
  dryRunIfAsked(input);
  const [row] = await targets(deps, ctx, [input.InstanceId]);
  // EC2's wording for a terminated instance was not found; the code is EC2's.
  if (row!.state === 'terminated') throw incorrectInstanceState(`The instance '${row!.instance_id}' is not in a state from which its metadata options can be modified.`);
  const hops = input.HttpPutResponseHopLimit;
  if (hops !== undefined && (hops < 1 || hops > 64)) throw invalidValue(`Value (${hops}) for parameter HttpPutResponseHopLimit is invalid. Expected a value between 1 and 64.`);
  const next = {
    http_tokens: input.HttpTokens ?? row!.http_tokens, http_endpoint: input.HttpEndpoint ?? row!.http_endpoint,
    http_hop_limit: hops ?? row!.http_hop_limit, http_protocol_ipv6: input.HttpProtocolIpv6 ?? row!.http_protocol_ipv6,
    metadata_tags: input.InstanceMetadataTags ?? row!.metadata_tags,
  };
  await deps.store.instances.update(row!.instance_id, next);
  return {
    InstanceId: row!.instance_id,
    InstanceMetadataOptions: {
      State: 'pending', HttpTokens: next.http_tokens as 'optional' | 'required', HttpPutResponseHopLimit: next.http_hop_limit,
      HttpEndpoint: next.http_endpoint as 'enabled' | 'disabled', HttpProtocolIpv6: next.http_protocol_ipv6 as 'enabled' | 'disabled',
      InstanceMetadataTags: next.metadata_tags as 'enabled' | 'disabled',
    },
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html */
export async function describeInstanceAttribute(deps: Ec2Deps, ctx: RequestContext, input: DescribeInstanceAttributeRequest): Promise<InstanceAttribute> {
  dryRunIfAsked(input);
  const [row] = await targets(deps, ctx, [input.InstanceId]);
  const view = instanceView(row!, (await relationsOf(deps, scopeOf(ctx), [row!])).get(row!.instance_id)!);
  const out: InstanceAttribute = { InstanceId: row!.instance_id };
  switch (input.Attribute) {
    case 'userData': out.UserData = row!.user_data === null ? {} : { Value: row!.user_data }; break;
    case 'instanceType': out.InstanceType = { Value: row!.instance_type }; break;
    case 'disableApiTermination': out.DisableApiTermination = { Value: row!.disable_api_termination === 1 }; break;
    case 'disableApiStop': out.DisableApiStop = { Value: row!.disable_api_stop === 1 }; break;
    case 'instanceInitiatedShutdownBehavior': out.InstanceInitiatedShutdownBehavior = { Value: row!.shutdown_behavior }; break;
    case 'rootDeviceName': out.RootDeviceName = { Value: row!.root_device_name }; break;
    case 'blockDeviceMapping': out.BlockDeviceMappings = view.BlockDeviceMappings; break;
    case 'groupSet': out.Groups = view.SecurityGroups; break;
    case 'ebsOptimized': out.EbsOptimized = { Value: row!.ebs_optimized === 1 }; break;
    case 'sourceDestCheck': out.SourceDestCheck = { Value: true }; break;
    case 'enaSupport': out.EnaSupport = { Value: true }; break;
    case 'enclaveOptions': out.EnclaveOptions = { Enabled: false }; break;
    case 'productCodes': out.ProductCodes = []; break;
    default: break; // kernel, ramdisk, sriovNetSupport: none on these instances
  }
  return out;
}
