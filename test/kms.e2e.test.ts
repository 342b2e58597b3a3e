/**
 * KMS key management through the AWS SDK for JavaScript v3: key states with AWS's errors, aliases,
 * tags, key policies, listing, DryRun, last usage, and the deletion sweep driven by service time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kms';
import { startServer, type TestServer } from './harness.js';

/** Asserts a call fails with this error code and, when given, exactly this message. */
async function rejects(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, code, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('KMS key management (SDK v3)', () => {
  let server: TestServer;
  let kms: K.KMSClient;
  let account: string;
  const send = <T>(cmd: any): Promise<T> => kms.send(cmd) as Promise<T>;
  const newKey = async (input: K.CreateKeyRequest = {}) => (await kms.send(new K.CreateKeyCommand(input))).KeyMetadata!;

  before(async () => {
    server = await startServer();
    kms = new K.KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    account = (await newKey()).AWSAccountId!;
  });
  after(() => server.stop());

  it('CreateKey returns KeyMetadata as AWS does, with the default key policy', async () => {
    const meta = await newKey({ Description: 'test key 123', Tags: [{ TagKey: 't', TagValue: 'v' }] });
    assert.match(meta.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(meta.Arn, `arn:aws:kms:us-east-1:${account}:key/${meta.KeyId}`);
    assert.deepEqual({ ...meta, CreationDate: undefined, CurrentKeyMaterialId: undefined }, {
      AWSAccountId: account, KeyId: meta.KeyId, Arn: meta.Arn, CreationDate: undefined, Enabled: true, Description: 'test key 123',
      KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false, CurrentKeyMaterialId: undefined,
    });
    assert.match(meta.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(meta.CreationDate!.getTime() - Date.now()) < 60_000);
    const policy = await send<K.GetKeyPolicyResponse>(new K.GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' }));
    assert.deepEqual(JSON.parse(policy.Policy!).Statement, [{
      Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*',
    }]);
    assert.equal(policy.PolicyName, 'default');
    assert.deepEqual((await send<K.ListKeyPoliciesResponse>(new K.ListKeyPoliciesCommand({ KeyId: meta.Arn }))).PolicyNames, ['default']);
  });

  it('CreateKey validates KeySpec and KeyUsage with AWS messages', async () => {
    await rejects(newKey({ KeySpec: 'HMAC_256' }), 'ValidationException', 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
    await rejects(newKey({ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' }), 'ValidationException', 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048');
    await rejects(newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' }), 'ValidationException', 'KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256');
    await rejects(newKey({ KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' }), 'UnsupportedOperationException', 'KeySpec ML_DSA_44 is not supported in this Region');
    await rejects(newKey({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }), 'UnsupportedOperationException', 'KeySpec SM2 is not supported in this Region');
    await rejects(newKey({ KeySpec: 'NOPE' as K.KeySpec }), 'ValidationException', /^1 validation error detected: Value 'NOPE' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set/);
  });

  it('CreateKey: every backed key spec, with the algorithms AWS lists for it', async () => {
    const cases: Array<[K.KeySpec, K.KeyUsageType, Partial<K.KeyMetadata>]> = [
      ['RSA_3072', 'ENCRYPT_DECRYPT', { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] }],
      ['RSA_2048', 'SIGN_VERIFY', { SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512'] }],
      ['ECC_NIST_P384', 'SIGN_VERIFY', { SigningAlgorithms: ['ECDSA_SHA_384'] }],
      ['ECC_NIST_P521', 'KEY_AGREEMENT', { KeyAgreementAlgorithms: ['ECDH'] }],
      ['ECC_SECG_P256K1', 'SIGN_VERIFY', { SigningAlgorithms: ['ECDSA_SHA_256'] }],
      ['ECC_NIST_EDWARDS25519', 'SIGN_VERIFY', { SigningAlgorithms: ['ED25519_SHA_512'] }],
      ['HMAC_384', 'GENERATE_VERIFY_MAC', { MacAlgorithms: ['HMAC_SHA_384'] }],
    ];
    for (const [KeySpec, KeyUsage, algorithms] of cases) {
      const meta = await newKey({ KeySpec, KeyUsage });
      assert.equal(meta.KeySpec, KeySpec);
      assert.equal(meta.KeyUsage, KeyUsage);
      for (const field of ['EncryptionAlgorithms', 'SigningAlgorithms', 'MacAlgorithms', 'KeyAgreementAlgorithms'] as const) {
        assert.deepEqual(meta[field], algorithms[field], `${KeySpec} ${field}`);
      }
      assert.equal(meta.CurrentKeyMaterialId, undefined, 'only symmetric keys name their current material');
    }
  });

  it('multi-Region keys get mrk- ids and a MultiRegionConfiguration', async () => {
    const meta = await newKey({ MultiRegion: true });
    assert.match(meta.KeyId!, /^mrk-[0-9a-f]{32}$/);
    assert.equal(meta.MultiRegion, true);
    assert.deepEqual(meta.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: meta.Arn, Region: 'us-east-1' }, ReplicaKeys: [] });
  });

  it('EXTERNAL origin creates a PendingImport key without material', async () => {
    const meta = await newKey({ Origin: 'EXTERNAL' });
    assert.equal(meta.KeyState, 'PendingImport');
    assert.equal(meta.Enabled, false);
    assert.equal(meta.CurrentKeyMaterialId, undefined);
    await rejects(send(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', `${meta.Arn} is pending import.`);
    await rejects(send(new K.EnableKeyCommand({ KeyId: meta.KeyId })), 'KMSInvalidStateException', `${meta.Arn} is pending import.`);
  });

  it('NotFoundException wording for unknown, malformed and other-Region keys', async () => {
    const fake = '134f2428-cec1-4b25-a1ae-9048164dba47';
    await rejects(send(new K.DescribeKeyCommand({ KeyId: fake })), 'NotFoundException', `Key 'arn:aws:kms:us-east-1:${account}:key/${fake}' does not exist`);
    await rejects(send(new K.DescribeKeyCommand({ KeyId: 'fake-key-id' })), 'NotFoundException', "Invalid keyId 'fake-key-id'");
    await rejects(send(new K.DescribeKeyCommand({ KeyId: '134f2428cec14b25a1ae9048164dba47' })), 'NotFoundException', "Invalid keyId '134f2428cec14b25a1ae9048164dba47'");
    await rejects(send(new K.DescribeKeyCommand({ KeyId: `arn:aws:kms:eu-west-1:${account}:key/${fake}` })), 'NotFoundException', 'Invalid arn eu-west-1');
    await rejects(send(new K.DescribeKeyCommand({ KeyId: 'alias/nope' })), 'NotFoundException', `Alias arn:aws:kms:us-east-1:${account}:alias/nope is not found.`);
    // Keys are per Region: a key made in us-east-1 is not found from eu-west-1.
    const meta = await newKey();
    const west = new K.KMSClient({ endpoint: server.url, region: 'eu-west-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    await rejects(west.send(new K.DescribeKeyCommand({ KeyId: meta.KeyId })), 'NotFoundException', `Key 'arn:aws:kms:eu-west-1:${account}:key/${meta.KeyId}' does not exist`);
  });

  it('disable, enable, schedule and cancel deletion, with AWS errors in each state', async () => {
    const meta = await newKey();
    const enc = () => send(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('x') }));
    await send(new K.DisableKeyCommand({ KeyId: meta.KeyId }));
    assert.equal((await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!.KeyState, 'Disabled');
    await rejects(enc(), 'DisabledException', `${meta.Arn} is disabled.`);
    await send(new K.EnableKeyCommand({ KeyId: meta.Arn }));
    await enc();

    await rejects(send(new K.ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 6 })), 'ValidationException', 'PendingWindowInDays should be between 7 and 30, but it is 6');
    const sched = await send<K.ScheduleKeyDeletionResponse>(new K.ScheduleKeyDeletionCommand({ KeyId: meta.KeyId }));
    assert.equal(sched.PendingWindowInDays, 30);
    assert.equal(sched.KeyId, meta.Arn);
    assert.ok(Math.abs(sched.DeletionDate!.getTime() - (Date.now() + 30 * 86_400_000)) < 60_000);
    const described = (await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!;
    assert.equal(described.KeyState, 'PendingDeletion');
    assert.equal(described.DeletionDate!.getTime(), sched.DeletionDate!.getTime());
    await rejects(enc(), 'KMSInvalidStateException', `${meta.Arn} is pending deletion.`);
    await rejects(send(new K.EnableKeyCommand({ KeyId: meta.KeyId })), 'KMSInvalidStateException', `${meta.Arn} is pending deletion.`);
    await rejects(send(new K.ScheduleKeyDeletionCommand({ KeyId: meta.KeyId })), 'KMSInvalidStateException', `${meta.Arn} is pending deletion.`);
    await rejects(send(new K.TagResourceCommand({ KeyId: meta.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })), 'KMSInvalidStateException');

    assert.equal((await send<K.CancelKeyDeletionResponse>(new K.CancelKeyDeletionCommand({ KeyId: meta.KeyId }))).KeyId, meta.Arn);
    const back = (await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!;
    assert.equal(back.KeyState, 'Disabled');
    assert.equal(back.DeletionDate, undefined);
    await rejects(send(new K.CancelKeyDeletionCommand({ KeyId: meta.KeyId })), 'KMSInvalidStateException', `${meta.Arn} is not pending deletion.`);
    await send(new K.UpdateKeyDescriptionCommand({ KeyId: meta.KeyId, Description: 'renamed' }));
    assert.equal((await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!.Description, 'renamed');
  });

  it('aliases: create, use in every form, update, delete, list; alias/aws/ is reserved', async () => {
    const a = await newKey();
    const b = await newKey();
    const alias = `alias/app-${Date.now()}`;
    await send(new K.CreateAliasCommand({ AliasName: alias, TargetKeyId: a.KeyId }));
    await rejects(send(new K.CreateAliasCommand({ AliasName: alias, TargetKeyId: b.KeyId })), 'AlreadyExistsException', `An alias with the name arn:aws:kms:us-east-1:${account}:${alias} already exists`);
    await rejects(send(new K.CreateAliasCommand({ AliasName: 'app', TargetKeyId: a.KeyId })), 'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
    await rejects(send(new K.CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: a.KeyId })), 'NotAuthorizedException');
    // Key id, key ARN, alias name and alias ARN all name the key for Encrypt.
    for (const KeyId of [a.KeyId, a.Arn, alias, `arn:aws:kms:us-east-1:${account}:${alias}`]) {
      const out = await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId, Plaintext: Buffer.from('p') }));
      assert.equal(out.KeyId, a.Arn, KeyId);
    }
    // Management operations take key ids and ARNs only.
    await rejects(send(new K.EnableKeyCommand({ KeyId: alias })), 'NotFoundException', `Invalid keyId '${alias}'`);

    const listed = (await send<K.ListAliasesResponse>(new K.ListAliasesCommand({ KeyId: a.KeyId }))).Aliases!;
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.AliasName, alias);
    assert.equal(listed[0]!.AliasArn, `arn:aws:kms:us-east-1:${account}:${alias}`);
    assert.equal(listed[0]!.TargetKeyId, a.KeyId);
    assert.ok(listed[0]!.CreationDate instanceof Date);

    await send(new K.UpdateAliasCommand({ AliasName: alias, TargetKeyId: b.Arn }));
    assert.equal((await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.KeyId, b.KeyId);
    const hmac = await newKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejects(send(new K.UpdateAliasCommand({ AliasName: alias, TargetKeyId: hmac.KeyId })), 'ValidationException', /must be the same/);
    await send(new K.DeleteAliasCommand({ AliasName: alias }));
    await rejects(send(new K.DeleteAliasCommand({ AliasName: alias })), 'NotFoundException', `Alias arn:aws:kms:us-east-1:${account}:${alias} is not found.`);
  });

  it('ListAliases shows predefined AWS aliases; DescribeKey on one creates its AWS managed key', async () => {
    const before = (await send<K.ListAliasesResponse>(new K.ListAliasesCommand({ Limit: 100 }))).Aliases!;
    const s3 = before.find((x) => x.AliasName === 'alias/aws/s3')!;
    assert.deepEqual(s3, { AliasName: 'alias/aws/s3', AliasArn: `arn:aws:kms:us-east-1:${account}:alias/aws/s3` });
    const managed = (await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
    assert.equal(managed.KeyManager, 'AWS');
    assert.equal(managed.KeyState, 'Enabled');
    const again = (await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
    assert.equal(again.KeyId, managed.KeyId, 'created once');
    const after = (await send<K.ListAliasesResponse>(new K.ListAliasesCommand({ Limit: 100 }))).Aliases!;
    assert.equal(after.find((x) => x.AliasName === 'alias/aws/s3')!.TargetKeyId, managed.KeyId);
    const policy = JSON.parse((await send<K.GetKeyPolicyResponse>(new K.GetKeyPolicyCommand({ KeyId: managed.KeyId }))).Policy!);
    assert.equal(policy.Statement[0].Condition.StringEquals['kms:ViaService'], 's3.us-east-1.amazonaws.com');
  });

  it('tags: add, overwrite, list, remove, with AWS limits', async () => {
    const meta = await newKey({ Tags: [{ TagKey: 'tag1', TagValue: 'value1' }] });
    await send(new K.TagResourceCommand({ KeyId: meta.KeyId, Tags: [{ TagKey: 'tag2', TagValue: 'value2' }, { TagKey: 'tag1', TagValue: 'new' }] }));
    assert.deepEqual((await send<K.ListResourceTagsResponse>(new K.ListResourceTagsCommand({ KeyId: meta.KeyId }))).Tags,
      [{ TagKey: 'tag1', TagValue: 'new' }, { TagKey: 'tag2', TagValue: 'value2' }]);
    await send(new K.UntagResourceCommand({ KeyId: meta.KeyId, TagKeys: ['tag1'] }));
    assert.deepEqual((await send<K.ListResourceTagsResponse>(new K.ListResourceTagsCommand({ KeyId: meta.KeyId }))).Tags, [{ TagKey: 'tag2', TagValue: 'value2' }]);
    await rejects(send(new K.TagResourceCommand({ KeyId: meta.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })), 'TagException', 'Tags beginning with aws: are reserved');
    await rejects(newKey({ Tags: [{ TagKey: 'AWS:key1', TagValue: '1' }] }), 'TagException', 'Tags beginning with aws: are reserved');
    await rejects(newKey({ Tags: [{ TagKey: 'k', TagValue: '1' }, { TagKey: 'k', TagValue: '2' }] }), 'TagException', 'Duplicate tag keys');
    const many = Array.from({ length: 51 }, (_, i) => ({ TagKey: `key${i}`, TagValue: `value${i}` }));
    await rejects(newKey({ Tags: many }), 'TagException', 'Too many tags');
    await send(new K.TagResourceCommand({ KeyId: meta.KeyId, Tags: many.slice(0, 49) }));
    await rejects(send(new K.TagResourceCommand({ KeyId: meta.KeyId, Tags: many.slice(49) })), 'TagException', 'Too many tags');
    await rejects(newKey({ Tags: [{ TagKey: 'a'.repeat(129), TagValue: 'v' }] }), 'ValidationException',
      `1 validation error detected: Value '${'a'.repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`);
  });

  it('key policies: validated, lockout safety check, bypass', async () => {
    const meta = await newKey();
    const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    const root = `arn:aws:iam::${account}:root`;
    const allowAll = policy({ Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' });
    await send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default', Policy: allowAll }));
    assert.equal((await send<K.GetKeyPolicyResponse>(new K.GetKeyPolicyCommand({ KeyId: meta.KeyId }))).Policy, allowAll);

    await rejects(send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: 'not a real policy statement' })), 'MalformedPolicyDocumentException');
    await rejects(send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: policy({ Effect: 'Allow', Principal: { AWS: 'nobody' }, Action: 'kms:*', Resource: '*' }) })),
      'MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.');
    const lockout = policy({ Effect: 'Allow', Principal: { AWS: root }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' });
    await rejects(send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: lockout })),
      'MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
    await rejects(newKey({ Policy: lockout }), 'MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
    const wildcard = policy({ Effect: 'Allow', Principal: '*', Action: ['kms:Put*', 'kms:Get*'], Resource: '*' });
    await send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: wildcard }));
    await rejects(send(new K.GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'other' })), 'NotFoundException', 'No such policy exists');
    // With the check bypassed the lockout is real: the key policy no longer lets even the root manage the key.
    await send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    await rejects(send(new K.GetKeyPolicyCommand({ KeyId: meta.KeyId })), 'AccessDeniedException');
    await rejects(send(new K.PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: allowAll })), 'AccessDeniedException');
    const encrypted = await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('still usable') }));
    assert.ok(encrypted.CiphertextBlob);
  });

  it('ListKeys pages with Limit, Marker, Truncated and NextMarker', async () => {
    const all: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await send<K.ListKeysResponse>(new K.ListKeysCommand({ Limit: 2, Marker }));
      assert.ok(page.Keys!.length <= 2);
      for (const k of page.Keys!) {
        assert.equal(k.KeyArn, `arn:aws:kms:us-east-1:${account}:key/${k.KeyId}`);
        all.push(k.KeyId!);
      }
      assert.equal(page.Truncated, page.NextMarker !== undefined);
      Marker = page.NextMarker;
      pages++;
    } while (Marker);
    assert.ok(pages > 2);
    assert.equal(new Set(all).size, all.length, 'no key twice');
    const whole = (await send<K.ListKeysResponse>(new K.ListKeysCommand({}))).Keys!.map((k) => k.KeyId);
    assert.deepEqual(all, whole);
    await rejects(send(new K.ListKeysCommand({ Marker: 'bogus' })), 'InvalidMarkerException');
  });

  it('DryRun answers DryRunOperationException after every other check', async () => {
    const meta = await newKey();
    const dry = 'The request would have succeeded, but the DryRun option is set.';
    await rejects(send(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('x'), DryRun: true })), 'DryRunOperationException', dry);
    await rejects(send(new K.GenerateDataKeyPairCommand({ KeyId: meta.KeyId, KeyPairSpec: 'RSA_2048', DryRun: true })), 'DryRunOperationException', dry);
    const ct = (await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: ct, DryRun: true })), 'DryRunOperationException', dry);
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: Buffer.from('junk'), DryRun: true })), 'InvalidCiphertextException');
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: Buffer.from('junk'), KeyId: meta.KeyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })), 'DryRunOperationException', dry);
    await send(new K.DisableKeyCommand({ KeyId: meta.KeyId }));
    await rejects(send(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('x'), DryRun: true })), 'DisabledException');
  });

  it('GetKeyLastUsage reports the last successful cryptographic operation', async () => {
    const meta = await newKey();
    const before = await send<K.GetKeyLastUsageResponse>(new K.GetKeyLastUsageCommand({ KeyId: meta.KeyId }));
    assert.deepEqual(before.KeyLastUsage, {});
    assert.equal(before.KeyId, meta.Arn);
    assert.equal(before.KeyCreationDate!.getTime(), meta.CreationDate!.getTime());
    await send(new K.GenerateDataKeyCommand({ KeyId: meta.KeyId, NumberOfBytes: 16 }));
    const used = await send<K.GetKeyLastUsageResponse>(new K.GetKeyLastUsageCommand({ KeyId: meta.Arn }));
    assert.equal(used.KeyLastUsage!.Operation, 'GenerateDataKey');
    assert.ok(used.KeyLastUsage!.KmsRequestId);
    assert.ok(Math.abs(used.KeyLastUsage!.Timestamp!.getTime() - Date.now()) < 60_000);
  });

  // Moves service time: keep last.
  it('a key whose deletion window has passed is really deleted by the sweep', async () => {
    const meta = await newKey();
    const alias = 'alias/doomed';
    await send(new K.CreateAliasCommand({ AliasName: alias, TargetKeyId: meta.KeyId }));
    const ct = (await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('bye') }))).CiphertextBlob!;
    await send(new K.ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 7 }));
    await server.advanceClock(6 * 86_400);
    assert.equal((await send<K.DescribeKeyResponse>(new K.DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
    await server.advanceClock(86_400 + 60);
    await rejects(send(new K.DescribeKeyCommand({ KeyId: meta.KeyId })), 'NotFoundException', `Key '${meta.Arn}' does not exist`);
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: ct })), 'NotFoundException', `Key '${meta.Arn}' does not exist`);
    await rejects(send(new K.DescribeKeyCommand({ KeyId: alias })), 'NotFoundException', `Alias arn:aws:kms:us-east-1:${account}:${alias} is not found.`);
    const keys = (await send<K.ListKeysResponse>(new K.ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId);
    assert.ok(!keys.includes(meta.KeyId));
  });
});
