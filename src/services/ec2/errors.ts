/**
 * EC2's errors in EC2's words, as clients and tools quote them from real responses (EC2 has no
 * modeled errors: every code is a string). Where EC2's wording was not found, a comment says so.
 */
import { AwsError } from '../../errors.js';

const err = (code: string, message: string, status = 400) => new AwsError(code, message, { status });

/** Any request with `DryRun=true` that would have been allowed (authorization already passed). */
export function dryRunIfAsked(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw err('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

export const invalidValue = (message: string) => err('InvalidParameterValue', message);
export const invalidCombination = (message: string) => err('InvalidParameterCombination', message);
export const missing = (message: string) => err('MissingParameter', message);

/** Several missing instances are named together: `The instance IDs 'i-1, i-2' do not exist`. */
export function instancesNotFound(ids: string[]): AwsError {
  return ids.length === 1
    ? err('InvalidInstanceID.NotFound', `The instance ID '${ids[0]}' does not exist`)
    : err('InvalidInstanceID.NotFound', `The instance IDs '${ids.join(', ')}' do not exist`);
}

export const groupNotFound = (id: string) => err('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
export const groupNotFoundInVpc = (name: string, vpcId: string) =>
  err('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${vpcId}'`);
export const groupNameNotFound = (name: string, defaultVpcId: string) =>
  err('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${defaultVpcId}'`);
export const volumeNotFound = (id: string) => err('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
export const snapshotNotFound = (id: string) => err('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
export const vpcNotFound = (id: string) => err('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
export const subnetNotFound = (id: string) => err('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
// EC2's wording for an unknown rule id was not found; this follows its other NotFound texts.
export const ruleNotFound = (id: string) => err('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);
export const invalidZone = (zone: string) => invalidValue(`Invalid availability zone: [${zone}]`);
export const unknownFilter = (name: string) => invalidValue(`The filter '${name}' is invalid`);

/** DescribeX with both ids and MaxResults: `The parameter instancesSet cannot be used with the parameter maxResults`. */
export const idsWithMaxResults = (idsParameter: string) =>
  invalidCombination(`The parameter ${idsParameter} cannot be used with the parameter maxResults`);

export const incorrectInstanceState = (message: string) => err('IncorrectInstanceState', message);
export const incorrectState = (message: string) => err('IncorrectState', message);
export const operationNotPermitted = (message: string) => err('OperationNotPermitted', message);
