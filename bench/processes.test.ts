import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMissing, startMoto, startS3rver } from './processes.js';

test('a peer that cannot be found is reported as skipped with the reason, not thrown', async () => {
  const saved = { python: process.env.BENCH_PYTHON, s3rver: process.env.BENCH_S3RVER };
  process.env.BENCH_PYTHON = '/nonexistent/python3';
  process.env.BENCH_S3RVER = '/nonexistent/s3rver';
  try {
    const moto = await startMoto();
    const s3rver = await startS3rver();
    assert.ok(isMissing(moto) && moto.reason.includes('/nonexistent/python3 -m moto.server'));
    assert.ok(isMissing(s3rver) && s3rver.reason.includes('not installed'));
  } finally {
    for (const [k, v] of [['BENCH_PYTHON', saved.python], ['BENCH_S3RVER', saved.s3rver]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
