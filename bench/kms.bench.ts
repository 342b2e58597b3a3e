import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';
import { medianOf3, runLoad, type LoadResult, type PreparedRequest } from './load.js';

/**
 * KMS request rates: Encrypt, Decrypt, GenerateDataKey (symmetric key) and Sign (ECC_NIST_P256),
 * each at concurrency 1 and 32, against Coffer and, with the same signed requests, against the echo
 * server measured in the same run. Every request is signed afresh in the load generator (as the STS
 * scenario does), so SigV4 verification is part of what Coffer is measured on. The target:
 * Encrypt at >= 40% of the echo server's requests per second.
 */

export interface KmsBenchOptions {
  /** Base URLs of a running Coffer and of bench/echo-server.ts. */
  cofferUrl: string;
  echoUrl: string;
  /** Credentials of Coffer's account root. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Length of each run (every figure is the median of three). */
  seconds: number;
  region?: string;
}

/** One row of the bench report, as bench/run.ts writes them. */
export interface KmsBenchRow {
  scenario: string;
  concurrency: number;
  coffer: LoadResult;
  reference: LoadResult;
  ratio: number;
}

/** Creates the keys and the ciphertext the scenarios use; returns each scenario's operation and body. */
async function prepare(o: KmsBenchOptions, region: string): Promise<Array<{ name: string; target: string; body: string }>> {
  const kms = new KMSClient({ endpoint: o.cofferUrl, region, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } });
  try {
    const symmetric = (await kms.send(new CreateKeyCommand({ Description: 'bench symmetric' }))).KeyMetadata!.Arn!;
    const ecc = (await kms.send(new CreateKeyCommand({ Description: 'bench signing', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
    const plaintext = Buffer.alloc(256, 7).toString('base64');
    const context = { bench: 'kms' };
    const blob = (await kms.send(new EncryptCommand({ KeyId: symmetric, Plaintext: Buffer.alloc(256, 7), EncryptionContext: context }))).CiphertextBlob!;
    return [
      { name: 'Encrypt (256 B, SYMMETRIC_DEFAULT)', target: 'Encrypt', body: JSON.stringify({ KeyId: symmetric, Plaintext: plaintext, EncryptionContext: context }) },
      { name: 'Decrypt (256 B, SYMMETRIC_DEFAULT)', target: 'Decrypt', body: JSON.stringify({ CiphertextBlob: Buffer.from(blob).toString('base64'), EncryptionContext: context }) },
      { name: 'GenerateDataKey (AES_256)', target: 'GenerateDataKey', body: JSON.stringify({ KeyId: symmetric, KeySpec: 'AES_256', EncryptionContext: context }) },
      { name: 'Sign (ECC_NIST_P256, ECDSA_SHA_256, RAW)', target: 'Sign', body: JSON.stringify({ KeyId: ecc, Message: Buffer.alloc(64, 1).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' }) },
    ];
  } finally {
    kms.destroy();
  }
}

/** Runs the KMS scenarios; the caller starts Coffer and the echo server and writes the report. */
export async function kmsScenarios(o: KmsBenchOptions): Promise<KmsBenchRow[]> {
  const region = o.region ?? 'us-east-1';
  const signer = new SignatureV4({ service: 'kms', region, sha256: NodeSha256, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } });
  const request = (base: string, target: string, body: string) => async (): Promise<PreparedRequest> => {
    const url = new URL(base);
    const signed = await signer.sign(new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` },
    }));
    return { url: `${base}/`, method: 'POST', headers: signed.headers as Record<string, string>, body: Buffer.from(body) };
  };
  const rows: KmsBenchRow[] = [];
  for (const scenario of await prepare(o, region)) {
    for (const concurrency of [1, 32]) {
      const coffer = await medianOf3(() => runLoad(request(o.cofferUrl, scenario.target, scenario.body), concurrency, o.seconds));
      if (coffer.errors > 0) throw new Error(`KMS ${scenario.target}: ${coffer.errors} requests failed`);
      const reference = await medianOf3(() => runLoad(request(o.echoUrl, scenario.target, scenario.body), concurrency, o.seconds));
      rows.push({ scenario: `KMS ${scenario.name} vs echo server`, concurrency, coffer, reference, ratio: coffer.opsPerSecond / reference.opsPerSecond });
    }
  }
  return rows;
}
