import { AwsError } from '../errors.js';

/**
 * Why a request failed authentication, independent of the protocol. The gateway turns it into
 * the code, status and text AWS uses for that protocol with {@link authErrorFor}.
 */
export type AuthFailure =
  | 'MissingAuth'
  | 'IncompleteSignature'
  | 'MalformedAuth'
  | 'UnknownAccessKey'
  | 'SignatureMismatch'
  | 'RequestTimeTooSkewed'
  | 'PresignedExpired'
  | 'ContentSha256Mismatch'
  | 'InvalidContentSha256'
  | 'ChunkSignatureMismatch'
  | 'IncompleteBody'
  | 'MalformedChunk'
  | 'BadDigest'
  | 'MissingContentLength'
  | 'InvalidExpires';

/** The wire protocol whose error shape and wording the caller needs. */
export type Protocol = 'json' | 'rest-xml' | 'query' | 'ec2';

/** What a failure carries beyond its kind. */
export interface AuthErrorDetail {
  /**
   * The text where AWS's wording varies with the case (malformed headers, "Signature expired: ...").
   * Used as is by json, query and ec2; S3 uses it only where it has no wording of its own.
   */
  message?: string;
  /** The credentials came in the query string: S3 then says AuthorizationQueryParametersError. */
  presigned?: boolean;
  /** S3's own code, status and text for this case, where they differ from the failure's default. */
  s3?: { code: string; status: number; message: string };
  /** Extra members S3 puts in its `<Error>` (ServerTime, StringToSign, ...). Never secrets. */
  fields?: Record<string, string>;
}

/** Thrown by the SigV4 code; `detail.message` always equals `message`. */
export class AuthError extends Error {
  readonly detail: AuthErrorDetail;

  constructor(readonly failure: AuthFailure, message: string, detail: Omit<AuthErrorDetail, 'message'> = {}) {
    super(message);
    this.name = 'AuthError';
    this.detail = { ...detail, message };
  }
}

// AWS's texts, verbatim.
const S3_SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const TOKEN_INVALID = 'The security token included in the request is invalid.';
const NOT_CONFORMING = 'The request signature does not conform to AWS standards.';
const HEADER_COMPONENTS = 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.';
const QUERY_PARAMETERS = 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';
const CONTENT_SHA256_VALUES = 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.';
const INCOMPLETE_BODY = 'You did not provide the number of bytes specified by the Content-Length HTTP header';

interface Mapped { code: string; status: number; message: string }

