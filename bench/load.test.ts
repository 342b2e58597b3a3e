import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interleavedMediansOf3, type LoadResult } from './load.js';

const result = (opsPerSecond: number): LoadResult => ({ ops: 0, seconds: 1, opsPerSecond, p50ms: 0, p99ms: 0, errors: 0, generatorCpu: 0 });

test('interleavedMediansOf3 alternates the runs and answers each one its median by ops/s', async () => {
  const order: string[] = [];
  const series = { a: [30, 10, 20], b: [5, 7, 6] };
  const run = (name: 'a' | 'b') => async () => {
    order.push(name);
    return result(series[name][order.filter((n) => n === name).length - 1]!);
  };
  const [a, b] = await interleavedMediansOf3([run('a'), run('b')]);
  assert.deepEqual(order, ['a', 'b', 'a', 'b', 'a', 'b']);
  assert.equal(a!.opsPerSecond, 20);
  assert.equal(b!.opsPerSecond, 6);
});
