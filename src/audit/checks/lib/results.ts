/** Building results, and turning data that could not be read into ERROR (or MANUAL) results. */
import type { ApiError, Ec2Region, Fetched, Inventory, InventoryService } from '../../inventory.js';
import type { CheckResult, ResourceRef, Severity } from '../types.js';

export function pass(resource: ResourceRef, message: string): CheckResult {
  return { status: 'PASS', message, resource };
}

export function fail(resource: ResourceRef, message: string, severity?: Severity): CheckResult {
  return severity ? { status: 'FAIL', message, resource, severity } : { status: 'FAIL', message, resource };
}

export function manual(resource: ResourceRef, message: string): CheckResult {
  return { status: 'MANUAL', message, resource };
}

/** The result for data the API did not give: ERROR with its error, or MANUAL when no client could ask. */
export function unreadable(resource: ResourceRef, error: ApiError): CheckResult {
  const why = `${error.operation} failed: ${error.code}: ${error.message}`;
  return error.kind === 'unavailable'
    ? { status: 'MANUAL', message: `Could not be checked automatically: ${error.message}; check it by hand.`, resource }
    : { status: 'ERROR', message: `Could not be checked: ${why}`, resource };
}

/** Judges a fetched value, or reports why it is missing. */
export function judge<T>(fetched: Fetched<T>, resource: ResourceRef, body: (value: T) => CheckResult[]): CheckResult[] {
  return fetched.ok ? body(fetched.value) : [unreadable(resource, fetched.error)];
}

/** The account as a resource (account-wide settings): `arn:<partition>:<service>:<region>:<account>:account`. */
export function accountResource(inv: Inventory, service: string, region = ''): ResourceRef {
  return { uid: `arn:${inv.account.partition}:${service}:${region}:${inv.account.id}:account`, name: inv.account.id, region: region || 'global' };
}

/** A section a replayed inventory lacks (recorded for other checks): every check needing it reports ERROR. */
function missing(inv: Inventory, service: InventoryService): CheckResult[] {
  return [{
    status: 'ERROR', message: `The inventory has no ${service} section (it was recorded for other checks).`,
    resource: accountResource(inv, service),
  }];
}

/** Runs `body` over the IAM section. */
export function withIam(inv: Inventory, body: (iam: NonNullable<Inventory['iam']>) => CheckResult[]): CheckResult[] {
  return inv.iam ? body(inv.iam) : missing(inv, 'iam');
}

export function withS3(inv: Inventory, body: (s3: NonNullable<Inventory['s3']>) => CheckResult[]): CheckResult[] {
  return inv.s3 ? body(inv.s3) : missing(inv, 's3');
}

export function withCloudTrail(inv: Inventory, body: (ct: NonNullable<Inventory['cloudtrail']>) => CheckResult[]): CheckResult[] {
  return inv.cloudtrail ? body(inv.cloudtrail) : missing(inv, 'cloudtrail');
}

/** Runs `body` for every audited Region's EC2 inventory. */
export function perEc2Region(inv: Inventory, body: (region: string, ec2: Ec2Region) => CheckResult[]): CheckResult[] {
  if (!inv.ec2) return missing(inv, 'ec2');
  return inv.regions.flatMap((region) => (inv.ec2![region] ? body(region, inv.ec2![region]!) : []));
}

/** Runs `body` over one fetched list of every audited Region's EC2 inventory. */
export function perEc2List<T>(inv: Inventory, pick: (ec2: Ec2Region) => Fetched<T[]>, body: (item: T, region: string) => CheckResult[]): CheckResult[] {
  return perEc2Region(inv, (region, ec2) => judge(pick(ec2), accountResource(inv, 'ec2', region), (items) => items.flatMap((item) => body(item, region))));
}
