/**
 * Authentication of an S3 POST Object form (a browser upload): the form carries its credentials in
 * fields rather than headers. The signature is `hex(HMAC-SHA256(signing key, policy))` over the
 * base64 policy exactly as the form sent it, with the SigV4 signing key of the credential's date,
 * region and service (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html).
 * What the policy then allows (its expiration and conditions) is checked by S3 itself
 * (services/s3/ops/post-policy.ts); this module only says who signed it.
 *
 * A form without any of the SigV4 fields is anonymous; one with some of them must have all
 * (InvalidArgument naming the first missing one, as S3 answers). SigV2 forms (`AWSAccessKeyId`,
 * `signature`) get S3's answer for buckets created today: the mechanism is not supported.
 */
import { AwsError } from '../errors.js';
import { authErrors, toAwsError } from './auth-errors.js';
import { hexEqual, hmacHex, parseAmzDate, signingKey } from './sigv4.js';

/** The SigV4 credentials of a POST form, parsed but not yet verified. */
export interface PostPolicyAuth {
  accessKeyId: string;
  sessionToken?: string;
  /** The credential as sent (`AKID/date/region/service/aws4_request`). */
  credential: string;
  date: string;
  region: string;
  service: string;
  amzDate: string;
  signature: string;
  /** The base64 policy exactly as the form sent it: what was signed. */
  policy: string;
}

/** The fields that make a form signed, in the order S3 names a missing one. */
const SIGV4_FIELDS = [['x-amz-algorithm', 'X-Amz-Algorithm'], ['x-amz-credential', 'X-Amz-Credential'], ['x-amz-date', 'X-Amz-Date'], ['x-amz-signature', 'X-Amz-Signature'], ['policy', 'Policy']] as const;

/** "Bucket POST must contain a field named '<name>'.  If it is specified, please check the order of the fields." */
export function missingPostField(name: string): AwsError {
  return new AwsError('InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
    status: 400, fields: { ArgumentName: name, ArgumentValue: '' },
  });
}

function invalidCredential(message: string, credential: string): AwsError {
  return new AwsError('InvalidArgument', message, { status: 400, fields: { ArgumentName: 'X-Amz-Credential', ArgumentValue: credential } });
}

/**
 * The SigV4 credentials a form carries (lower-cased field names), or null for an anonymous form.
 * Throws S3's errors for a partly signed form, a SigV2 form and malformed values.
 */
export function parsePostPolicyAuth(fields: Map<string, string>): PostPolicyAuth | null {
  if (fields.has('awsaccesskeyid') || fields.has('signature')) throw toAwsError(authErrors.unsupportedMechanism(), 'rest-xml');
  if (!SIGV4_FIELDS.slice(0, 4).some(([name]) => fields.has(name))) return null;
  const missing = SIGV4_FIELDS.find(([name]) => !fields.get(name));
  if (missing) throw missingPostField(missing[1]);
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') throw toAwsError(authErrors.unsupportedMechanism(), 'rest-xml');
  const credential = fields.get('x-amz-credential')!;
  const amzDate = fields.get('x-amz-date')!;
  if (parseAmzDate(amzDate) === undefined) {
    throw new AwsError('InvalidArgument', 'X-Amz-Date must be formated via ISO8601 Long format', { status: 400, fields: { ArgumentName: 'X-Amz-Date', ArgumentValue: amzDate } });
  }
  const parts = credential.split('/');
  if (parts.length !== 5) throw invalidCredential('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".', credential);
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  if (accessKeyId === '') throw invalidCredential('a non-empty Access Key (AKID) must be provided in the credential.', credential);
  if (!/^\d{8}$/.test(date)) throw invalidCredential(`incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`, credential);
  if (service !== 's3') throw invalidCredential(`incorrect service "${service}". This endpoint belongs to "s3".`, credential);
  if (terminal !== 'aws4_request') throw invalidCredential(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`, credential);
  return {
    accessKeyId, sessionToken: fields.get('x-amz-security-token'), credential, date, region, service, amzDate,
    signature: fields.get('x-amz-signature')!, policy: fields.get('policy')!,
  };
}

/** Checks the policy's signature with the signer's secret (constant-time); SignatureDoesNotMatch as S3 words it. */
export function verifyPostPolicySignature(auth: PostPolicyAuth, secretAccessKey: string): void {
  const expected = hmacHex(signingKey(secretAccessKey, auth.date, auth.region, auth.service, auth.accessKeyId), auth.policy);
  if (hexEqual(expected, auth.signature)) return;
  const err = toAwsError(authErrors.signatureMismatch(auth.accessKeyId, auth.policy, auth.signature), 'rest-xml');
  // S3 also spells out the string to sign (the policy) byte by byte.
  err.fields.StringToSignBytes = [...Buffer.from(auth.policy, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw err;
}
