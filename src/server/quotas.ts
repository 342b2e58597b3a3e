/**
 * Request quotas and overload limits the gateway applies before invoking a provider.
 *
 * ## KMS cryptographic request quotas
 * AWS KMS throttles cryptographic operations per account and Region against shared quotas
 * (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html):
 *
 * | quota                        | operations                                                        | default/s |
 * |------------------------------|-------------------------------------------------------------------|-----------|
 * | symmetric (COFFER_KMS_CRYPTO_RPS) | Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateMac, GenerateRandom, ReEncrypt, VerifyMac | 5,500 |
 * | asymmetric (COFFER_KMS_ASYMMETRIC_RPS) | Sign, Verify, GenerateDataKeyPair(WithoutPlaintext), DeriveSharedSecret | 500 |
 *
 * Each (account, Region, quota) has a token bucket holding one second's worth of requests and
 * refilling continuously; a request finding it empty gets `ThrottlingException` "Rate exceeded"
 * (HTTP 400, as KMS answers; SDKs retry it with backoff). The gateway does not know a key's type,
 * so Encrypt/Decrypt with an RSA key count against the symmetric quota (AWS counts them against
 * the RSA one). Buckets live in the process: in cluster mode each node enforces the quota on its
 * own. 0 turns a quota off.
 *
 * ## S3 overload
 * At most COFFER_S3_MAX_INFLIGHT (default 256) S3 requests are in flight at once: each may hold a
 * request or response body stream and its encryption buffers, so this bounds memory and file
 * descriptors. One more is refused at once with `503 SlowDown` "Please reduce your request rate.",
 * which S3 clients retry with backoff.
 */
import { AwsError } from '../errors.js';

export interface LimitsConfig {
  kmsCryptoRps: number;
  kmsAsymmetricRps: number;
  s3MaxInflight: number;
}

/** Limits from COFFER_KMS_CRYPTO_RPS, COFFER_KMS_ASYMMETRIC_RPS, COFFER_S3_MAX_INFLIGHT. */
export function limitsFrom(env: NodeJS.ProcessEnv): LimitsConfig {
  return {
    kmsCryptoRps: setting(env, 'COFFER_KMS_CRYPTO_RPS', 5_500),
    kmsAsymmetricRps: setting(env, 'COFFER_KMS_ASYMMETRIC_RPS', 500),
    s3MaxInflight: setting(env, 'COFFER_S3_MAX_INFLIGHT', 256),
  };
}

function setting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, not ${JSON.stringify(value)}`);
  return n;
}

const SYMMETRIC = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GenerateRandom', 'ReEncrypt', 'VerifyMac']);
const ASYMMETRIC = new Set(['Sign', 'Verify', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'DeriveSharedSecret']);

/** Idle buckets are dropped once there are more than this many (Regions are caller-chosen strings). */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export function throttled(): AwsError {
  return new AwsError('ThrottlingException', 'Rate exceeded', { status: 400 });
}

export function slowDown(): AwsError {
  return new AwsError('SlowDown', 'Please reduce your request rate.', { status: 503 });
}

/** The gateway's quotas and limits; one per process. */
export class RequestLimits {
  private readonly buckets = new Map<string, Bucket>();
  private s3InFlight = 0;

  constructor(private readonly config: LimitsConfig, private readonly now: () => number = () => performance.now()) {}

  /** Takes one request from the caller's KMS quota, or throws ThrottlingException. Other calls pass. */
  charge(service: string, operation: string, accountId: string, region: string): void {
    if (service !== 'kms') return;
    const [quota, rate] = SYMMETRIC.has(operation) ? ['symmetric', this.config.kmsCryptoRps]
      : ASYMMETRIC.has(operation) ? ['asymmetric', this.config.kmsAsymmetricRps] : [undefined, 0];
    if (!quota || rate <= 0) return;
    const key = `${accountId}\n${region}\n${quota}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.dropIdle(now);
      // Still full (a flood of fresh Regions): the oldest goes, so memory stays bounded.
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: rate, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens < 1) throw throttled();
    bucket.tokens -= 1;
  }

  /**
   * Admits one S3 request, or throws SlowDown when too many are in flight. The returned function
   * releases it (call it once the response has been written).
   */
  enterS3(): () => void {
    const max = this.config.s3MaxInflight;
    if (max <= 0) return () => undefined;
    if (this.s3InFlight >= max) throw slowDown();
    this.s3InFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.s3InFlight--;
    };
  }

  /** S3 requests in flight (tests and the soak bench watch it return to 0). */
  get s3Active(): number {
    return this.s3InFlight;
  }

  /** Buckets a second or more idle are full again: forgetting them changes nothing. */
  private dropIdle(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= 1000) this.buckets.delete(key);
  }
}
