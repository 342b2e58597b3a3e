import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicPolicy, restrictPublicPolicy } from './public-policy.js';

/** Examples from "The meaning of public" in the S3 Block Public Access documentation. */
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const put = { Resource: '*', Action: 's3:PutObject', Effect: 'Allow' };

describe('isPublicPolicy', () => {
  it('a Federated principal is public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: { Federated: 'graph.facebook.com' } })), true));
  it('Principal "*" without condition is public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*' })), true));
  it('{"AWS": "*"} is public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: { AWS: '*' } })), true));
  it('a wildcard aws:SourceVpc is public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } })), true));
  it('a fixed aws:SourceVpc is not public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } } })), false));
  it('fixed principals are not public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: { AWS: ['111122223333', 'arn:aws:iam::444455556666:user/x'] } })), false));
  it('a service principal is not public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: { Service: 'cloudtrail.amazonaws.com' } })), false));
  it('a fixed aws:SourceIp range is not public', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })), false));
  it('a negated condition does not pin', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { StringNotEquals: { 'aws:SourceAccount': '111122223333' } } })), true));
  it('an IfExists condition does not pin', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } })), true));
  it('a condition on another key does not pin', () => assert.equal(isPublicPolicy(doc({ ...put, Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })), true));
  it('a public Deny is not a public grant', () => assert.equal(isPublicPolicy(doc({ ...put, Effect: 'Deny', Principal: '*' })), false));
  it('one public statement makes the whole policy public', () => {
    assert.equal(isPublicPolicy(doc({ ...put, Principal: { Service: 'cloudtrail.amazonaws.com' } }, { ...put, Principal: { AWS: '444455556666' } }, { ...put, Principal: '*' })), true);
  });
  it('no policy is not public', () => assert.equal(isPublicPolicy(''), false));
});

describe('restrictPublicPolicy', () => {
  it('keeps only the Deny statements', () => {
    const restricted = JSON.parse(restrictPublicPolicy(doc({ ...put, Principal: '*' }, { ...put, Effect: 'Deny', Principal: '*', Sid: 'D' })));
    assert.deepEqual(restricted.Statement.map((s: { Sid?: string }) => s.Sid), ['D']);
    assert.equal(restrictPublicPolicy(doc({ ...put, Principal: '*' })), '');
  });
});
