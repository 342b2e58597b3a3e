/**
 * Regions and Availability Zones: the commercial partition's Regions (botocore's partitions data),
 * with opt-in Regions reported as a new account sees them (not opted in). Coffer answers in every
 * Region a request is signed for; this catalog is what DescribeRegions and the default VPCs use.
 */
import type { RequestContext } from '../../../server/context.js';
import type {
  AvailabilityZone, DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult, DescribeRegionsRequest, DescribeRegionsResult, Region,
} from '../../../generated/ec2/shapes.js';
import { dryRunIfAsked, invalidValue, invalidZone } from '../errors.js';
import { compileFilters } from '../filters.js';

const STANDARD_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-3', 'ap-northeast-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-northeast-1', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'sa-east-1',
];
const OPT_IN_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6',
  'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
];

/** How many zones a Region shows (a, b, c ... ); three unless AWS has more. */
const ZONE_COUNTS: Record<string, number> = { 'us-east-1': 6, 'us-west-2': 4 };

function regionList(): Region[] {
  return [
    ...STANDARD_REGIONS.map((name) => ({ RegionName: name, Endpoint: `ec2.${name}.amazonaws.com`, OptInStatus: 'opt-in-not-required' })),
    ...OPT_IN_REGIONS.map((name) => ({ RegionName: name, Endpoint: `ec2.${name}.amazonaws.com`, OptInStatus: 'not-opted-in' })),
  ];
}

/** `us-east-1` -> `use1`, `ap-northeast-2` -> `apne2`: the prefix of AWS's zone ids. */
function zoneIdPrefix(region: string): string {
  const [area, direction = '', number = ''] = region.split('-');
  const short = direction.replace('north', 'n').replace('south', 's').replace('east', 'e').replace('west', 'w').replace('central', 'c');
  return `${area}${short}${number}`;
}

/** The Availability Zones of a Region (any Region a request names has zones a, b, c). */
export function zonesOf(region: string): AvailabilityZone[] {
  const count = ZONE_COUNTS[region] ?? 3;
  return Array.from({ length: count }, (_, i) => ({
    ZoneName: `${region}${String.fromCharCode(97 + i)}`,
    ZoneId: `${zoneIdPrefix(region)}-az${i + 1}`,
    RegionName: region,
    State: 'available',
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    GroupName: `${region}-zg-1`,
    NetworkBorderGroup: region,
    ZoneType: 'availability-zone',
  }));
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html */
export async function describeRegions(_ctx: RequestContext, input: DescribeRegionsRequest): Promise<DescribeRegionsResult> {
  dryRunIfAsked(input);
  const matches = compileFilters(input.Filters, ['endpoint', 'region-name', 'opt-in-status'], false);
  const names = input.RegionNames ?? [];
  const regions = regionList().filter((r) => (input.AllRegions || r.OptInStatus !== 'not-opted-in' || names.includes(r.RegionName!))
    && (!names.length || names.includes(r.RegionName!))
    && matches({ fields: { endpoint: [r.Endpoint], 'region-name': [r.RegionName], 'opt-in-status': [r.OptInStatus] } }));
  return { Regions: regions };
}

const ZONE_FILTERS = ['group-name', 'message', 'opt-in-status', 'region-name', 'state', 'zone-id', 'zone-name', 'zone-type', 'network-border-group'];

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html */
export async function describeAvailabilityZones(ctx: RequestContext, input: DescribeAvailabilityZonesRequest): Promise<DescribeAvailabilityZonesResult> {
  dryRunIfAsked(input);
  const zones = zonesOf(ctx.region);
  const missingName = (input.ZoneNames ?? []).find((n) => !zones.some((z) => z.ZoneName === n));
  if (missingName !== undefined) throw invalidZone(missingName);
  const missingId = (input.ZoneIds ?? []).find((id) => !zones.some((z) => z.ZoneId === id));
  if (missingId !== undefined) throw invalidValue(`Invalid availability zone-id: [${missingId}]`);
  const matches = compileFilters(input.Filters, ZONE_FILTERS, false);
  const wanted = (z: AvailabilityZone) => (!input.ZoneNames?.length || input.ZoneNames.includes(z.ZoneName!))
    && (!input.ZoneIds?.length || input.ZoneIds.includes(z.ZoneId!));
  return {
    AvailabilityZones: zones.filter((z) => wanted(z) && matches({
      fields: {
        'group-name': [z.GroupName], 'opt-in-status': [z.OptInStatus], 'region-name': [z.RegionName], state: [z.State],
        'zone-id': [z.ZoneId], 'zone-name': [z.ZoneName], 'zone-type': [z.ZoneType], 'network-border-group': [z.NetworkBorderGroup], message: [],
      },
    })),
  };
}
