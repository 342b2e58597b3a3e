/**
 * What the SSE end-to-end tests share: SDK v3 clients for a test server, SSE-C keys, body
 * helpers, and the trail's KMS events (LookupEvents).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TestServer } from './harness.js';

export interface Clients {
  s3: S3Client;
  kms: KMSClient;
  iam: IAMClient;
  trail: CloudTrailClient;
}

type Credentials = { accessKeyId: string; secretAccessKey: string };

/** SDK v3 clients for `server` (or `endpoint`), as its root unless `credentials` say otherwise. */
export function clientsFor(server: TestServer, opts: { credentials?: Credentials; endpoint?: string } = {}): Clients {
  const credentials = opts.credentials ?? { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  const endpoint = opts.endpoint ?? server.url;
  // The self-signed certificate of the TLS listener is trusted explicitly, as a client would.
  const requestHandler = endpoint.startsWith('https:') ? new NodeHttpHandler({ httpsAgent: new Agent({ rejectUnauthorized: false }) }) : undefined;
  const common = { endpoint, region: server.region, credentials, requestHandler };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    kms: new KMSClient(common),
    iam: new IAMClient(common),
    trail: new CloudTrailClient(common),
  };
}

export function destroyAll(c: Clients): void {
  for (const client of Object.values(c)) client.destroy();
}

/** A customer key for SSE-C, with the base64 forms the headers carry. */
export function customerKey(): { raw: Buffer; b64: string; md5: string } {
  const raw = randomBytes(32);
  return { raw, b64: raw.toString('base64'), md5: createHash('md5').update(raw).digest('base64') };
}

/** SDK v3 members for an SSE-C key. */
export function sseC(key: { b64: string }): { SSECustomerAlgorithm: string; SSECustomerKey: string } {
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.b64 };
}

export async function newKmsKey(kms: KMSClient, description = 'sse test'): Promise<{ arn: string; id: string }> {
  const meta = (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!;
  return { arn: meta.Arn!, id: meta.KeyId! };
}

export async function bytesOf(body: unknown): Promise<Buffer> {
  return Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** The S3 error a promise rejects with: code, HTTP status and message. */
export async function s3Error(p: Promise<unknown>): Promise<{ code: string; status: number; message: string; raw: S3ServiceException }> {
  try {
    await p;
  } catch (err) {
    const e = err as S3ServiceException & { Code?: string };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode ?? 0, message: e.message, raw: e };
  }
  throw new Error('expected the request to fail');
}

/** A trail event as LookupEvents returns it (the CloudTrail JSON). */
export interface TrailEvent {
  eventName: string;
  eventSource: string;
  sourceIPAddress: string;
  userAgent: string;
  userIdentity: { type: string; arn?: string; invokedBy?: string };
  requestParameters?: { keyId?: string; encryptionContext?: Record<string, string> } | null;
  resources?: Array<{ ARN: string }>;
}

/**
 * Every trail event named `eventName` (newest first) that S3 made for an object of `bucket`: its
 * encryption context names the bucket (bucket keys) or an object in it.
 */
export async function kmsEventsFor(trail: CloudTrailClient, eventName: string, bucket: string): Promise<TrailEvent[]> {
  const out: TrailEvent[] = [];
  let NextToken: string | undefined;
  do {
    const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], NextToken, MaxResults: 50 }));
    for (const e of page.Events ?? []) {
      const event = JSON.parse(e.CloudTrailEvent!) as TrailEvent;
      const arn = event.requestParameters?.encryptionContext?.['aws:s3:arn'] ?? '';
      if (arn === `arn:aws:s3:::${bucket}` || arn.startsWith(`arn:aws:s3:::${bucket}/`)) out.push(event);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}
