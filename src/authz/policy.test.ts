import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compiledPolicyCacheSize, compilePolicy, parsePolicy, PolicyDocumentError, policySize, type PolicyKind } from './policy.js';

/**
 * Validation messages are IAM's, as CreatePolicy returns them (MalformedPolicyDocument). The
 * documents and answers below are the ones recorded against AWS in moto's
 * tests/test_iam/test_iam_policies.py (invalid_policy_document_test_cases).
 */
const S = { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example_bucket' };
const V = '2012-10-17';

const invalid: Array<[string, unknown, string]> = [
  ['not JSON', 'This is not a json document', 'Syntax errors in policy.'],
  ['no Version', { Statement: S }, 'Policy document must be version 2012-10-17 or greater.'],
  ['Version 2008-10-17', { Version: '2008-10-17', Statement: S }, 'Policy document must be version 2012-10-17 or greater.'],
  ['unknown Version', { Version: '2013-10-17', Statement: S }, 'Syntax errors in policy.'],
  ['no Statement', { Version: V }, 'Syntax errors in policy.'],
  ['Statement of strings', { Version: V, Statement: ['afd'] }, 'Syntax errors in policy.'],
  ['extra top-level field', { Version: V, Statement: S, 'Extra field': 'value' }, 'Syntax errors in policy.'],
  ['extra statement field', { Version: V, Statement: { ...S, 'Extra field': 'value' } }, 'Syntax errors in policy.'],
  ['Id as list', { Version: V, Id: ['x'], Statement: S }, 'Syntax errors in policy.'],
  ['invalid Effect', { Version: V, Statement: { ...S, Effect: 'invalid' } }, 'Syntax errors in policy.'],
  ['action without vendor', { Version: V, Statement: { ...S, Action: 'invalid' } }, 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['empty NotAction', { Version: V, Statement: { Effect: 'Allow', NotAction: '', Resource: S.Resource } }, 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['vendor with a space', { Version: V, Statement: { ...S, Action: 'a a:ListBucket' } }, 'Vendor a a is not valid'],
  ['two colons in an action', { Version: V, Statement: { ...S, Action: 's3:List:Bucket' } }, 'Actions/Condition can contain only one colon.'],
  ['resource not an ARN', { Version: V, Statement: { ...S, Resource: 'invalid resource' } }, 'Resource invalid resource must be in ARN format or "*".'],
  ['empty resource', { Version: V, Statement: { ...S, Resource: '' } }, 'Resource  must be in ARN format or "*".'],
  ['bad partition', { Version: V, Statement: { Effect: 'Allow', NotAction: 's3s:ListBucket', Resource: 'a:bsdfdsafsad' } }, 'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'],
  ['bad partition, more parts', { Version: V, Statement: { Effect: 'Allow', NotAction: 's3s:ListBucket', Resource: 'a:b:c:d:e:f:g:h' } }, 'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'],
  ['arn prefix missing', { Version: V, Statement: { ...S, Resource: 'aws:s3:::example_bucket' } }, 'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".'],
  ['empty Statement list', { Version: V, Statement: [] }, 'Syntax errors in policy.'],
  ['no Resource', { Version: V, Statement: { Effect: 'Allow', Action: 's3:ListBucket' } }, 'Policy statement must contain resources.'],
  ['empty Resource list', { Version: V, Statement: { ...S, Resource: [] } }, 'Policy statement must contain resources.'],
  ['no Action', { Version: V, Statement: { Effect: 'Allow', Resource: S.Resource } }, 'Policy statement must contain actions.'],
  ['no Effect', { Version: V, Statement: { Action: S.Action, Resource: S.Resource } }, 'Syntax errors in policy.'],
  ['IAM resource path', { Version: V, Statement: { ...S, Resource: 'arn:aws:iam:::example_bucket' } }, 'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.'],
  ['legacy: two-colon S3 ARN', { Version: V, Statement: { ...S, Resource: 'arn:aws:s3::example_bucket' } }, 'The policy failed legacy parsing'],
  ['vendor not qualified', { Version: V, Statement: { ...S, Resource: 'arn:aws' } }, 'Resource vendor must be fully qualified and cannot contain regexes.'],
  ['Resource as object', { Version: V, Statement: { ...S, Resource: { a: 'arn:aws:s3:::example_bucket' } } }, 'Syntax errors in policy.'],
  ['Resource and NotResource', { Version: V, Statement: { ...S, NotResource: '*' } }, 'Syntax errors in policy.'],
  ['Action and NotAction', { Version: V, Statement: { ...S, NotAction: 's3:ListBucket' } }, 'Syntax errors in policy.'],
  ['Condition as list', { Version: V, Statement: { ...S, Condition: [] } }, 'Syntax errors in policy.'],
  ['unknown condition operator with keys', { Version: V, Statement: { ...S, Condition: { x: { a: '1' } } } }, 'Syntax errors in policy.'],
  ['condition operator with two colons', { Version: V, Statement: { ...S, Condition: { 'ForAnyValue::StringEqualsIfExists': { a: 'asf' } } } }, 'Syntax errors in policy.'],
  ['IAM ARN with a region', { Version: V, Statement: { ...S, Resource: 'arn:aws:iam:us-east-1::example_bucket' } }, 'IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.'],
  ['S3 ARN with a region', { Version: V, Statement: { ...S, Resource: 'arn:aws:s3:us-east-1::example_bucket' } }, 'Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.'],
  ['Sid as object', { Version: V, Statement: { ...S, Sid: {} } }, 'Syntax errors in policy.'],
  ['duplicate Sid', { Version: V, Statement: [{ ...S, Sid: 'sdf' }, { Sid: 'sdf', Effect: 'Allow' }] }, 'Statement IDs (SID) in a single policy must be unique.'],
  ['Effect in the wrong case', { Version: V, Statement: { ...S, Effect: 'denY' } }, 'The policy failed legacy parsing'],
  ['date that is no date', { Version: V, Statement: { ...S, Condition: { DateGreaterThan: { a: 'sdfdsf' } } } }, 'The policy failed legacy parsing'],
  ['no Version beats a bad date', { Statement: { ...S, Condition: { DateGreaterThan: { a: 'sdfdsf' } } } }, 'Policy document must be version 2012-10-17 or greater.'],
  ['legacy: empty service', { Version: V, Statement: { Effect: 'Allow', NotAction: 's3:ListBucket', Resource: 'arn:aws::::example_bucket' } }, 'The policy failed legacy parsing'],
];

const valid: unknown[] = [
  { Version: V, Statement: { ...S, Resource: ['arn:aws:s3:::example_bucket'] } },
  { Version: V, Statement: { ...S, Action: 'iam: asdf safdsf af ' } },
  { Version: V, Statement: { ...S, Resource: ['arn:aws:s3:::example_bucket', '*'] } },
  { Version: V, Statement: { ...S, Action: '*' } },
  { Version: V, Statement: { ...S, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } } } },
  { Version: V, Statement: { ...S, Resource: 'arn:aws:iam:::user/example_bucket' } },
  { Version: V, Statement: { ...S, Resource: 'arn:aws:fdsasf' } },
  { Version: V, Statement: { ...S, Condition: {} } },
  { Version: V, Statement: { ...S, Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'Department' } } } },
  { Version: V, Statement: { ...S, Condition: { a: {} } } },
  { Version: V, Statement: { ...S, Resource: 'arn:aws:s3:::example_bucket/${aws:username}/*' } },
];

