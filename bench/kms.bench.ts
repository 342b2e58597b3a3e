import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { interleavedMediansOf3, runLoad, type LoadResult } from './load.js';
import { kmsRequest, signerFor, type Target } from './signing.js';

/**
 * KMS request rates: Encrypt, Decrypt, GenerateDataKey (symmetric key) and Sign (ECC_NIST_P256),
 * each at concurrency 1 and 32, against Coffer, against moto (when it runs here) with the same
 * requests, and against the echo server (the same signed Encrypt request, measured once per
 * concurrency: the echo server does not look at the body). Every request is signed afresh in the
 * load generator, so SigV4 verification is part of what Coffer is measured on. The target:
 * Encrypt at concurrency 32 >= 40% of the echo server's requests per second.
 */

export interface KmsBenchOptions {
  coffer: Target;
  echo: Target;
  /** Peers that speak KMS (moto); optional. */
  peers?: Array<Target & { name: string }>;
  /** Length of each run (every figure is the median of three). */
  seconds: number;
  /** Only these operations (default all four). */
  operations?: string[];
  concurrencies?: number[];
  region?: string;
}

/** One reference a Coffer figure is compared with. */
export interface Reference {
  name: string;
  result: LoadResult;
  /** Coffer ops/s divided by the reference's. */
  ratio: number;
}

/** One row of the report: Coffer's figure and its references, as bench/run.ts writes them. */
export interface BenchRow {
  scenario: string;
  concurrency: number;
  coffer: LoadResult;
  references: Reference[];
}

interface Scenario { name: string; operation: string; body: Buffer }

/** Creates the keys and the ciphertext the scenarios use on `target`; returns each operation's body. */
async function prepare(target: Target, region: string): Promise<Scenario[]> {
  const kms = new KMSClient({ endpoint: target.url, region, credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey } });
  try {
    const symmetric = (await kms.send(new CreateKeyCommand({ Description: 'bench symmetric' }))).KeyMetadata!.Arn!;
    const ecc = (await kms.send(new CreateKeyCommand({ Description: 'bench signing', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
    const plaintext = Buffer.alloc(256, 7);
    const context = { bench: 'kms' };
    const blob = (await kms.send(new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext, EncryptionContext: context }))).CiphertextBlob!;
    const json = (o: object) => Buffer.from(JSON.stringify(o));
    return [
      { name: 'Encrypt (256 B, SYMMETRIC_DEFAULT)', operation: 'Encrypt', body: json({ KeyId: symmetric, Plaintext: plaintext.toString('base64'), EncryptionContext: context }) },
      { name: 'Decrypt (256 B, SYMMETRIC_DEFAULT)', operation: 'Decrypt', body: json({ CiphertextBlob: Buffer.from(blob).toString('base64'), EncryptionContext: context }) },
      { name: 'GenerateDataKey (AES_256)', operation: 'GenerateDataKey', body: json({ KeyId: symmetric, KeySpec: 'AES_256', EncryptionContext: context }) },
      { name: 'Sign (ECC_NIST_P256, ECDSA_SHA_256, RAW)', operation: 'Sign', body: json({ KeyId: ecc, Message: Buffer.alloc(64, 1).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' }) },
    ];
  } finally {
    kms.destroy();
  }
}

/** One load run of `scenario` against `target`. */
function loadRun(target: Target, scenario: Scenario, concurrency: number, seconds: number, region: string): () => Promise<LoadResult> {
  const signer = signerFor(target, 'kms', region);
  return () => runLoad(() => kmsRequest(signer, target.url, scenario.operation, scenario.body), concurrency, seconds);
}

async function warmUp(target: Target, scenario: Scenario, region: string): Promise<void> {
  await loadRun(target, scenario, 32, 0.5, region)();
}

function checked(result: LoadResult, name: string, scenario: Scenario): LoadResult {
  if (result.errors > 0) throw new Error(`KMS ${scenario.operation} on ${name}: ${result.errors} of ${result.ops} requests failed`);
  return result;
}

/** Runs the KMS scenarios; the caller starts Coffer, the echo server and the peers and writes the report. */
export async function kmsScenarios(o: KmsBenchOptions): Promise<BenchRow[]> {
  const region = o.region ?? 'us-east-1';
  const wanted = (s: Scenario) => !o.operations || o.operations.includes(s.operation);
  const scenarios = (await prepare(o.coffer, region)).filter(wanted);
  const peers = [];
  for (const peer of o.peers ?? []) peers.push({ peer, scenarios: (await prepare(peer, region)).filter(wanted) });
  // Half a second of each scenario on every server first, unmeasured: the first figure of a fresh
  // process would otherwise pay for its JIT warming up.
  for (const scenario of scenarios) await warmUp(o.coffer, scenario, region);
  for (const p of peers) for (const scenario of p.scenarios) await warmUp(p.peer, scenario, region);
  if (scenarios[0]) await warmUp(o.echo, scenarios[0], region);
  const rows: BenchRow[] = [];
  let echo: LoadResult | undefined;
  for (const concurrency of o.concurrencies ?? [1, 32]) {
    for (const [i, scenario] of scenarios.entries()) {
      // The echo server sees the same Encrypt request whatever the operation: measured with the first.
      const runs = [loadRun(o.coffer, scenario, concurrency, o.seconds, region), ...peers.map((p) => loadRun(p.peer, p.scenarios[i]!, concurrency, o.seconds, region))];
      if (i === 0) runs.push(loadRun(o.echo, scenario, concurrency, o.seconds, region));
      const results = await interleavedMediansOf3(runs);
      if (i === 0) echo = checked(results.pop()!, 'echo server', scenario);
      const coffer = checked(results[0]!, 'Coffer', scenario);
      const references: Reference[] = [{ name: 'echo server', result: echo!, ratio: coffer.opsPerSecond / echo!.opsPerSecond }];
      for (const [j, p] of peers.entries()) {
        const result = checked(results[j + 1]!, p.peer.name, scenario);
        references.push({ name: p.peer.name, result, ratio: coffer.opsPerSecond / result.opsPerSecond });
      }
      rows.push({ scenario: `KMS ${scenario.name}`, concurrency, coffer, references });
    }
  }
  return rows;
}

/**
 * KMS Encrypt (256 B) against two Coffers, runs interleaved, as rows of `a` with `b` as the
 * reference: the trail's cost is Coffer against a Coffer with COFFER_TRAIL_RECORDING=off.
 */
export async function kmsEncryptPair(a: Target, b: Target & { name: string }, seconds: number, concurrencies = [1, 32], region = 'us-east-1'): Promise<BenchRow[]> {
  const [onA, onB] = [(await prepare(a, region))[0]!, (await prepare(b, region))[0]!];
  await warmUp(a, onA, region);
  await warmUp(b, onB, region);
  const rows: BenchRow[] = [];
  for (const concurrency of concurrencies) {
    const [ra, rb] = await interleavedMediansOf3([loadRun(a, onA, concurrency, seconds, region), loadRun(b, onB, concurrency, seconds, region)]);
    rows.push({ scenario: `KMS ${onA.name}`, concurrency, coffer: checked(ra!, 'Coffer', onA), references: [{ name: b.name, result: checked(rb!, b.name, onB), ratio: ra!.opsPerSecond / rb!.opsPerSecond }] });
  }
  return rows;
}
