import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arnMatch, compileArnPattern, parseArn, splitArn, wildcardMatch } from './arn.js';
import { cidrContains, normalizeSourceIp, parseCidr, parseIp } from './ip.js';
import { compileTemplate, resolveTemplate } from './variables.js';

const glob = (p: string, s: string) => wildcardMatch({ text: p }, s);
const arn = (p: string, s: string) => arnMatch(compileArnPattern({ text: p }), s, splitArn(s));

describe('wildcardMatch', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'anything/at:all', true],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['ab*', 'abcdef', true],
    ['ab*', 'a', false],
    ['*ef', 'abcdef', true],
    ['a*c*e', 'abcde', true],
    ['a*c*e', 'abcdf', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a??', 'abc', true],
    ['**', 'x', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['', '', true],
    ['', 'x', false],
  ];
  for (const [p, s, want] of cases) it(`${JSON.stringify(p)} vs ${JSON.stringify(s)} -> ${want}`, () => assert.equal(glob(p, s), want));

  it('is linear on adversarial patterns', () => {
    const started = process.hrtime.bigint();
    assert.equal(glob(`${'*a'.repeat(50)}b`, 'a'.repeat(10000)), false);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 500);
  });

  it('treats masked characters as literal', () => {
    assert.equal(wildcardMatch({ text: 'a*', mask: Uint8Array.from([0, 0]) }, 'ab'), false);
    assert.equal(wildcardMatch({ text: 'a*', mask: Uint8Array.from([0, 0]) }, 'a*'), true);
  });
});

describe('ARNs', () => {
  it('parses the six parts, keeping colons in the resource', () => {
    assert.deepEqual(parseArn('arn:aws:kms:us-east-1:111122223333:key/abc'), { partition: 'aws', service: 'kms', region: 'us-east-1', account: '111122223333', resource: 'key/abc' });
    assert.equal(parseArn('arn:aws:sns:us-east-2:123:topic:sub')?.resource, 'topic:sub');
    assert.equal(parseArn('arn:aws:s3'), undefined);
    assert.equal(parseArn('*'), undefined);
  });
  it('matches segment by segment', () => {
    assert.equal(arn('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app/reader'), true);
    assert.equal(arn('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/alice'), false);
    assert.equal(arn('arn:aws:s3:::*', 'arn:aws:s3:::bucket/key:with:colons'), true);
    assert.equal(arn('arn:aws:kms:*:111122223333:*', 'arn:aws:kms:us-east-1:444455556666:key/x'), false);
  });
  it('is case-sensitive', () => {
    assert.equal(arn('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/x'), false);
  });
  it('"*" matches the non-ARN resource of list operations; ARN patterns do not', () => {
    assert.equal(arn('*', '*'), true);
    assert.equal(arn('arn:aws:s3:::*', '*'), false);
  });
});

describe('policy variables', () => {
  const lookup = (values: Record<string, string[]>) => (k: string) => values[k];
  it('substitutes single-valued keys and defaults', () => {
    const t = compileTemplate("home/${aws:username}/${aws:PrincipalTag/team, 'none'}", true);
    assert.equal(resolveTemplate(t, lookup({ 'aws:username': ['alice'] }))?.text, 'home/alice/none');
    assert.equal(resolveTemplate(t, lookup({ 'aws:username': ['alice'], 'aws:principaltag/team': ['red'] }))?.text, 'home/alice/red');
  });
  it('has no value when a key is missing, or multivalued', () => {
    const t = compileTemplate('${aws:username}', true);
    assert.equal(resolveTemplate(t, lookup({})), undefined);
    assert.equal(resolveTemplate(t, lookup({ 'aws:username': ['a', 'b'] })), undefined);
  });
  it('keeps text literal before 2012-10-17', () => {
    assert.equal(resolveTemplate(compileTemplate('${aws:username}', false), lookup({ 'aws:username': ['alice'] }))?.text, '${aws:username}');
  });
});

describe('IP addresses', () => {
  const inside = (cidr: string, ip: string) => cidrContains(parseCidr(cidr)!, parseIp(ip)!);
  it('IPv4 blocks', () => {
    assert.equal(inside('203.0.113.0/24', '203.0.113.255'), true);
    assert.equal(inside('203.0.113.0/24', '203.0.114.0'), false);
    assert.equal(inside('10.0.0.0/8', '10.255.1.2'), true);
    assert.equal(inside('0.0.0.0/0', '8.8.8.8'), true);
    assert.equal(inside('192.0.2.128/25', '192.0.2.127'), false);
  });
  it('IPv6 blocks, compressed forms and embedded IPv4', () => {
    assert.equal(inside('2001:DB8:1234:5678::/64', '2001:db8:1234:5678:ffff::1'), true);
    assert.equal(inside('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(inside('::1', '::1'), true);
    assert.equal(inside('64:ff9b::/96', '64:ff9b::192.0.2.1'), true);
  });
  it('IPv4-mapped IPv6 peers count as IPv4', () => {
    assert.equal(inside('127.0.0.0/8', '::ffff:127.0.0.1'), true);
    assert.equal(normalizeSourceIp('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(normalizeSourceIp('2001:db8::1'), '2001:db8::1');
  });
  it('never matches across families', () => {
    assert.equal(inside('::/0', '203.0.113.1'), false);
    assert.equal(inside('0.0.0.0/0', '2001:db8::1'), false);
  });
  it('refuses malformed input', () => {
    for (const s of ['256.1.1.1', '1.2.3', '1.2.3.4/33', '2001:db8::1::2', 'x', '2001:db8::/129', '1.2.3.4/']) assert.equal(parseCidr(s), undefined, s);
  });
});
