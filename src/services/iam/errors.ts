/**
 * IAM's errors with AWS's texts, verbatim (as recorded against AWS in LocalStack's IAM snapshot
 * tests). Statuses come from the IAM model: NoSuchEntity 404, EntityAlreadyExists 409,
 * DeleteConflict 409, LimitExceeded 409, MalformedPolicyDocument 400, InvalidInput 400.
 */
import { AwsError } from '../../errors.js';

export type Kind = 'user' | 'group' | 'role';

const KIND_TITLE: Record<Kind, string> = { user: 'User', group: 'Group', role: 'Role' };

export const iamErrors = {
  noSuchEntity: (kind: Kind, name: string) =>
    new AwsError('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`),
  alreadyExists: (kind: Kind, name: string) =>
    new AwsError('EntityAlreadyExists', `${KIND_TITLE[kind]} with name ${name} already exists.`),
  noSuchInlinePolicy: (kind: Kind, policyName: string) =>
    new AwsError('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`),
  policyAlreadyExists: (name: string) =>
    new AwsError('EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`),
  /** Attach / version lookups of a policy that doesn't exist. */
  notAttachable: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`),
  policyNotFound: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} was not found.`),
  noSuchVersion: (arn: string, versionId: string) =>
    new AwsError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`),
  noSuchAccessKey: (id: string) => new AwsError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`),
  noSuchLoginProfile: (userName: string) => new AwsError('NoSuchEntity', `Login Profile for User ${userName} cannot be found.`),
  loginProfileExists: (userName: string) => new AwsError('EntityAlreadyExists', `Login Profile for user ${userName} already exists.`),
  noSuchMfaDevice: (serial: string) => new AwsError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`),
  deleteConflict: (what: 'access keys' | 'policies' | 'attached policies' | 'login profile' | 'MFA' | 'group members' | 'groups' | 'attachments') =>
    new AwsError('DeleteConflict', {
      'access keys': 'Cannot delete entity, must delete access keys first.',
      policies: 'Cannot delete entity, must delete policies first.',
      'attached policies': 'Cannot delete entity, must detach all policies first.',
      'login profile': 'Cannot delete entity, must delete login profile first.',
      MFA: 'Cannot delete entity, must delete MFA device first.',
      'group members': 'Cannot delete entity, must remove users from group first.',
      groups: 'Cannot delete entity, must remove user from all groups first.',
      attachments: 'Cannot delete a policy attached to entities.',
    }[what]),
  /** `quota` as AWS names it (`AccessKeysPerUser`, `PolicySize`, ...). */
  quota: (quota: string, limit: number) => new AwsError('LimitExceeded', `Cannot exceed quota for ${quota}: ${limit}`),
  malformed: (message: string) => new AwsError('MalformedPolicyDocument', message),
  validation: (message: string) => new AwsError('ValidationError', message, { status: 400 }),
  invalidInput: (message: string) => new AwsError('InvalidInput', message),
  invalidPath: () =>
    new AwsError('ValidationError', 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.', { status: 400 }),
  invalidMarker: () => new AwsError('ValidationError', 'Invalid Marker.', { status: 400 }),
};
