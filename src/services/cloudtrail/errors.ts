/**
 * CloudTrail's errors. Texts marked (moto) are the ones moto's CloudTrail tests assert (written
 * against AWS); those marked (unverified) have no public record of AWS's exact wording and follow
 * the API reference's description of the error.
 */
import { AwsError } from '../../errors.js';

export const trailErrors = {
  /** (moto) GetTrailStatus names the trail by ARN; the others by what the caller passed. */
  notFound: (nameOrArn: string, accountId: string) =>
    new AwsError('TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${accountId}`),
  /** (moto) */
  nameTooShort: (length: number) =>
    new AwsError('InvalidTrailNameException', `Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${length} characters.`),
  /** (moto) */
  nameTooLong: (length: number) =>
    new AwsError('InvalidTrailNameException', `Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${length} characters.`),
  /** (moto) */
  nameStart: () => new AwsError('InvalidTrailNameException', 'Trail name must starts with a letter or number.'),
  /** (moto) */
  nameEnd: () => new AwsError('InvalidTrailNameException', 'Trail name must ends with a letter or number.'),
  /** (moto) */
  nameChars: () => new AwsError('InvalidTrailNameException',
    'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).'),
  /** (unverified) */
  arnInvalid: (arn: string) => new AwsError('CloudTrailARNInvalidException', `Invalid trail ARN: ${arn}`),
  /** (unverified) */
  alreadyExists: (name: string, accountId: string) =>
    new AwsError('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${accountId}`),
  /** (unverified) */
  tooManyTrails: (accountId: string, region: string) =>
    new AwsError('MaximumNumberOfTrailsExceededException', `User: ${accountId} already has 5 trails in ${region}.`),
  /** (moto) */
  bucketMissing: (bucket: string) => new AwsError('S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist!`),
  /** (unverified) */
  bucketPolicy: (bucket: string) =>
    new AwsError('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`),
  /** (AWS, as aws-cli prints it) the key policy does not let CloudTrail use the key. */
  encryptionPolicy: (bucket: string, keyArn: string) =>
    new AwsError('InsufficientEncryptionPolicyException', `Insufficient permissions to access S3 bucket ${bucket} or KMS key ${keyArn}.`),
  /** (unverified) the key does not exist, or not in the trail's Region. */
  kmsKeyNotFound: (keyId: string) =>
    new AwsError('KmsKeyNotFoundException', `KMS key ${keyId} does not exist or is not in the same region as the trail.`),
  /** (moto) validated before the bucket. */
  multiRegionWithoutGlobal: () =>
    new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.'),
  /** (moto) Coffer has no SNS: no topic can exist. */
  snsTopic: () => new AwsError('InsufficientSnsTopicPolicyException', 'SNS Topic does not exist or the topic policy is incorrect!'),
  /** (unverified) Coffer has no CloudWatch Logs: no log group can exist. */
  logGroup: () => new AwsError('InvalidCloudWatchLogsLogGroupArnException', 'The CloudWatch Logs log group ARN is not valid or the log group does not exist.'),
  /** (unverified) Coffer has no AWS Organizations. */
  organizations: () => new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.'),
  /** (unverified) */
  homeRegion: (arn: string) =>
    new AwsError('InvalidHomeRegionException', `The trail ${arn} must be updated in its home region.`),
  /** (unverified) */
  selectors: (message: string) => new AwsError('InvalidEventSelectorsException', message),
  /** (unverified) */
  lookupAttributes: (message: string) => new AwsError('InvalidLookupAttributesException', message),
  /** (unverified) */
  timeRange: () => new AwsError('InvalidTimeRangeException', 'Start time must be before end time.'),
  /** (unverified) */
  nextToken: () => new AwsError('InvalidNextTokenException', 'Invalid NextToken.'),
  /** (unverified) */
  resourceNotFound: (arn: string) => new AwsError('ResourceNotFoundException', `Resource not found: ${arn}`),
  /** (unverified) */
  tooManyTags: () => new AwsError('TagsLimitExceededException', 'The number of tags per trail has exceeded the permitted amount. Currently, the limit is 50.'),
};
