import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { randomBytes } from 'node:crypto';
import { startServer, type TestServer } from '../test/harness.js';
import { startPostgres, type TestPostgres } from '../test/postgres.js';
import { medianOf3, runLoad, type LoadResult, type PreparedRequest } from './load.js';

/**
 * Cluster mode's cost and scaling, in one run on this machine: KMS Encrypt (256 B) and S3 PUT and
 * GET of 4 KiB objects against
 *
 *   sqlite   one node, embedded SQLite + local files (the default deployment)
 *   pg       one node, PostgreSQL + local files: the price of the database alone
 *   cluster  one node, PostgreSQL + an S3 blob store (a second Coffer): the whole cluster stack
 *   2 nodes  two nodes on that PostgreSQL and blob store, requests alternating between them
 *
 * Rows compare pg and cluster with sqlite, and two nodes with one. Wiring into bench/run.ts:
 *
 *   if (ONLY.has('cluster')) {
 *     const cluster = await clusterScenarios({ seconds: SECONDS });
 *     lines.push(...clusterReportLines(cluster));
 *   }
 *
 * (the rows have run.ts's `Row` shape, so they may also join its main table). PostgreSQL's server
 * binaries must be installed (scripts/setup-test.sh), as for the cluster tests.
 */

export interface ClusterBenchOptions {
  /** Length of each run (every figure is the median of three). */
  seconds: number;
  /** Concurrent clients (default 32). */
  concurrency?: number;
}

/** One row of the bench report, as bench/run.ts writes them: `coffer` measured against `reference`. */
export interface ClusterBenchRow {
  scenario: string;
  concurrency: number;
  coffer: LoadResult;
  reference: LoadResult;
  ratio: number;
}

interface Stack {
  name: string;
  nodes: TestServer[];
  keyArn: string;
}

const BUCKET = 'bench-cluster';
const REGION = 'us-east-1';
const quiet = { COFFER_LOG_LEVEL: 'warn' };

async function prepareStack(name: string, nodes: TestServer[]): Promise<Stack> {
  const first = nodes[0]!;
  const credentials = { accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey };
  const kms = new KMSClient({ endpoint: first.url, region: REGION, credentials });
  const s3 = new S3Client({ endpoint: first.url, region: REGION, forcePathStyle: true, credentials });
  try {
    const keyArn = (await kms.send(new CreateKeyCommand({ Description: 'bench cluster' }))).KeyMetadata!.Arn!;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'get-4k', Body: randomBytes(4096) }));
    return { name, nodes, keyArn };
  } finally {
    kms.destroy();
    s3.destroy();
  }
}

type Operation = 'encrypt' | 'put' | 'get';

