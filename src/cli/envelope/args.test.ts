import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/client-node';
import {
  algorithmName,
  checkAlgorithm,
  checkRequiredContext,
  optionGroups,
  parseEncryptionContext,
  parseWrappingKeys,
  positiveInt,
} from './args.js';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('--wrapping-keys (aws-encryption-cli rules)', () => {
  it('groups repeated -w options the way argparse append + nargs=+ does', () => {
    const args = ['-i', 'x', '-w', 'key=a', 'key=b', 'region=eu-west-1', '-o', '-', '--wrapping-keys', 'key=c', '--wrapping-keys=key=d', 'profile=p', '-wkey=e', '-S', 'key=stray'];
    assert.deepEqual(optionGroups(args, '-w', '--wrapping-keys'), [['key=a', 'key=b', 'region=eu-west-1'], ['key=c'], ['key=d', 'profile=p'], ['key=e']]);
    assert.deepEqual(optionGroups(['-w', 'key=a', '--', '-w', 'key=b'], '-w', '--wrapping-keys'), [['key=a']]);
  });

  it('encrypt: keys of any form, one region and profile per group, no discovery', () => {
    assert.deepEqual(parseWrappingKeys([['key=alias/a', `key=${ARN}`, 'region=eu-west-1', 'profile=ops']], 'encrypt'), [
      { keys: ['alias/a', ARN], region: 'eu-west-1', profile: 'ops', discovery: false },
    ]);
    assert.throws(() => parseWrappingKeys([['region=x']], 'encrypt'), /At least one "key" must be provided/);
    assert.throws(() => parseWrappingKeys([['key=a', 'discovery=true']], 'encrypt'), /Discovery attributes are supported only on decryption/);
    assert.throws(() => parseWrappingKeys([['key=a', 'region=x', 'region=y']], 'encrypt'), /Only one region may be specified/);
    assert.throws(() => parseWrappingKeys([['key']], 'encrypt'), /must follow the format "key=value"/);
    assert.throws(() => parseWrappingKeys([['key=a', 'provider=raw']], 'encrypt'), /only aws-kms/);
    assert.throws(() => parseWrappingKeys([['key=a', 'colour=red']], 'encrypt'), /Unknown wrapping key attribute "colour"/);
    assert.throws(() => parseWrappingKeys([], 'encrypt'), /No wrapping key provider configuration found/);
  });

  it('decrypt: key ARNs, or discovery with an account + partition filter', () => {
    assert.deepEqual(parseWrappingKeys([[`key=${ARN}`]], 'decrypt'), [{ keys: [ARN], region: undefined, profile: undefined, discovery: false }]);
    assert.deepEqual(parseWrappingKeys([['discovery=true', 'discovery-account=111122223333', 'discovery-account=444455556666', 'discovery-partition=aws']], 'decrypt'), [
      { keys: [], region: undefined, profile: undefined, discovery: true, discoveryFilter: { accountIDs: ['111122223333', '444455556666'], partition: 'aws' } },
    ]);
    assert.equal(parseWrappingKeys([['discovery=yes']], 'decrypt')[0]!.discovery, true);
    assert.throws(() => parseWrappingKeys([['key=alias/a']], 'decrypt'), /must be key ARNs/);
    assert.throws(() => parseWrappingKeys([[`key=${ARN}`, 'discovery=true']], 'decrypt'), /If discovery is true \(enabled\), you cannot specify wrapping keys/);
    assert.throws(() => parseWrappingKeys([['discovery=false']], 'decrypt'), /When discovery is false \(disabled\), you must specify at least one wrapping key/);
    assert.throws(() => parseWrappingKeys([['discovery=true', 'discovery-account=1']], 'decrypt'), /you must also specify discovery-partition/);
    assert.throws(() => parseWrappingKeys([['discovery=true', 'discovery-partition=aws']], 'decrypt'), /you must also specify discovery-account/);
    assert.throws(() => parseWrappingKeys([[`key=${ARN}`, 'discovery-account=1']], 'decrypt'), /valid only when the discovery attribute is set to true/);
    assert.throws(() => parseWrappingKeys([['discovery=maybe']], 'decrypt'), /could not be parsed as true or false/);
  });
});

describe('--encryption-context', () => {
  it('encrypt: pairs, values may contain =', () => {
    assert.deepEqual(parseEncryptionContext(['a=1', 'b=x=y'], 'encrypt'), { context: { a: '1', b: 'x=y' }, requiredKeys: [] });
    assert.throws(() => parseEncryptionContext(['a'], 'encrypt'), /key=value/);
  });

  it('decrypt: pairs must match, bare keys must exist; extra message context is fine (subset)', () => {
    const required = parseEncryptionContext(['a=1', 'b'], 'decrypt');
    assert.deepEqual(required, { context: { a: '1' }, requiredKeys: ['b'] });
    assert.equal(checkRequiredContext({ a: '1', b: 'anything', c: 'extra' }, required), undefined);
    assert.deepEqual(checkRequiredContext({ a: '2' }, required), { missingKeys: ['b'], missingPairs: [['a', '1']] });
    assert.deepEqual(checkRequiredContext({ b: '' }, required), { missingKeys: [], missingPairs: [['a', '1']] });
    // An inherited property is not part of the message's context.
    assert.deepEqual(checkRequiredContext({}, parseEncryptionContext(['toString'], 'decrypt')), { missingKeys: ['toString'], missingPairs: [] });
  });
});

describe('--algorithm, --commitment-policy and numbers', () => {
  it('maps the Python SDK algorithm names to suites and back', () => {
    assert.equal(checkAlgorithm('AES_256_GCM_HKDF_SHA512_COMMIT_KEY', CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT), AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY);
    assert.equal(algorithmName(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384), 'AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384');
    assert.equal(checkAlgorithm(undefined, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT), undefined);
  });

  it('refuses suites the commitment policy forbids, before any KMS call', () => {
    assert.throws(() => checkAlgorithm('AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384', CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT), /does not commit to its key/);
    assert.equal(checkAlgorithm('AES_256_GCM_IV12_TAG16_HKDF_SHA256', CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT), AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256);
    assert.throws(() => checkAlgorithm('AES_256_GCM_HKDF_SHA512_COMMIT_KEY', CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT), /forbids/);
    assert.throws(() => checkAlgorithm('ROT13', CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT), /Unknown algorithm "ROT13"/);
  });

  it('reads whole numbers in range only', () => {
    assert.equal(positiveInt('4096', '--frame-length'), 4096);
    assert.equal(positiveInt(undefined, '--frame-length'), undefined);
    for (const bad of ['0', '-1', '1.5', '1e3', 'ten', '']) assert.throws(() => positiveInt(bad, '--frame-length'), /--frame-length must be a whole number/);
    assert.throws(() => positiveInt('70000', '--max-encrypted-data-keys', 65535), /from 1 to 65535/);
  });
});
