/**
 * A workload that leaves one of every kind of secret Coffer keeps at rest (IAM access keys, an MFA
 * seed, an STS session, KMS key material of three kinds, S3 data keys, trail signing keys), and
 * the checks that every one of them still works: shared by the backup, rotation, crash-safety and
 * secrets-scan tests, and the soak bench.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateMacCommand, KMSClient, SignCommand, VerifyCommand, VerifyMacCommand } from '@aws-sdk/client-kms';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand,
  S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';

export interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Where a server listens and who calls it. */
export interface Endpoint { url: string; region: string; accessKeyId: string; secretAccessKey: string }

export interface Clients { s3: S3Client; kms: KMSClient; iam: IAMClient; sts: STSClient }

/** SDK clients for `url` as `creds` (the endpoint's root by default); `maxAttempts: 1` unless told. */
export function clientsFor(ep: Endpoint, creds: Creds = ep, maxAttempts = 1): Clients {
  const common = { endpoint: ep.url, region: ep.region, credentials: creds, maxAttempts };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), kms: new KMSClient(common), iam: new IAMClient(common), sts: new STSClient(common) };
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 seed, as an authenticator app computes it. */
export function totp(seedBase32: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of seedBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1]! & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** What `populate` made, and every secret it handed out or put in (for the secrets scan). */
export interface Fixture {
  bucket: string;
  /** Key -> SHA-256 of the body. */
  objects: Map<string, string>;
  /** Objects under SSE-C (customer key, base64), SSE-KMS and DSSE-KMS: key -> SHA-256. */
  encrypted: Array<{ key: string; digest: string; customerKey?: string }>;
  ciphertexts: Array<{ blob: Uint8Array; plaintext: string }>;
  mac: { keyId: string; message: string; mac: Uint8Array };
  signature: { keyId: string; message: string; signature: Uint8Array };
  user: { arn: string; creds: Creds; mfaSerial: string; mfaSeed: string };
  session: { arn: string; creds: Creds };
  /** Every secret value the workload used: none may appear in logs, the trail or the data dir. */
  secrets: string[];
}

/** `size` bytes of a recognizable secret marker, repeated: a plaintext copy at rest would be found. */
function secretBody(marker: string, size: number): Buffer {
  return Buffer.alloc(size, `${marker}|`);
}

/** Creates the fixture through `ep` as its root (`objects` S3 objects plus one multipart object). */
export async function populate(ep: Endpoint, opts: { objects?: number } = {}): Promise<Fixture> {
  const c = clientsFor(ep, ep, 3);
  const tag = randomBytes(4).toString('hex');
  const secrets: string[] = [ep.secretAccessKey];
  const bucket = `workload-${tag}`;
  await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const objects = new Map<string, string>();
  const sizes = [0, 1, 1000, 64 * 1024 - 1, 64 * 1024 + 1, 300 * 1024];
  for (let i = 0; i < (opts.objects ?? 12); i++) {
    const key = i % 3 === 0 ? `dir/odd key ${i} é+%.txt` : `obj-${i}`;
    const marker = `coffer-body-secret-${tag}-${i}-${randomBytes(6).toString('hex')}`;
    secrets.push(marker);
    const body = secretBody(marker, sizes[i % sizes.length]!);
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    objects.set(key, sha256(body));
  }
  await multipart(c.s3, bucket, `multipart-${tag}`, objects, secrets);

  const sym = (await c.kms.send(new CreateKeyCommand({ Description: 'workload' }))).KeyMetadata!.KeyId!;
  const encrypted: Fixture['encrypted'] = [];
  // New buckets refuse SSE-C (as AWS's do since April 2026) until their encryption settings allow it.
  await c.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } }));
  for (const mode of ['sse-c', 'aws:kms', 'aws:kms:dsse'] as const) {
    const key = `encrypted-${mode.replace(/:/g, '-')}`;
    const marker = `coffer-${mode}-secret-${randomBytes(6).toString('hex')}`;
    secrets.push(marker);
    const body = secretBody(marker, 70 * 1024);
    const customerKey = mode === 'sse-c' ? randomBytes(32).toString('base64') : undefined;
    if (customerKey) secrets.push(customerKey);
    await c.s3.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: body,
      ...(customerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey } : { ServerSideEncryption: mode as 'aws:kms' | 'aws:kms:dsse', SSEKMSKeyId: sym }),
    }));
    encrypted.push({ key, digest: sha256(body), customerKey });
  }
  const ciphertexts: Fixture['ciphertexts'] = [];
  for (let i = 0; i < 3; i++) {
    const plaintext = `kms-plaintext-${tag}-${i}-${randomBytes(8).toString('hex')}`;
    secrets.push(plaintext);
    const out = await c.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from(plaintext), EncryptionContext: { purpose: 'workload' } }));
    ciphertexts.push({ blob: out.CiphertextBlob!, plaintext });
  }
  const dataKey = await c.kms.send(new GenerateDataKeyCommand({ KeyId: sym, KeySpec: 'AES_256' }));
  secrets.push(Buffer.from(dataKey.Plaintext!).toString('base64'));
  const hmacKey = (await c.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
  const macMessage = `mac-message-${tag}`;
  const mac = (await c.kms.send(new GenerateMacCommand({ KeyId: hmacKey, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(macMessage) }))).Mac!;
  const rsaKey = (await c.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
  const signMessage = `sign-message-${tag}`;
  const signature = (await c.kms.send(new SignCommand({ KeyId: rsaKey, Message: Buffer.from(signMessage), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }))).Signature!;

  const userName = `worker-${tag}`;
  const user = (await c.iam.send(new CreateUserCommand({ UserName: userName }))).User!;
  const key = (await c.iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
  secrets.push(key.SecretAccessKey!);
  const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
  await c.iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'assume', PolicyDocument: allow('sts:AssumeRole') }));
  const device = (await c.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${userName}-phone` }))).VirtualMFADevice!;
  const seed = Buffer.from(device.Base32StringSeed!).toString('utf8');
  secrets.push(seed);
  const step = Math.floor(Date.now() / 30_000);
  await c.iam.send(new EnableMFADeviceCommand({ UserName: userName, SerialNumber: device.SerialNumber!, AuthenticationCode1: totp(seed, step - 2), AuthenticationCode2: totp(seed, step - 1) }));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: user.Arn }, Action: 'sts:AssumeRole' }] });
  await c.iam.send(new CreateRoleCommand({ RoleName: `role-${tag}`, AssumeRolePolicyDocument: trust }));
  const userCreds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const sts = clientsFor(ep, userCreds, 3).sts;
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${user.Arn!.split(':')[4]}:role/role-${tag}`, RoleSessionName: 'workload', DurationSeconds: 3600 }));
  const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
  secrets.push(session.secretAccessKey, session.sessionToken);

  return {
    bucket, objects, encrypted, ciphertexts,
    mac: { keyId: hmacKey, message: macMessage, mac },
    signature: { keyId: rsaKey, message: signMessage, signature },
    user: { arn: user.Arn!, creds: userCreds, mfaSerial: device.SerialNumber!, mfaSeed: seed },
    session: { arn: assumed.AssumedRoleUser!.Arn!, creds: session },
    secrets,
  };
}

