/**
 * Identifiers as AWS mints them. Unique ids are a 4-character type prefix and 17 base32
 * characters (21 in all: `AIDA...` users, `AGPA...` groups, `AROA...` roles, `ANPA...` managed
 * policies); access key ids a prefix and 16 (`AKIA...` long-term, `ASIA...` temporary).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
import { randomBytes, randomInt } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[randomInt(BASE32.length)];
  return out;
}

export type UniqueIdPrefix = 'AIDA' | 'AGPA' | 'AROA' | 'ANPA';

/** A new unique id of the given kind. */
export function newUniqueId(prefix: UniqueIdPrefix): string {
  return prefix + base32(17);
}

/** The access key id of a temporary credential. */
export function newTemporaryAccessKeyId(): string {
  return 'ASIA' + base32(16);
}

/** A session token: opaque random bytes, shown once to the caller and stored only as an HMAC. */
export function newSessionToken(): string {
  return randomBytes(96).toString('base64');
}

/** A TOTP seed for a virtual MFA device: 40 random bytes, as AWS's 64-character base32 seeds hold. */
export function newMfaSeed(): Buffer {
  return randomBytes(40);
}

/** RFC 4648 base32 (no padding): how authenticator apps take a TOTP seed. */
export function toBase32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