/** S3 has a code for nearly every case; its texts are fixed unless noted. */
function restXml(failure: AuthFailure, d: AuthErrorDetail): Mapped {
  if (d.s3) return d.s3;
  switch (failure) {
    case 'MissingAuth': return { code: 'AccessDenied', status: 403, message: 'Access Denied' };
    case 'IncompleteSignature':
    case 'MalformedAuth':
      return d.presigned
        ? { code: 'AuthorizationQueryParametersError', status: 400, message: d.message ?? QUERY_PARAMETERS }
        : { code: 'AuthorizationHeaderMalformed', status: 400, message: d.message ?? HEADER_COMPONENTS };
    case 'InvalidExpires':
      return { code: 'AuthorizationQueryParametersError', status: 400, message: d.message ?? QUERY_PARAMETERS };
    case 'UnknownAccessKey':
      return { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' };
    case 'SignatureMismatch':
    case 'ChunkSignatureMismatch':
      return { code: 'SignatureDoesNotMatch', status: 403, message: S3_SIGNATURE };
    case 'RequestTimeTooSkewed':
      return { code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' };
    case 'PresignedExpired': return { code: 'AccessDenied', status: 403, message: 'Request has expired' };
    case 'ContentSha256Mismatch':
      return { code: 'XAmzContentSHA256Mismatch', status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    case 'InvalidContentSha256': return { code: 'InvalidArgument', status: 400, message: CONTENT_SHA256_VALUES };
    case 'IncompleteBody': return { code: 'IncompleteBody', status: 400, message: d.message ?? INCOMPLETE_BODY };
    // A broken aws-chunked frame: S3 answers IncompleteBody (as versitygw, which is tested against S3, does).
    case 'MalformedChunk': return { code: 'IncompleteBody', status: 400, message: d.message ?? 'The request body terminated unexpectedly' };
    case 'BadDigest': return { code: 'BadDigest', status: 400, message: d.message ?? 'The Content-MD5 you specified did not match what we received.' };
    case 'MissingContentLength': return { code: 'MissingContentLength', status: 411, message: 'You must provide the Content-Length HTTP header.' };
  }
}

/** How the other protocols group the failures; aws-chunked and checksum failures only reach S3. */
type Family = 'missing' | 'incomplete' | 'unknownKey' | 'signature' | 'expired';
const FAMILY: Partial<Record<AuthFailure, Family>> = {
  MissingAuth: 'missing',
  IncompleteSignature: 'incomplete',
  MalformedAuth: 'incomplete',
  InvalidExpires: 'incomplete',
  UnknownAccessKey: 'unknownKey',
  SignatureMismatch: 'signature',
  ChunkSignatureMismatch: 'signature',
  // Outside S3 the body hash is part of the signature, so a wrong one is a wrong signature.
  ContentSha256Mismatch: 'signature',
  InvalidContentSha256: 'signature',
  RequestTimeTooSkewed: 'expired',
  PresignedExpired: 'expired',
};

/** `message` present: AWS's fixed text; absent: the case's own text (detail.message) or `fallback`. */
interface FamilyError { code: string; status: number; message?: string; fallback?: string }

const FAMILIES: Record<Exclude<Protocol, 'rest-xml'>, Record<Family, FamilyError>> = {
  json: {
    missing: { code: 'MissingAuthenticationTokenException', status: 400, message: 'Missing Authentication Token' },
    incomplete: { code: 'IncompleteSignatureException', status: 400, fallback: NOT_CONFORMING },
    unknownKey: { code: 'UnrecognizedClientException', status: 400, message: TOKEN_INVALID },
    signature: { code: 'InvalidSignatureException', status: 400, message: SIGNATURE },
    expired: { code: 'InvalidSignatureException', status: 400, fallback: 'Signature expired' },
  },
  query: {
    missing: { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' },
    incomplete: { code: 'IncompleteSignature', status: 400, fallback: NOT_CONFORMING },
    unknownKey: { code: 'InvalidClientTokenId', status: 403, message: TOKEN_INVALID },
    signature: { code: 'SignatureDoesNotMatch', status: 403, message: SIGNATURE },
    expired: { code: 'SignatureDoesNotMatch', status: 403, fallback: 'Signature expired' },
  },
  // EC2 documents these codes in its common client errors. It answers 401 for credentials it
  // cannot validate: a wrong signature and an unknown key get the same AuthFailure, so neither
  // tells a caller which key ids exist. An unsigned call gets MissingAuthenticationToken with the
  // same 401 (what `aws ec2 ... --no-sign-request` shows); skew and expiry are RequestExpired.
  ec2: {
    missing: { code: 'MissingAuthenticationToken', status: 401, message: 'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.' },
    incomplete: { code: 'IncompleteSignature', status: 400, fallback: NOT_CONFORMING },
    unknownKey: { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
    signature: { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
    expired: { code: 'RequestExpired', status: 400, message: 'Request has expired.' },
  },
};

/**
 * AWS's code, status and message for this failure in this protocol. Pass an {@link AuthError}'s
 * `detail` (or use {@link toAwsError}) so the case's own wording and S3's extra members survive.
 */
export function authErrorFor(failure: AuthFailure, protocol: Protocol, detail: AuthErrorDetail = {}): AwsError {
  if (protocol === 'rest-xml') {
    const { code, status, message } = restXml(failure, detail);
    return new AwsError(code, message, { status, fields: detail.fields });
  }
  const family = FAMILY[failure];
  if (!family) {
    // Body framing failures: only S3 takes aws-chunked bodies; keep S3's codes for the rest.
    const { code, status, message } = restXml(failure, { message: detail.message });
    return new AwsError(code, message, { status });
  }
  const entry = FAMILIES[protocol][family];
  const message = entry.message ?? detail.message ?? entry.fallback ?? NOT_CONFORMING;
  return new AwsError(entry.code, message, { status: entry.status });
}

/** The AwsError for a thrown AuthError, with all it knows. */
export function toAwsError(err: AuthError, protocol: Protocol): AwsError {
  return authErrorFor(err.failure, protocol, err.detail);
}

const SKEW_MINUTES = 15;
const SERVER_SKEW_MS = SKEW_MINUTES * 60_000;
const UNSUPPORTED = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';
const CREDENTIAL_FORM = 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
const HEADER_PREFIX = 'The authorization header is malformed; ';
const CREDENTIAL_PREFIX = 'Error parsing the X-Amz-Credential parameter; ';
const NO_DATE = 'AWS authentication requires a valid Date or x-amz-date header';

/** `20150830T123600Z`, the form every SigV4 time takes. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** S3's `<ServerTime>` form: `2015-08-30T12:36:00Z`. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}/, '');
}

/** A malformed credential or header: S3 words it per place (header or query), the others once. */
function malformed(failure: AuthFailure, generic: string, s3: string | undefined, presigned: boolean): AuthError {
  const s3Detail = s3 === undefined
    ? undefined
    : presigned
      ? { code: 'AuthorizationQueryParametersError', status: 400, message: CREDENTIAL_PREFIX + s3 }
      : { code: 'AuthorizationHeaderMalformed', status: 400, message: HEADER_PREFIX + s3 };
  return new AuthError(failure, generic, { presigned, s3: s3Detail });
}

/**
 * Every way SigV4 parsing and verification fail, each with AWS's texts (S3's from its error
 * responses; json/query from KMS/STS responses). One place, so the wording is tested once.
 */
export const authErrors = {
  /** SigV2 (`AWS AKID:sig`), SigV4a or anything else that is not AWS4-HMAC-SHA256. */
  unsupportedMechanism: () =>
    new AuthError('MalformedAuth', UNSUPPORTED, { s3: { code: 'InvalidRequest', status: 400, message: UNSUPPORTED } }),

  bothMechanisms: () => {
    const message = 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';
    return new AuthError('MalformedAuth', message, { s3: { code: 'InvalidArgument', status: 400, message }, fields: { ArgumentName: 'Authorization' } });
  },

  missingComponents: (missing: string[]) =>
    new AuthError('IncompleteSignature', missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '), {
      s3: { code: 'AuthorizationHeaderMalformed', status: 400, message: HEADER_COMPONENTS },
    }),

  malformedComponent: (component: string) =>
    malformed('IncompleteSignature', `'${component}' not a valid key=value pair (missing equal-sign) in Authorization header.`,
      `the authorization component "${component}" is malformed.`, false),

  malformedCredential: (presigned: boolean) =>
    malformed('MalformedAuth', `Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, CREDENTIAL_FORM, presigned),

  invalidTerminal: (terminal: string, presigned: boolean) =>
    malformed('MalformedAuth', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminal}'.`,
      `incorrect terminal "${terminal}". This endpoint uses "aws4_request".`, presigned),

  credentialDateMismatch: (credentialDate: string, amzDate: string, presigned: boolean) => {
    const generic = `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credentialDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
    if (!/^\d{8}$/.test(credentialDate)) {
      return malformed('MalformedAuth', generic, `incorrect date format "${credentialDate}". This date in the credential must be in the format "yyyyMMdd".`, presigned);
    }
    return presigned
      ? new AuthError('MalformedAuth', generic, {
        presigned,
        s3: { code: 'AuthorizationQueryParametersError', status: 400, message: `Invalid credential date "${credentialDate}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".` },
      })
      : malformed('MalformedAuth', generic, 'Invalid credential date. Date is not the same as X-Amz-Date.', false);
  },

  /** Header auth without a usable X-Amz-Date or Date: S3 calls this AccessDenied. */
  missingDate: (value?: string) =>
    new AuthError('IncompleteSignature', value === undefined
      ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
      : `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    { s3: { code: 'AccessDenied', status: 403, message: NO_DATE } }),

  malformedQueryDate: () =>
    new AuthError('MalformedAuth', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, { presigned: true }),

  hostNotSigned: (presigned: boolean) =>
    new AuthError('MalformedAuth', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", { presigned }),

  missingQueryParameters: () => new AuthError('IncompleteSignature', QUERY_PARAMETERS, { presigned: true }),

  unsupportedQueryAlgorithm: () =>
    new AuthError('MalformedAuth', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', { presigned: true }),

  invalidExpires: (why: 'number' | 'negative' | 'too-large') =>
    new AuthError('InvalidExpires', {
      number: 'X-Amz-Expires should be a number',
      negative: 'X-Amz-Expires must be non-negative',
      // S3's wording as its responses show it (the docs paraphrase it).
      'too-large': 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    }[why], { presigned: true }),

  requestTimeTooSkewed: (amzDate: string, requestMs: number, nowMs: number) => {
    const now = formatAmzDate(nowMs);
    const message = requestMs < nowMs
      ? `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - SERVER_SKEW_MS)} (${now} - ${SKEW_MINUTES} min.)`
      : `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + SERVER_SKEW_MS)} (${now} + ${SKEW_MINUTES} min.)`;
    return new AuthError('RequestTimeTooSkewed', message, {
      fields: { RequestTime: amzDate, ServerTime: isoSeconds(nowMs), MaxAllowedSkewMilliseconds: String(SERVER_SKEW_MS) },
    });
  },

  /** A presigned URL past X-Amz-Date + X-Amz-Expires. The json/query text follows the header form. */
  presignedExpired: (amzDate: string, requestMs: number, expires: number, nowMs: number) =>
    new AuthError('PresignedExpired',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - expires * 1000)} (${formatAmzDate(nowMs)} - ${expires} sec.)`,
      { presigned: true, fields: { 'X-Amz-Expires': String(expires), Expires: isoSeconds(requestMs + expires * 1000), ServerTime: isoSeconds(nowMs) } }),

  /** A presigned URL dated more than the allowed skew into the future. */
  presignedNotYetValid: (amzDate: string, requestMs: number, expires: number, nowMs: number) =>
    new AuthError('PresignedExpired',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + SERVER_SKEW_MS)} (${formatAmzDate(nowMs)} + ${SKEW_MINUTES} min.)`,
      {
        presigned: true,
        s3: { code: 'AccessDenied', status: 403, message: 'Request is not yet valid' },
        fields: { Expires: isoSeconds(requestMs + expires * 1000), ServerTime: isoSeconds(nowMs) },
      }),

  /**
   * S3 echoes what it signed so a client can find its mistake. The canonical request is left out:
   * it would echo x-amz-security-token.
   */
  signatureMismatch: (accessKeyId: string, stringToSign: string, provided: string) =>
    new AuthError('SignatureMismatch', 'signature mismatch', {
      fields: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign, SignatureProvided: provided },
    }),

  unknownAccessKey: (accessKeyId: string) =>
    new AuthError('UnknownAccessKey', 'unknown access key', { fields: { AWSAccessKeyId: accessKeyId } }),
};