/** A two-part multipart object (first part 5 MiB, S3's minimum), if the server has multipart uploads. */
async function multipart(s3: S3Client, bucket: string, key: string, objects: Map<string, string>, secrets: string[]): Promise<void> {
  const marker = `coffer-multipart-secret-${randomBytes(6).toString('hex')}`;
  secrets.push(marker);
  const parts = [secretBody(marker, 5 * 1024 * 1024), secretBody(marker, 70 * 1024)];
  let uploadId: string | undefined;
  try {
    uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
  } catch (err) {
    if ((err as Error).name === 'NotImplemented') return;
    throw err;
  }
  try {
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body }))).ETag!);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    objects.set(key, sha256(Buffer.concat(parts)));
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}

/** Reads an object whole (small test objects only). */
export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/**
 * Proves every secret of the fixture still works through `ep`: bodies decrypt to their checksums,
 * ciphertexts decrypt, the MAC and signature verify, the user's key and the role session sign
 * requests, and (`mfa`) the MFA seed checks a fresh code. A code is accepted once per 30-second
 * step: check `mfa` once per server state.
 */
export async function verifyFixture(ep: Endpoint, f: Fixture, opts: { mfa?: boolean } = {}): Promise<void> {
  const c = clientsFor(ep, ep, 3);
  for (const [key, digest] of f.objects) {
    const got = sha256(await getBytes(c.s3, f.bucket, key));
    if (got !== digest) throw new Error(`object ${key}: body differs after the operation`);
  }
  for (const { key, digest, customerKey } of f.encrypted) {
    const sse = customerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey } : {};
    const out = await c.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: key, ...sse }));
    if (sha256(Buffer.from(await out.Body!.transformToByteArray())) !== digest) throw new Error(`object ${key}: body differs after the operation`);
  }
  for (const { blob, plaintext } of f.ciphertexts) {
    const out = await c.kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: 'workload' } }));
    if (Buffer.from(out.Plaintext!).toString() !== plaintext) throw new Error('a ciphertext decrypted to something else');
  }
  const mac = await c.kms.send(new VerifyMacCommand({ KeyId: f.mac.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(f.mac.message), Mac: f.mac.mac }));
  if (!mac.MacValid) throw new Error('the MAC no longer verifies');
  const sig = await c.kms.send(new VerifyCommand({ KeyId: f.signature.keyId, Message: Buffer.from(f.signature.message), Signature: f.signature.signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
  if (!sig.SignatureValid) throw new Error('the signature no longer verifies');
  const me = await clientsFor(ep, f.user.creds).sts.send(new GetCallerIdentityCommand({}));
  if (me.Arn !== f.user.arn) throw new Error(`the user's key signs as ${me.Arn}`);
  const role = await clientsFor(ep, f.session.creds).sts.send(new GetCallerIdentityCommand({}));
  if (role.Arn !== f.session.arn) throw new Error(`the role session signs as ${role.Arn}`);
  if (opts.mfa) {
    const code = totp(f.user.mfaSeed, Math.floor(Date.now() / 30_000));
    await clientsFor(ep, f.user.creds).sts.send(new GetSessionTokenCommand({ SerialNumber: f.user.mfaSerial, TokenCode: code, DurationSeconds: 900 }));
  }
}
