import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicRandom, secretRandom } from './random-pool.js';

for (const [name, draw] of [['publicRandom', publicRandom], ['secretRandom', secretRandom]] as const) {
  test(`${name}: exact sizes, and no byte handed out twice across pool refills`, () => {
    const seen = new Set<string>();
    let total = 0;
    for (let i = 0; total < 64 * 1024; i++) {
      const size = 1 + (i % 61);
      const bytes = draw(size);
      assert.equal(bytes.length, size);
      if (size >= 12) seen.add(bytes.toString('hex'));
      total += size;
    }
    const drawn = [...seen];
    assert.equal(new Set(drawn).size, drawn.length);
    // A draw longer than the pool comes straight from the CSPRNG.
    const big = draw(10_000);
    assert.equal(big.length, 10_000);
    assert.notDeepEqual(big.subarray(0, 5000), big.subarray(5000));
  });
}

test('secretRandom: each key in memory of its own, so that wiping it touches nothing else', () => {
  const key = secretRandom(32);
  assert.equal(key.byteOffset, 0);
  assert.equal(key.buffer.byteLength, 32);
});
