import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors.js';
import { compileFilters, wildcard } from './filters.js';
import { checkIds, instanceProfileId, isId, malformedId, newId } from './ids.js';
import { paginate } from './paging.js';

describe('EC2 filter values', () => {
  const cases: Array<[string, string, boolean]> = [
    ['web-*', 'web-1', true],
    ['web-*', 'web-', true],
    ['web-*', 'db-1', false],
    ['i-????', 'i-abcd', true],
    ['i-????', 'i-abc', false],
    ['*', '', true],
    ['prod', 'Prod', false], // case-sensitive
    ['a\\*b', 'a*b', true], // an escaped star is a star
    ['a\\*b', 'axxb', false],
    ['a\\?', 'a?', true],
    ['a\\?', 'ab', false],
    ['c:\\\\x', 'c:\\x', true], // an escaped backslash
    ['1.2.3.4/32', '1.2.3.4/32', true], // regex characters are literal
    ['1.2.3.4/32', '1x2x3x4/32', false],
    ['(a)', '(a)', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
      assert.equal(wildcard(pattern).test(value), expected);
    });
  }
});

describe('EC2 filters', () => {
  const web = { fields: { 'instance-state-name': ['running'], 'group-id': ['sg-1', 'sg-2'], port: [22] }, tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'env', Value: 'prod' }] };
  const db = { fields: { 'instance-state-name': ['stopped'], 'group-id': ['sg-3'], port: [null] }, tags: [{ Key: 'Name', Value: 'db' }] };
  const known = ['instance-state-name', 'group-id', 'port'];
  const select = (filters: Parameters<typeof compileFilters>[0]) => [web, db].filter(compileFilters(filters, known)).map((i) => i.tags[0]!.Value);

  it('no filters select everything', () => assert.deepEqual(select(undefined), ['web-1', 'db']));
  it('values of one filter are ORed', () => assert.deepEqual(select([{ Name: 'instance-state-name', Values: ['running', 'stopped'] }]), ['web-1', 'db']));
  it('filters are ANDed', () => {
    assert.deepEqual(select([{ Name: 'instance-state-name', Values: ['running'] }, { Name: 'group-id', Values: ['sg-3'] }]), []);
  });
  it('a field with several values matches on any of them', () => assert.deepEqual(select([{ Name: 'group-id', Values: ['sg-2'] }]), ['web-1']));
  it('numbers compare as text; absent values never match', () => {
    assert.deepEqual(select([{ Name: 'port', Values: ['22'] }]), ['web-1']);
    assert.deepEqual(select([{ Name: 'port', Values: ['*'] }]), ['web-1']);
  });
  it('tag:<key> matches the tag value, with wildcards', () => {
    assert.deepEqual(select([{ Name: 'tag:Name', Values: ['web-*'] }]), ['web-1']);
    assert.deepEqual(select([{ Name: 'tag:env', Values: ['*'] }]), ['web-1']);
    assert.deepEqual(select([{ Name: 'tag:name', Values: ['*'] }]), [], 'tag keys are case-sensitive');
  });
  it('tag-key and tag-value match any tag', () => {
    assert.deepEqual(select([{ Name: 'tag-key', Values: ['env'] }]), ['web-1']);
    assert.deepEqual(select([{ Name: 'tag-value', Values: ['db'] }]), ['db']);
  });
  it('a filter without values matches nothing', () => assert.deepEqual(select([{ Name: 'group-id', Values: [] }]), []));
  it("an unknown filter is refused: InvalidParameterValue \"The filter 'x' is invalid\"", () => {
    assert.throws(() => compileFilters([{ Name: 'colour', Values: ['red'] }], known), (err: AwsError) => {
      assert.equal(err.code, 'InvalidParameterValue');
      assert.equal(err.message, "The filter 'colour' is invalid");
      return true;
    });
    assert.throws(() => compileFilters([{ Name: 'tag:x', Values: ['y'] }], known, false), /The filter 'tag:x' is invalid/);
  });
});

describe('EC2 ids', () => {
  it('new ids are the prefix and 17 hex digits', () => {
    assert.match(newId('instance'), /^i-0[0-9a-f]{16}$/);
    assert.match(newId('group'), /^sg-[0-9a-f]{17}$/);
    assert.match(newId('snapshot'), /^snap-[0-9a-f]{17}$/);
    assert.notEqual(newId('volume'), newId('volume'));
  });
  it('long and short forms are well formed, others are not', () => {
    assert.ok(isId('instance', 'i-0123456789abcdef0'));
    assert.ok(isId('instance', 'i-12345678'));
    assert.ok(!isId('instance', 'i-123'));
    assert.ok(!isId('instance', 'i-0123456789ABCDEF0'));
    assert.ok(!isId('volume', 'i-0123456789abcdef0'));
    assert.ok(!isId('vpc', 'vpc-cidr-assoc-0123456789abcdef0'));
  });
  it('malformed ids get EC2 codes and messages', () => {
    assert.throws(() => checkIds('instance', ['i-1']), (err: AwsError) => err.code === 'InvalidInstanceID.Malformed' && err.message === 'Invalid id: "i-1"');
    const sg = malformedId('group', 'web');
    assert.equal(sg.code, 'InvalidGroupId.Malformed');
    assert.equal(sg.message, 'Invalid id: "web" (expecting "sg-...")');
    assert.equal(malformedId('volume', 'vol-1').message, 'Invalid id: "vol-1"');
  });
  it('an instance profile id is fixed by its ARN', () => {
    const arn = 'arn:aws:iam::123456789012:instance-profile/web';
    assert.match(instanceProfileId(arn), /^AIPA[A-Z2-7]{17}$/);
    assert.equal(instanceProfileId(arn), instanceProfileId(arn));
    assert.notEqual(instanceProfileId(arn), instanceProfileId(`${arn}2`));
  });
});

describe('EC2 pagination', () => {
  const items = Array.from({ length: 12 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
  const key = (s: string) => s;

  it('without MaxResults everything comes back at once', () => {
    assert.deepEqual(paginate(items, key, undefined, undefined), { items });
  });
  it('pages follow each other without gaps or repeats', () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = paginate(items, key, 5, token);
      seen.push(...page.items);
      token = page.nextToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, items);
  });
  it('an item removed between pages does not shift the next page', () => {
    const first = paginate(items, key, 5, undefined);
    const page = paginate(items.filter((i) => i !== 'item-02'), key, 5, first.nextToken);
    assert.equal(page.items[0], 'item-05');
  });
  it('MaxResults below the minimum is refused as EC2 words it; above the maximum it is capped', () => {
    assert.throws(() => paginate(items, key, 3, undefined), (err: AwsError) =>
      err.code === 'InvalidParameterValue' && err.message === 'Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    assert.equal(paginate(items, key, 5000, undefined, { min: 5, max: 10 }).items.length, 10);
  });
  it('a token that is not ours is InvalidPaginationToken', () => {
    assert.throws(() => paginate(items, key, 5, 'garbage'), (err: AwsError) => err.code === 'InvalidPaginationToken');
  });
});