function attempt(doc: unknown, kind: PolicyKind = 'identity'): string | undefined {
  try {
    parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), kind);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof PolicyDocumentError, String(err));
    return err.message;
  }
}

describe('policy validation (IAM identity policies)', () => {
  for (const [name, doc, message] of invalid) {
    it(`refuses: ${name}`, () => assert.equal(attempt(doc), message));
  }
  valid.forEach((doc, i) => it(`accepts valid document #${i + 1}`, () => assert.equal(attempt(doc), undefined)));

  it('refuses a Principal in an identity policy', () => {
    assert.equal(attempt({ Version: V, Statement: { ...S, Principal: '*' } }), 'Policy document should not specify a principal.');
  });

  it('refuses a Sid that is not alphanumeric in IAM policies, accepts it in key policies', () => {
    const doc = { Version: V, Statement: { ...S, Sid: 'Enable IAM User Permissions', Principal: { AWS: 'arn:aws:iam::111122223333:root' } } };
    assert.equal(attempt({ ...doc, Statement: { ...S, Sid: 'has space' } }), 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
    assert.equal(attempt(doc, 'resource'), undefined);
  });
});

describe('policy validation (trust and resource policies)', () => {
  it('trust policy: Resource is prohibited', () => {
    const doc = { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Resource: '*' } };
    assert.equal(attempt(doc, 'trust'), 'Has prohibited field Resource');
  });
  it('trust policy: Principal is required', () => {
    assert.equal(attempt({ Version: V, Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } }, 'trust'), 'Missing required field Principal');
  });
  it('trust policy: a valid one', () => {
    assert.equal(attempt({ Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } } }, 'trust'), undefined);
  });
  it('bucket policy: 2008-10-17 and a missing Version are accepted', () => {
    const st = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    assert.equal(attempt({ Version: '2008-10-17', Statement: st }, 'resource'), undefined);
    assert.equal(attempt({ Statement: st }, 'resource'), undefined);
  });
  it('bucket policy: Principal is required', () => {
    assert.equal(attempt({ Version: V, Statement: S }, 'resource'), 'Missing required field Principal');
  });
  it('refuses a malformed Principal', () => {
    assert.equal(attempt({ Version: V, Statement: { ...S, Principal: { Nobody: 'x' } } }, 'resource'), 'Syntax errors in policy.');
    assert.equal(attempt({ Version: V, Statement: { ...S, Principal: 'someone' } }, 'resource'), 'Syntax errors in policy.');
  });
});

describe('compiled policy cache', () => {
  it('compiles a document once and reuses it', () => {
    const text = JSON.stringify({ Version: V, Statement: { ...S, Sid: `cache${Date.now()}` } });
    const before = compiledPolicyCacheSize();
    const first = compilePolicy(text);
    assert.equal(compiledPolicyCacheSize(), before + 1);
    assert.equal(compilePolicy(text), first, 'same compiled object on the second call');
    assert.equal(compiledPolicyCacheSize(), before + 1);
  });

  it('stays bounded under a flood of distinct documents', () => {
    for (let i = 0; i < 5000; i++) compilePolicy(JSON.stringify({ Version: V, Statement: { ...S, Sid: `flood${i}` } }));
    assert.ok(compiledPolicyCacheSize() <= 4096, `cache grew to ${compiledPolicyCacheSize()}`);
  });

  it('compilePolicy throws on documents that cannot be evaluated', () => {
    assert.throws(() => compilePolicy('{"Statement": 5}'), PolicyDocumentError);
    assert.throws(() => compilePolicy('nope'), PolicyDocumentError);
  });
});

describe('policySize', () => {
  it('does not count whitespace (IAM quota rule)', () => {
    assert.equal(policySize('{ "a" :\n\t"b c" }'), '{"a":"bc"}'.length);
  });
});
