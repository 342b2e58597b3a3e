import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModel } from '../model/registry.js';
import type { ServiceModel } from '../model/types.js';
import { validate, validationMessage } from './validate.js';

const kms = loadModel('kms');
const iam = loadModel('iam');

function message(model: ServiceModel, shape: string, value: unknown): string {
  return validationMessage(validate(model, { shape }, value));
}

test('a too long blob prints no value (AWS snapshot text)', () => {
  assert.equal(message(kms, 'EncryptRequest', { KeyId: 'k', Plaintext: Buffer.alloc(4097) }),
    "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
});

test('missing required members are null; several violations are joined', () => {
  assert.equal(message(kms, 'EncryptRequest', {}),
    "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; "
    + "Value null at 'plaintext' failed to satisfy constraint: Member must not be null");
});

test('ranges print the number', () => {
  assert.equal(message(kms, 'GenerateRandomRequest', { NumberOfBytes: 2000 }),
    "1 validation error detected: Value '2000' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  assert.equal(message(kms, 'GenerateRandomRequest', { NumberOfBytes: 0 }),
    "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
});

test('enums list the allowed values in model order', () => {
  assert.equal(message(kms, 'CreateKeyRequest', { KeyUsage: 'NOPE' }),
    "1 validation error detected: Value 'NOPE' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT]");
});

test('list items are addressed as N.member', () => {
  const v = validate(kms, { shape: 'CreateKeyRequest' }, { Tags: [{ TagKey: 'ok', TagValue: 'x' }, { TagKey: '', TagValue: 'y' }, { TagKey: 'k' }] });
  assert.deepEqual(v, [
    { path: 'tags.2.member.tagKey', value: '', constraint: 'Member must have length greater than or equal to 1' },
    { path: 'tags.3.member.tagValue', value: null, constraint: 'Member must not be null' },
  ]);
  assert.equal(message(kms, 'EncryptRequest', { KeyId: 'k', Plaintext: Buffer.from('x'), GrantTokens: Array(11).fill('t') }),
    "1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10");
});

test('patterns must match the whole value', () => {
  assert.equal(message(iam, 'CreateUserRequest', { UserName: 'bad name!' }),
    "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  assert.deepEqual(validate(iam, { shape: 'CreateUserRequest' }, { UserName: 'alice.b@x' }), []);
  assert.deepEqual(validate(iam, { shape: 'CreatePolicyRequest' }, { PolicyName: 'p', PolicyDocument: '{\n\t"Version": "2012-10-17"\n}' }), []);
  assert.equal(validate(iam, { shape: 'CreatePolicyRequest' }, { PolicyName: 'p', PolicyDocument: '{"a":"\u2603"}' }).length, 1);
});

const synthetic: ServiceModel = {
  metadata: { apiVersion: '1', endpointPrefix: 'x', protocol: 'json', serviceId: 'X' },
  operations: {},
  shapes: {
    Req: { type: 'structure', members: { Secret: { shape: 'Secret' }, Odd: { shape: 'Odd' }, Tags: { shape: 'TagMap' } } },
    Secret: { type: 'string', sensitive: true, min: 8 },
    Odd: { type: 'string', pattern: '\\p{Alnum}+(?<x' },
    TagMap: { type: 'map', key: { shape: 'Key' }, value: { shape: 'Value' }, max: 2 },
    Key: { type: 'string', min: 1, max: 3 },
    Value: { type: 'string', max: 2 },
  },
};

test('sensitive values are never printed; uncompilable patterns are skipped', () => {
  assert.equal(validationMessage(validate(synthetic, { shape: 'Req' }, { Secret: 'short', Odd: '!!' })),
    "1 validation error detected: Value at 'secret' failed to satisfy constraint: Member must have length greater than or equal to 8");
});

test('map keys and values are reported against the map', () => {
  assert.equal(validationMessage(validate(synthetic, { shape: 'Req' }, { Tags: { long: 'v', ok: 'toolong', '': 'x' } })),
    "3 validation errors detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2; "
    + "Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 3, Member must have length greater than or equal to 1]; "
    + "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 2]");
});
