/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 30-second steps, six
 * digits): what virtual MFA apps show and what EnableMFADevice / GetSessionToken / AssumeRole check.
 * The clock is the wall clock: codes come from the user's device, not from service time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const STEP_SECONDS = 30;
const DIGITS = 6;

/** The HOTP value for one counter (RFC 4226 section 5.3: dynamic truncation). */
export function hotp(seed: Buffer, counter: number, digits = DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', seed).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in. */
export function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / STEP_SECONDS);
}

/** Constant-time comparison of a submitted code with the expected one. */
function codeMatches(seed: Buffer, step: number, code: string): boolean {
  const expected = Buffer.from(hotp(seed, step));
  const given = Buffer.from(code);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The step among `from..to` (inclusive, oldest first) whose code is `code`, if any. Every
 * candidate is computed, so the time taken doesn't tell which step matched.
 */
export function findStep(seed: Buffer, code: string, from: number, to: number): number | undefined {
  let found: number | undefined;
  for (let s = from; s <= to; s++) if (codeMatches(seed, s, code) && found === undefined) found = s;
  return found;
}
