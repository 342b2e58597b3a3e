import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadModel, SERVICE_NAMES } from '../src/model/registry.js';
import type { Operation, ServiceModel } from '../src/model/types.js';
import { startServer, type TestServer } from './harness.js';

/** The refusal each protocol gives a request that carries no credentials at all. */
const EXPECTED: Record<string, { status: number; code: RegExp }> = {
  json: { status: 400, code: /"__type":"MissingAuthenticationTokenException"/ },
  query: { status: 403, code: /<Code>MissingAuthenticationToken<\/Code>/ },
  ec2: { status: 401, code: /<Code>AuthFailure<\/Code>|<Code>MissingAuthenticationToken<\/Code>/ },
  // Anonymous S3 reaches authorization, which refuses it: no policy allows anonymous access.
  'rest-xml': { status: 403, code: /<Code>AccessDenied<\/Code>/ },
};

/** The request a client would send for `op`, minus any signature. */
function unsignedRequest(model: ServiceModel, op: Operation, base: string): { url: string; init: RequestInit } {
  const protocol = model.metadata.protocol;
  if (protocol === 'json') {
    return {
      url: base + '/',
      init: {
        method: 'POST', body: '{}',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${op.name}` },
      },
    };
  }
  if (protocol === 'query' || protocol === 'ec2') {
    return {
      url: base + '/',
      init: {
        method: 'POST', body: `Action=${op.name}&Version=${model.metadata.apiVersion}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      },
    };
  }
  const path = op.http.requestUri
    .replace('{Bucket}', 'coffer-walk-bucket')
    .replace('{Key+}', 'some/object key.txt')
    .replace(/\{[^}]+\}/g, 'x');
  const method = op.http.method;
  return { url: base + encodeURI(path), init: { method, body: method === 'GET' || method === 'HEAD' ? undefined : '' } };
}

describe('every operation of every model is refused without credentials', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  for (const name of SERVICE_NAMES) {
    it(`${name}: all operations refused`, async () => {
      const model = loadModel(name);
      const expected = EXPECTED[model.metadata.protocol]!;
      const failures: string[] = [];
      for (const op of Object.values(model.operations)) {
        const { url, init } = unsignedRequest(model, op, server.url);
        const res = await fetch(url, init);
        const body = await res.text();
        const headOk = init.method === 'HEAD' && res.status === expected.status;
        if (res.status !== expected.status || (!headOk && !expected.code.test(body))) {
          failures.push(`${op.name}: ${res.status} ${body.slice(0, 200)}`);
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${Object.keys(model.operations).length} operations were not refused`);
    });
  }
});
