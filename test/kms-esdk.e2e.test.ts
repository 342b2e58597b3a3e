/**
 * The AWS Encryption SDK for JavaScript (@aws-crypto/client-node) against Coffer's KMS: its KMS
 * keyring (pointed at Coffer through a client provider with endpoint and credentials) encrypts a
 * stream under an alias generator and a second key ARN, and decrypts it with either key, with a
 * discovery keyring, and, for a multi-Region key, with the multi-Region-aware keyring in the
 * replica's Region. The SDK checks that Decrypt answers with exactly the key ARN that
 * GenerateDataKey returned, so these calls fail if Coffer names keys any other way.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  AlgorithmSuiteIdentifier, AwsKmsMrkAwareSymmetricDiscoveryKeyringNode, AwsKmsMrkAwareSymmetricKeyringNode, buildClient, CommitmentPolicy, getClient, KMS,
  KmsKeyringNode, type KeyringNode,
} from '@aws-crypto/client-node';
import { startServer, type TestServer } from './harness.js';

const { encryptStream, decryptUnsignedMessageStream, decryptStream } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const MiB = 1024 * 1024;

/** A readable of `size` random bytes in 64 KiB pieces, hashing what it hands out. */
function randomStream(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let left = size;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(64 * 1024, left));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

/** Decrypts a message with a keyring, as a stream; the plaintext's hash and the message header. */
async function decryptWith(keyring: KeyringNode, message: Buffer, unsigned = false): Promise<{ digest: string; header: any }> {
  const stream = unsigned ? decryptUnsignedMessageStream(keyring) : decryptStream(keyring);
  let header: any;
  stream.once('MessageHeader', (h: unknown) => (header = h));
  Readable.from([message.subarray(0, 1000), message.subarray(1000)]).pipe(stream);
  const plaintext = await collect(stream);
  return { digest: createHash('sha256').update(plaintext).digest('hex'), header };
}

describe('AWS Encryption SDK KMS keyring against Coffer', () => {
  let server: TestServer;
  let account: string;
  let generatorArn: string;
  let secondArn: string;
  const config = (region: string) => ({ endpoint: server.url, region, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  const clientProvider = (region = 'us-east-1') => getClient(KMS, config(region));

  before(async () => {
    server = await startServer();
    const kms = new KMS(config('us-east-1'));
    const generator = (await kms.createKey({ Description: 'esdk generator' })).KeyMetadata!;
    account = generator.AWSAccountId!;
    generatorArn = generator.Arn!;
    await kms.createAlias({ AliasName: 'alias/esdk-generator', TargetKeyId: generator.KeyId });
    secondArn = (await kms.createKey({ Description: 'esdk second key' })).KeyMetadata!.Arn!;
  });
  after(() => server.stop());

  it('encrypts a stream under an alias generator and a second key; each key, and discovery, decrypt it', async () => {
    const encryptKeyring = new KmsKeyringNode({ generatorKeyId: 'alias/esdk-generator', keyIds: [secondArn], clientProvider: clientProvider() });
    const source = randomStream(3 * MiB + 17);
    const context = { purpose: 'coffer-esdk-test', tenant: 'acme' };
    const message = await collect(source.stream.pipe(encryptStream(encryptKeyring, { encryptionContext: context, frameLength: 64 * 1024 })));
    const digest = source.digest();
    assert.ok(message.length > 3 * MiB);

    const viaGenerator = await decryptWith(new KmsKeyringNode({ keyIds: [generatorArn], clientProvider: clientProvider() }), message);
    assert.equal(viaGenerator.digest, digest);
    assert.deepEqual(viaGenerator.header.encryptedDataKeys.map((edk: any) => [edk.providerId, edk.providerInfo]), [['aws-kms', generatorArn], ['aws-kms', secondArn]]);
    for (const [k, v] of Object.entries(context)) assert.equal(viaGenerator.header.encryptionContext[k], v);

    assert.equal((await decryptWith(new KmsKeyringNode({ keyIds: [secondArn], clientProvider: clientProvider() }), message)).digest, digest);
    const discovery = new KmsKeyringNode({ discovery: true, discoveryFilter: { accountIDs: [account], partition: 'aws' }, clientProvider: clientProvider() });
    assert.equal((await decryptWith(discovery, message)).digest, digest);
    // A keyring that knows neither key cannot decrypt it.
    const stranger = new KmsKeyringNode({ discovery: true, discoveryFilter: { accountIDs: ['000000000000'], partition: 'aws' }, clientProvider: clientProvider() });
    await assert.rejects(decryptWith(stranger, message));
  });

  it('the multi-Region-aware keyring decrypts in the replica\'s Region what the primary encrypted', async () => {
    const east = new KMS(config('us-east-1'));
    const primary = (await east.createKey({ MultiRegion: true, Description: 'esdk mrk' })).KeyMetadata!;
    const replicaArn = (await east.replicateKey({ KeyId: primary.KeyId, ReplicaRegion: 'eu-central-1' })).ReplicaKeyMetadata!.Arn!;
    const source = randomStream(200 * 1024);
    const message = await collect(source.stream.pipe(encryptStream(new KmsKeyringNode({ generatorKeyId: primary.Arn, clientProvider: clientProvider() }), { encryptionContext: { mrk: 'yes' } })));
    const digest = source.digest();
    const west = new KMS(config('eu-central-1'));
    const inReplicaRegion = new AwsKmsMrkAwareSymmetricKeyringNode({ keyId: replicaArn, client: west });
    assert.equal((await decryptWith(inReplicaRegion, message)).digest, digest);
    const mrkDiscovery = new AwsKmsMrkAwareSymmetricDiscoveryKeyringNode({ client: west, discoveryFilter: { accountIDs: [account], partition: 'aws' } });
    assert.equal((await decryptWith(mrkDiscovery, message)).digest, digest);
  });

  it('an unsigned algorithm suite decrypts through the unsigned-only stream', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: generatorArn, clientProvider: clientProvider() });
    const source = randomStream(100 * 1024);
    const message = await collect(source.stream.pipe(encryptStream(keyring, { suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY })));
    assert.equal((await decryptWith(keyring, message, true)).digest, source.digest());
  });
});
