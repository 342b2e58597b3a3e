import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { AuthError, authErrorFor, authErrors, toAwsError, type Protocol } from '../auth/auth-errors.js';
import { parsePostPolicyAuth, verifyPostPolicySignature, type PostPolicyAuth } from '../auth/post-policy.js';
import { createChunkedDecoder, createSha256Verifier, type ChunkedMode } from '../auth/sigv4-chunked.js';
import { verifySigV4, type SigV4Auth, type SignedRequestParts } from '../auth/sigv4.js';
import { SessionTokenError, sessionTokenError, type CredentialResolver } from '../auth/principal.js';
import { AwsError } from '../errors.js';
import type { Principal } from './context.js';

const CHUNKED_MODES = new Set<string>([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
]);
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface AuthInput {
  parts: SignedRequestParts;
  auth: SigV4Auth | null;
  protocol: Protocol;
  /** The signing name the endpoint answers to: a signature scoped to another service is refused. */
  signingName: string;
  /** A buffered body (JSON, Query, EC2) or the raw request stream (S3). */
  body: Buffer | Readable;
  credentials: CredentialResolver;
  now: Date;
}

export interface Authenticated {
  principal: Principal | null;
  /** The body to decode: the same buffer, or a stream that verifies itself as it is read. */
  body: Buffer | Readable;
}

/**
 * Authentication, the same for every operation: who signed, whether the signature and the
 * payload hash hold. A request without SigV4 is anonymous; only S3 lets it go on to
 * authorization (which refuses it unless a policy allows).
 */
export async function authenticate(input: AuthInput): Promise<Authenticated> {
  const { auth, protocol } = input;
  if (!auth) {
    if (protocol !== 'rest-xml') throw authErrorFor('MissingAuth', protocol);
    return { principal: null, body: input.body };
  }
  if (auth.service !== input.signingName) {
    throw authErrorFor('MalformedAuth', protocol, {
      message: `Credential should be scoped to correct service: '${input.signingName}'. `,
    });
  }
  const credential = await resolveCredential(input.credentials, auth.accessKeyId, auth.sessionToken, protocol);

  try {
    if (Buffer.isBuffer(input.body)) {
      const computed = createHash('sha256').update(input.body).digest('hex');
      const claimed = auth.contentSha256;
      if (claimed && claimed !== 'UNSIGNED-PAYLOAD' && claimed !== computed) throw new AuthError('ContentSha256Mismatch', 'payload hash mismatch');
      // Presigned and UNSIGNED-PAYLOAD requests sign the literal; everything else signs the hash.
      const signed = claimed === 'UNSIGNED-PAYLOAD' ? claimed : computed;
      verifySigV4(input.parts, auth, credential.secretAccessKey, signed, input.now);
      return { principal: credential.principal, body: input.body };
    }
    return { principal: credential.principal, body: verifiedStream(input, credential.secretAccessKey) };
  } catch (err) {
    if (err instanceof AuthError) throw toAwsError(err, protocol);
    throw err;
  }
}

/** The active credential of an access key (and session token); AWS's errors for unknown or inactive ones. */
async function resolveCredential(credentials: CredentialResolver, accessKeyId: string, sessionToken: string | undefined, protocol: Protocol) {
  let credential;
  try {
    credential = await credentials.resolve(accessKeyId, sessionToken);
  } catch (err) {
    if (err instanceof SessionTokenError) throw sessionTokenError(err.failure, protocol);
    throw err;
  }
  if (!credential || !credential.active) throw toAwsError(authErrors.unknownAccessKey(accessKeyId), protocol);
  return credential;
}

/**
 * Authentication of an S3 POST Object form: its fields (lower-cased names) carry the credential
 * and the policy's signature (auth/post-policy.ts), checked with the same credential resolver as
 * every other request. A form without them is anonymous. Returns the principal and the verified
 * credential scope (whose region S3 checks against the bucket's).
 */
export async function authenticatePostForm(fields: Map<string, string>, credentials: CredentialResolver): Promise<{ principal: Principal | null; auth: PostPolicyAuth | null }> {
  const auth = parsePostPolicyAuth(fields);
  if (!auth) return { principal: null, auth: null };
  const credential = await resolveCredential(credentials, auth.accessKeyId, auth.sessionToken, 'rest-xml');
  verifyPostPolicySignature(auth, credential.secretAccessKey);
  return { principal: credential.principal, auth };
}

/** S3 bodies: checked while they stream, so nothing unverified is ever committed. */
function verifiedStream(input: AuthInput, secret: string): Readable {
  const auth = input.auth!;
  const raw = input.body as Readable;
  const claimed = auth.contentSha256 ?? (auth.kind === 'presigned' ? 'UNSIGNED-PAYLOAD' : undefined);
  if (!claimed) {
    throw new AwsError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', { status: 400 });
  }
  if (claimed !== 'UNSIGNED-PAYLOAD' && !CHUNKED_MODES.has(claimed) && !SHA256_HEX.test(claimed)) {
    throw new AuthError('InvalidContentSha256', 'invalid x-amz-content-sha256');
  }
  const { signingKey, signature } = verifySigV4(input.parts, auth, secret, claimed, input.now);
  if (claimed === 'UNSIGNED-PAYLOAD') return raw;
  const headers = input.parts.headers;
  const check = SHA256_HEX.test(claimed)
    ? createSha256Verifier(claimed)
    : createChunkedDecoder({
        mode: claimed as ChunkedMode,
        signingKey,
        seedSignature: signature,
        amzDate: auth.amzDate,
        scope: `${auth.date}/${auth.region}/${auth.service}/aws4_request`,
        decodedContentLength: headers['x-amz-decoded-content-length'] === undefined ? undefined : Number(headers['x-amz-decoded-content-length']),
        trailerHeader: headers['x-amz-trailer'],
      });
  return pipeline(raw, check, () => {
    // Errors surface to whoever reads `check`; nothing to do here.
  });
}