/** Signed requests for `op`, alternating between the stack's nodes (all accept the first node's key). */
function requests(stack: Stack, op: Operation): () => Promise<PreparedRequest> {
  const first = stack.nodes[0]!;
  const credentials = { accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey };
  const kmsSigner = new SignatureV4({ service: 'kms', region: REGION, sha256: Sha256, credentials });
  const s3Signer = new SignatureV4({ service: 's3', region: REGION, sha256: Sha256, credentials, uriEscapePath: false, applyChecksum: false });
  const encryptBody = Buffer.from(JSON.stringify({ KeyId: stack.keyArn, Plaintext: randomBytes(256).toString('base64') }));
  const object = randomBytes(4096);
  let turn = 0;
  return async () => {
    const base = new URL(stack.nodes[turn++ % stack.nodes.length]!.url);
    const common = { protocol: 'http:', hostname: base.hostname, port: Number(base.port) };
    if (op === 'encrypt') {
      const signed = await kmsSigner.sign(new HttpRequest({
        ...common, method: 'POST', path: '/', body: encryptBody,
        headers: { host: base.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' },
      }));
      return { url: `${base.origin}/`, method: 'POST', headers: signed.headers as Record<string, string>, body: encryptBody };
    }
    // PUTs spread over many keys, as real traffic does (one hot key would only measure its lock).
    const path = op === 'put' ? `/${BUCKET}/put-${turn % 1000}` : `/${BUCKET}/get-4k`;
    const headers: Record<string, string> = { host: base.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    if (op === 'put') headers['content-length'] = String(object.length);
    const signed = await s3Signer.sign(new HttpRequest({ ...common, method: op === 'put' ? 'PUT' : 'GET', path, headers }));
    return { url: `${base.origin}${path}`, method: op === 'put' ? 'PUT' : 'GET', headers: signed.headers as Record<string, string>, body: op === 'put' ? object : undefined };
  };
}

async function measure(stack: Stack, op: Operation, concurrency: number, seconds: number): Promise<LoadResult> {
  const result = await medianOf3(() => runLoad(requests(stack, op), concurrency, seconds));
  if (result.errors > 0) throw new Error(`cluster bench ${stack.name} ${op}: ${result.errors} requests failed`);
  return result;
}

/** Starts every stack, runs the scenarios, stops everything; the caller writes the report. */
export async function clusterScenarios(o: ClusterBenchOptions): Promise<ClusterBenchRow[]> {
  const concurrency = o.concurrency ?? 32;
  const started: TestServer[] = [];
  let postgres: TestPostgres | undefined;
  const start = async (env: Record<string, string>) => {
    const server = await startServer({ backend: 'embedded', env: { ...quiet, ...env } });
    started.push(server);
    return server;
  };
  try {
    postgres = await startPostgres();
    const blobStore = await start({});
    const blobsS3 = new S3Client({ endpoint: blobStore.url, region: REGION, forcePathStyle: true,
      credentials: { accessKeyId: blobStore.accessKeyId, secretAccessKey: blobStore.secretAccessKey } });
    await blobsS3.send(new CreateBucketCommand({ Bucket: 'bench-blobs' }));
    blobsS3.destroy();
    const rootKey = randomBytes(32).toString('hex');
    const pgOnly = { COFFER_DATABASE_URL: await postgres.createDatabase(), COFFER_ROOT_KEY: rootKey };
    const cluster = {
      COFFER_DATABASE_URL: await postgres.createDatabase(), COFFER_ROOT_KEY: rootKey,
      COFFER_BLOBS_URL: `s3://bench-blobs/nodes?endpoint=${encodeURIComponent(blobStore.url)}`,
      AWS_ACCESS_KEY_ID: blobStore.accessKeyId, AWS_SECRET_ACCESS_KEY: blobStore.secretAccessKey, AWS_REGION: REGION,
    };
    const sqlite = await prepareStack('SQLite', [await start({})]);
    const pg = await prepareStack('PostgreSQL', [await start(pgOnly)]);
    const clusterA = await start(cluster);
    const one = await prepareStack('PostgreSQL + S3, 1 node', [clusterA]);
    const two: Stack = { name: 'PostgreSQL + S3, 2 nodes', nodes: [clusterA, await start(cluster)], keyArn: one.keyArn };

    const rows: ClusterBenchRow[] = [];
    const names: Record<Operation, string> = { encrypt: 'KMS Encrypt (256 B)', put: 'S3 PUT 4 KiB', get: 'S3 GET 4 KiB' };
    for (const op of ['encrypt', 'put', 'get'] as const) {
      const base = await measure(sqlite, op, concurrency, o.seconds);
      const onPg = await measure(pg, op, concurrency, o.seconds);
      const onOne = await measure(one, op, concurrency, o.seconds);
      const onTwo = await measure(two, op, concurrency, o.seconds);
      rows.push(
        { scenario: `Cluster: ${names[op]}, 1 node PostgreSQL vs 1 node SQLite`, concurrency, coffer: onPg, reference: base, ratio: onPg.opsPerSecond / base.opsPerSecond },
        { scenario: `Cluster: ${names[op]}, 1 node PostgreSQL + S3 blobs vs 1 node SQLite`, concurrency, coffer: onOne, reference: base, ratio: onOne.opsPerSecond / base.opsPerSecond },
        { scenario: `Cluster: ${names[op]}, 2 nodes vs 1 node (PostgreSQL + S3, one machine)`, concurrency, coffer: onTwo, reference: onOne, ratio: onTwo.opsPerSecond / onOne.opsPerSecond },
      );
    }
    return rows;
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await postgres?.stop();
  }
}

/**
 * How the figures carry past one machine, printed under them: every process here shares this
 * machine's cores with the load generator, the database and the blob store, so two nodes show the
 * coordination cost rather than added capacity.
 */
const SCALING = 'Every process in this run (the nodes, PostgreSQL, the backing blob store and the load generator) shares this ' +
  "machine's cores, so two nodes here measure the cost of coordinating them (shared row and advisory locks, one trail " +
  'hash chain), not added capacity. Past one machine the nodes are stateless: they scale out behind a load balancer, ' +
  'each adding its CPU for SigV4, policy evaluation and AES-GCM, until PostgreSQL\'s write rate (every request appends ' +
  'to the trail; every PUT writes a row and takes a per-key lock) or the blob store\'s bandwidth is the limit. Both ' +
  'scale on their own: a larger PostgreSQL (or a managed one) for the metadata, a distributed object store for bodies.';

/** The report's Markdown lines for these rows (bench/run.ts appends them). */
export function clusterReportLines(rows: ClusterBenchRow[]): string[] {
  const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 2);
  return [
    '', '## Cluster mode: PostgreSQL and an S3 blob store, one and two nodes', '',
    '| scenario | conc. | Coffer ops/s | p50 ms | p99 ms | reference ops/s | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.concurrency} | ${fmt(r.coffer.opsPerSecond)} | ${fmt(r.coffer.p50ms)} | ${fmt(r.coffer.p99ms)} | ${fmt(r.reference.opsPerSecond)} | ${(r.ratio * 100).toFixed(0)}% |`),
    '', SCALING,
  ];
}
