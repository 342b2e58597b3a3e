/**
 * Table tests for the pure S3 rules: names, ranges and preconditions, CORS, tags, ACLs, policies,
 * checksums, listing order and encoding, and the IAM actions of each operation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../server/context.js';
import { aclFromRequest, cannedAcl, checkAclAllowed } from './acl.js';
import { bucketArn, objectArn, s3Actions } from './actions.js';
import type { AclStores } from './acl-access.js';
import { planChecksum } from './checksums.js';
import { checkReadConditions, etagMatches, parseRange, writeCondition } from './conditional.js';
import { checkCorsRules, preflight, responseCorsHeaders } from './cors.js';
import { checkBucketName, checkKey, isValidBucketName } from './names.js';
import type { ObjectVersion } from './object-store.js';
import { prefixEnd } from './object-store.js';
import { urlEncode } from './ops/listing.js';
import { checkBucketPolicy } from './policy.js';
import { isPublicPolicy } from '../../authz/public-policy.js';
import { checkTags, parseTaggingHeader } from './tagging.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AwsError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
}

const version = (etag: string, lastModified: Date): ObjectVersion => ({ etag, lastModified } as ObjectVersion);

describe('S3 rules', () => {
  it('bucket names follow the general purpose naming rules; keys are at most 1024 UTF-8 bytes', () => {
    for (const good of ['abc', 'my-bucket.example', 'a'.repeat(63), '1bucket']) assert.equal(isValidBucketName(good), true, good);
    for (const bad of ['ab', 'a'.repeat(64), 'Abc', 'a_b', '.abc', 'abc-', 'a..b', '10.0.0.1', 'xn--abc', 'sthree-x', 'abc-s3alias', 'abc--ol-s3', 'abc.mrap']) {
      assert.equal(isValidBucketName(bad), false, bad);
    }
    assert.equal(code(() => checkBucketName('A')), 'InvalidBucketName: The specified bucket is not valid.');
    assert.equal(code(() => checkKey('é'.repeat(512))), 'ok');
    assert.equal(code(() => checkKey('é'.repeat(512) + 'x')), 'KeyTooLongError: Your key is too long');
  });

  it('ranges: a-b, a-, -n, clamping, ignored forms, 416', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-1000', 100), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=50-1000', 100), { start: 50, end: 99 });
    for (const ignored of ['items=0-1', 'bytes=0-1,5-6', 'bytes=9-3', 'bytes=-', undefined]) assert.equal(parseRange(ignored, 100), undefined, String(ignored));
    assert.equal(code(() => parseRange('bytes=100-', 100)), 'InvalidRange: The requested range is not satisfiable');
    assert.equal(code(() => parseRange('bytes=0-0', 0)), 'InvalidRange: The requested range is not satisfiable');
    assert.equal(code(() => parseRange('bytes=-0', 100)), 'InvalidRange: The requested range is not satisfiable');
  });

  it('read preconditions in S3 order: 412 before 304, If-Match over If-Unmodified-Since', () => {
    const modified = new Date('2024-05-01T10:00:00.500Z');
    const v = version('abc', modified);
    const now = new Date('2024-06-01T00:00:00Z');
    const before = new Date('2024-04-01T00:00:00Z');
    const sameSecond = new Date('2024-05-01T10:00:00Z');
    const check = (c: Record<string, unknown>, copy = false) => {
      try {
        checkReadConditions(c, v, now, copy);
        return 200;
      } catch (err) {
        return `${(err as AwsError).status} ${(err as AwsError).fields.Condition ?? ''}`.trim();
      }
    };
    assert.equal(etagMatches('"x", "abc"', 'abc'), true);
    assert.equal(etagMatches('W/"abc"', 'abc'), true);
    assert.equal(etagMatches('*', 'abc'), true);
    assert.equal(check({ IfMatch: '"nope"' }), '412 If-Match');
    assert.equal(check({ IfMatch: '"abc"', IfUnmodifiedSince: before }), 200);
    assert.equal(check({ IfUnmodifiedSince: before }), '412 If-Unmodified-Since');
    assert.equal(check({ IfUnmodifiedSince: sameSecond }), 200);
    assert.equal(check({ IfNoneMatch: 'abc' }), '304');
    assert.equal(check({ IfNoneMatch: '"other"', IfModifiedSince: sameSecond }), 200);
    assert.equal(check({ IfModifiedSince: sameSecond }), '304');
    assert.equal(check({ IfModifiedSince: before }), 200);
    assert.equal(check({ IfModifiedSince: new Date('2030-01-01T00:00:00Z') }), 200, 'a future date is ignored');
    assert.equal(check({ IfMatch: '"nope"', IfNoneMatch: 'abc' }), '412 If-Match');
    assert.equal(check({ IfNoneMatch: 'abc' }, true), '412 x-amz-copy-source-If-None-Match');
    assert.equal(check({ IfModifiedSince: sameSecond }, true), '412 x-amz-copy-source-If-Modified-Since');
  });

  it('write preconditions: If-None-Match * only, If-Match needs a live object', () => {
    const live = version('abc', new Date());
    const marker = { ...live, deleteMarker: true } as ObjectVersion;
    assert.equal(writeCondition(undefined, undefined, 'k'), undefined);
    assert.equal(code(() => writeCondition(undefined, '"abc"', 'k')), 'NotImplemented: A header you provided implies functionality that is not implemented');
    const none = writeCondition(undefined, '*', 'k')!;
    assert.equal(code(() => none(live)), 'PreconditionFailed: At least one of the pre-conditions you specified did not hold');
    assert.equal(code(() => none(marker)), 'ok');
    assert.equal(code(() => none(undefined)), 'ok');
    const match = writeCondition('"abc"', undefined, 'k')!;
    assert.equal(code(() => match(live)), 'ok');
    assert.equal(code(() => match(undefined)), 'NoSuchKey: The specified key does not exist.');
    assert.equal(code(() => writeCondition('"zzz"', undefined, 'k')!(live)), 'PreconditionFailed: At least one of the pre-conditions you specified did not hold');
  });

  it('CORS: configuration checks, preflight answers, response headers', () => {
    const rules = [
      { AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['https://*.example.com'], AllowedHeaders: ['x-amz-*', 'Content-Type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
      { AllowedMethods: ['GET'], AllowedOrigins: ['*'] },
    ];
    assert.equal(code(() => checkCorsRules(rules)), 'ok');
    assert.equal(code(() => checkCorsRules([{ AllowedMethods: ['TRACE'], AllowedOrigins: ['*'] }])),
      'InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is TRACE');
    const base = { bucketExists: true, rules, resourceType: 'OBJECT' as const };
    assert.deepEqual(preflight({ ...base, origin: 'https://app.example.com', requestMethod: 'PUT', requestHeaders: 'X-Amz-Date, content-type' }), {
      'Access-Control-Allow-Origin': 'https://app.example.com', 'Access-Control-Allow-Methods': 'GET, PUT', 'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Max-Age': '600', 'Access-Control-Expose-Headers': 'ETag', 'Access-Control-Allow-Headers': 'x-amz-date, content-type',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    assert.deepEqual(preflight({ ...base, origin: 'https://elsewhere.org', requestMethod: 'GET' })['Access-Control-Allow-Origin'], '*');
    const refused = (req: Partial<Parameters<typeof preflight>[0]>) => {
      try {
        preflight({ ...base, ...req });
        return 'ok';
      } catch (err) {
        const e = err as AwsError;
        return `${e.status} ${e.code} ${e.fields.Method ?? ''} ${e.message}`;
      }
    };
    assert.equal(refused({ origin: undefined, requestMethod: 'GET' }), '400 BadRequest  Insufficient information. Origin request header needed.');
    assert.equal(refused({ origin: 'https://a.example.com', requestMethod: 'DELETE' }),
      "403 AccessForbidden DELETE CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
    assert.match(refused({ origin: 'https://elsewhere.org', requestMethod: 'GET', requestHeaders: 'x-custom' }), /^403 AccessForbidden GET/);
    assert.equal(refused({ origin: 'https://a.example.com', rules: undefined }), '403 AccessForbidden OPTIONS CORSResponse: CORS is not enabled for this bucket.');
    assert.equal(refused({ origin: 'https://a.example.com', requestMethod: 'GET', bucketExists: false }), '403 AccessForbidden GET CORSResponse: Bucket not found');
    assert.equal(responseCorsHeaders(rules, 'https://b.example.com', 'PUT')['Access-Control-Allow-Origin'], 'https://b.example.com');
    assert.deepEqual(responseCorsHeaders(rules, 'https://elsewhere.org', 'PUT'), {});
    assert.deepEqual(responseCorsHeaders(undefined, 'https://b.example.com', 'GET'), {});
  });

  it('tags: limits, characters, reserved prefix, duplicates, the x-amz-tagging header', () => {
    assert.equal(code(() => checkTags([{ Key: 'a b+c-d=e.f_g:h/i@j', Value: '' }], 'object')), 'ok');
    assert.equal(code(() => checkTags(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), 'object')), 'BadRequest: Object tags cannot be greater than 10');
    assert.equal(code(() => checkTags(Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), 'bucket')), 'ok');
    assert.equal(code(() => checkTags([{ Key: 'Key1,Key2', Value: 'v' }], 'bucket')), 'InvalidTag: The TagKey you have provided is invalid');
    assert.equal(code(() => checkTags([{ Key: 'k', Value: 'Val1,Val2' }], 'bucket')), 'InvalidTag: The TagValue you have provided is invalid');
    assert.equal(code(() => checkTags([{ Key: 'aws:x', Value: 'v' }], 'bucket')), 'InvalidTag: System tags cannot be added/updated by requester');
    assert.deepEqual(parseTaggingHeader('a=1&b=two%20words&c='), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }, { Key: 'c', Value: '' }]);
    assert.equal(code(() => parseTaggingHeader('k=1&k=2')),
      "InvalidArgument: The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
  });

  it('ACLs: canned, grant headers, bodies, and what BucketOwnerEnforced allows', async () => {
    const owner = 'o'.repeat(64);
    const other = 'b'.repeat(64);
    const known = async (id: string) => id === owner || id === other;
    assert.deepEqual(cannedAcl('bucket-owner-full-control', owner, other).map((g) => g.permission), ['FULL_CONTROL', 'FULL_CONTROL']);
    assert.deepEqual(await aclFromRequest({ GrantRead: `id="${other}", uri="http://acs.amazonaws.com/groups/global/AllUsers"` }, owner, owner, known), [
      { grantee: { type: 'CanonicalUser', id: other }, permission: 'READ' },
      { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'READ' },
    ]);
    assert.equal(await aclFromRequest({}, owner, owner, known), undefined);
    assert.equal(await codeOf(aclFromRequest({ GrantWrite: 'fakekey="1234"' }, owner, owner, known)), 'InvalidArgument: Argument format not recognized');
    assert.equal(await codeOf(aclFromRequest({ GrantWrite: 'id="wrong-id"' }, owner, owner, known)), 'InvalidArgument: Invalid id');
    assert.equal(await codeOf(aclFromRequest({ ACL: 'private', GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"' }, owner, owner, known)),
      'InvalidRequest: Specifying both Canned ACLs and Header Grants is not allowed');
    assert.equal(await codeOf(aclFromRequest({ ACL: 'private', AccessControlPolicy: { Owner: { ID: owner }, Grants: [] } }, owner, owner, known)),
      'UnexpectedContent: This request does not support content');
    assert.equal(await codeOf(aclFromRequest({ AccessControlPolicy: { Grants: [] } }, owner, owner, known)),
      'MalformedACLError: The XML you provided was not well-formed or did not validate against our published schema');
    assert.equal(code(() => checkAclAllowed(cannedAcl('private', owner, owner), 'BucketOwnerEnforced', owner)), 'ok');
    assert.equal(code(() => checkAclAllowed(cannedAcl('public-read', owner, owner), 'BucketOwnerEnforced', owner)), 'AccessControlListNotSupported: The bucket does not allow ACLs');
    assert.equal(code(() => checkAclAllowed(cannedAcl('public-read', owner, owner), 'ObjectWriter', owner)), 'ok');
  });

  it('bucket policies: S3\'s MalformedPolicy checks, and public status', () => {
    const statement = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pb/*' };
    const doc = (s: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: s, ...extra });
    assert.equal(code(() => checkBucketPolicy(doc([statement]), 'pb')), 'ok');
    assert.equal(code(() => checkBucketPolicy('[1]', 'pb')), "MalformedPolicy: Policies must be valid JSON and the first byte must be '{'");
    assert.equal(code(() => checkBucketPolicy('{"Version":"2012-10-17"}', 'pb')), 'MalformedPolicy: Missing required field Statement');
    assert.equal(code(() => checkBucketPolicy(doc([{ ...statement, Effect: 'Maybe' }]), 'pb')), 'MalformedPolicy: Invalid effect: Maybe');
    assert.equal(code(() => checkBucketPolicy(doc([{ ...statement, Principal: undefined }]), 'pb')), 'MalformedPolicy: Missing required field Principal');
    assert.equal(code(() => checkBucketPolicy(doc([{ ...statement, Action: 'kms:Decrypt' }]), 'pb')), 'MalformedPolicy: Policy has invalid action');
    assert.equal(code(() => checkBucketPolicy(doc([{ ...statement, Resource: 'arn:aws:s3:::other/*' }]), 'pb')), 'MalformedPolicy: Policy has invalid resource');
    assert.equal(code(() => checkBucketPolicy(doc([statement], { Extra: 1 }), 'pb')), 'MalformedPolicy: Unknown field Extra');
    assert.equal(isPublicPolicy(doc(statement)), true);
    assert.equal(isPublicPolicy(doc([{ ...statement, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }])), false);
    assert.equal(isPublicPolicy(doc([{ ...statement, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }])), false);
  });

  it('checksums: one algorithm, well-formed values, CRC64NVME by default', () => {
    assert.deepEqual(planChecksum({}), { algorithm: 'CRC64NVME' });
    assert.deepEqual(planChecksum({ ChecksumAlgorithm: 'SHA256' }), { algorithm: 'SHA256' });
    assert.deepEqual(planChecksum({ ChecksumCRC32: 'DUoRhQ==' }), { algorithm: 'CRC32', expected: 'DUoRhQ==' });
    assert.equal(code(() => planChecksum({ ChecksumCRC32: 'nope' })), 'InvalidRequest: Value for x-amz-checksum-crc32 header is invalid.');
    assert.equal(code(() => planChecksum({ ChecksumCRC32: 'DUoRhQ==', ChecksumSHA1: 'x' })), 'InvalidRequest: Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    assert.equal(code(() => planChecksum({ ChecksumAlgorithm: 'CRC32C', ChecksumCRC32: 'DUoRhQ==' })),
      'InvalidRequest: Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: crc32');
    assert.match(code(() => planChecksum({ ChecksumAlgorithm: 'XXHASH64' })), /^InvalidRequest: Checksum algorithm provided is unsupported/);
  });

  it('listing: keys compare in code point order; encoding-type=url is Python\'s quote', () => {
    assert.equal(prefixEnd('abc'), 'abd');
    assert.equal(prefixEnd(''), undefined);
    assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
    assert.equal(prefixEnd('\uD7FF'), '\uE000');
    assert.equal(urlEncode("a b+c/d&é~!'()*"), 'a%20b%2Bc/d%26%C3%A9~%21%27%28%29%2A');
  });

  it('IAM actions: the real action, resource ARNs and condition keys per operation', async () => {
    const actions = s3Actions({} as AclStores);
    const ctx = {} as RequestContext;
    assert.equal(actions.ListObjectsV2!.action, 's3:ListBucket');
    assert.equal(actions.HeadObject!.action, 's3:GetObject');
    assert.equal(actions.DeleteBucketTagging!.action, 's3:PutBucketTagging');
    assert.equal(actions.ListObjectVersions!.action, 's3:ListBucketVersions');
    assert.equal(actions.GetObject!.actionFor!(ctx, { Bucket: 'b', Key: 'k' }), 's3:GetObject');
    assert.equal(actions.GetObject!.actionFor!(ctx, { Bucket: 'b', Key: 'k', VersionId: 'v' }), 's3:GetObjectVersion');
    assert.equal(actions.DeleteObject!.actionFor!(ctx, { Bucket: 'b', Key: 'k', VersionId: 'v' }), 's3:DeleteObjectVersion');
    assert.deepEqual(actions.GetObject!.resources(ctx, { Bucket: 'b', Key: 'dir/k' }), [objectArn('b', 'dir/k')]);
    assert.deepEqual(actions.CreateBucket!.resources(ctx, { Bucket: 'b' }), [bucketArn('b')]);
    assert.deepEqual(actions.ListBuckets!.resources(ctx, {}), ['*']);
    assert.deepEqual(actions.DeleteObjects!.resources(ctx, { Bucket: 'b', Delete: { Objects: [{ Key: 'x' }, { Key: 'y' }] } }), ['arn:aws:s3:::b/x', 'arn:aws:s3:::b/y']);
    // Each key is authorized on its own, as DeleteObject would be: s3:DeleteObjectVersion for a key named with a version id.
    const mixed = { Bucket: 'b', Delete: { Objects: [{ Key: 'x' }, { Key: 'y', VersionId: 'v' }] } };
    assert.deepEqual(actions.DeleteObjects!.resources(ctx, mixed), ['arn:aws:s3:::b/x', 'arn:aws:s3:::b/y']);
    const items = actions.DeleteObjects!.items!(ctx, mixed);
    assert.deepEqual(await Promise.all(items.map(async (i) => [i.actionFor!(ctx, mixed), await i.resources(ctx, mixed), await i.conditions!(ctx, mixed)])), [
      ['s3:DeleteObject', ['arn:aws:s3:::b/x'], {}],
      ['s3:DeleteObjectVersion', ['arn:aws:s3:::b/y'], { 's3:VersionId': 'v' }],
    ]);
    // A copy also reads its source, as s3:GetObjectVersion when it names a version.
    const [source] = await actions.CopyObject!.also!(ctx, { Bucket: 'd', Key: 'k', CopySource: 'src/a%20b?versionId=v1' });
    assert.deepEqual([source!.actionFor!(ctx, {}), source!.resources(ctx, {})], ['s3:GetObjectVersion', ['arn:aws:s3:::src/a b']]);
    assert.deepEqual(actions.ListObjectsV2!.conditions!(ctx, { Bucket: 'b', Prefix: 'p/', Delimiter: '/', MaxKeys: 5 }), { 's3:prefix': 'p/', 's3:delimiter': '/', 's3:max-keys': '5' });
    assert.deepEqual(actions.PutObject!.conditions!(ctx, { Bucket: 'b', Key: 'k', ACL: 'private', Tagging: 'a=1', ServerSideEncryption: 'AES256' }), {
      's3:x-amz-acl': 'private', 's3:RequestObjectTag/a': '1', 's3:RequestObjectTagKeys': ['a'], 's3:x-amz-server-side-encryption': 'AES256',
    });
    assert.deepEqual(actions.GetObject!.conditions!(ctx, { Bucket: 'b', Key: 'k', VersionId: 'v' }), { 's3:VersionId': 'v' });
  });
});
