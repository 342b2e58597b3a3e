import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findStep, hotp, stepAt } from './totp.js';
import { toBase32 } from './ids.js';

// RFC 6238 Appendix B (SHA-1 seed "12345678901234567890"): the 8-digit TOTP values at each time.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238 / RFC 4226)', () => {
  for (const [time, code] of VECTORS) {
    it(`T=${time} gives ${code}`, () => {
      assert.equal(hotp(SEED, stepAt(time * 1000), 8), code);
    });
  }

  it('RFC 4226 Appendix D HOTP values (six digits)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => assert.equal(hotp(SEED, counter), code));
  });

  it('findStep finds the step of a code within the window, and only there', () => {
    const step = stepAt(1111111111 * 1000);
    const code = hotp(SEED, step);
    assert.equal(findStep(SEED, code, step - 1, step + 1), step);
    assert.equal(findStep(SEED, code, step + 1, step + 2), undefined);
    assert.equal(findStep(SEED, '000000', step - 1, step + 1), undefined);
  });

  it('base32 encodes as RFC 4648 (no padding)', () => {
    assert.equal(toBase32(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.equal(toBase32(Buffer.from('f')), 'MY');
    assert.equal(toBase32(SEED), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });
});
