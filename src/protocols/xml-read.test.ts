import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../errors.js';
import type { ServiceModel } from '../model/types.js';
import { parseXml, readXmlDocument } from './xml-read.js';

/** A small model exercising every XML layout botocore knows. */
const model: ServiceModel = {
  metadata: { apiVersion: '1', endpointPrefix: 't', protocol: 'rest-xml', serviceId: 'T' },
  operations: {},
  shapes: {
    Doc: {
      type: 'structure',
      members: {
        Name: { shape: 'Str' },
        Renamed: { shape: 'Str', locationName: 'Other' },
        Count: { shape: 'Int' },
        Big: { shape: 'Long' },
        Ratio: { shape: 'Dbl' },
        On: { shape: 'Bool' },
        Data: { shape: 'Blob' },
        When: { shape: 'Time' },
        Wrapped: { shape: 'StrList' },
        Flat: { shape: 'FlatList' },
        FlatNamed: { shape: 'FlatNamedList' },
        Attrs: { shape: 'Map' },
        FlatMap: { shape: 'FlatMap' },
        Kind: { shape: 'Str', locationName: 'xsi:type', xmlAttribute: true },
        InHeader: { shape: 'Str', location: 'header', locationName: 'x-h' },
        Items: { shape: 'ItemList' },
      },
    },
    Item: { type: 'structure', members: { Value: { shape: 'Str' } } },
    ItemList: { type: 'list', member: { shape: 'Item', locationName: 'Item' } },
    Str: { type: 'string' },
    Int: { type: 'integer' },
    Long: { type: 'long' },
    Dbl: { type: 'double' },
    Bool: { type: 'boolean' },
    Blob: { type: 'blob' },
    Time: { type: 'timestamp' },
    StrList: { type: 'list', member: { shape: 'Str' } },
    FlatList: { type: 'list', member: { shape: 'Str' }, flattened: true },
    FlatNamedList: { type: 'list', member: { shape: 'Str', locationName: 'Entry' }, flattened: true },
    Map: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
    FlatMap: { type: 'map', key: { shape: 'Str', locationName: 'K' }, value: { shape: 'Str', locationName: 'V' }, flattened: true },
  },
};

const read = (xml: string): unknown => readXmlDocument(model, { shape: 'Doc' }, Buffer.from(xml), 'Doc');
const malformed = (e: unknown): boolean => e instanceof AwsError && e.code === 'MalformedXML' && e.status === 400;

describe('readXmlDocument', () => {
  it('reads every layout, typed', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Doc xmlns="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Thing">
  <Name> a &amp; b &lt;c&gt; &#233;&#x263A; </Name><Other>r</Other>
  <Count>-42</Count><Big>9007199254740991</Big><Ratio>1.5e3</Ratio><On>true</On>
  <Data>AAH/</Data><When>2024-05-01T12:30:00.250Z</When>
  <Wrapped><member>a</member><member>b</member></Wrapped>
  <Flat>c</Flat><Flat>d</Flat>
  <Entry>e</Entry>
  <Attrs><entry><key>k1</key><value>v1</value></entry><entry><key>k2</key><value></value></entry></Attrs>
  <FlatMap><K>x</K><V>y</V></FlatMap><FlatMap><K>z</K><V>w</V></FlatMap>
  <x-h>not from the body</x-h>
  <Items><Item><Value><![CDATA[<raw & text>]]></Value></Item></Items>
  <Unknown><Deep/></Unknown>
</Doc>`;
    assert.deepEqual(read(xml), {
      Name: ' a & b <c> é☺ ', Renamed: 'r', Count: -42, Big: 9007199254740991, Ratio: 1500, On: true,
      Data: Buffer.from([0, 1, 255]), When: new Date('2024-05-01T12:30:00.250Z'),
      Wrapped: ['a', 'b'], Flat: ['c', 'd'], FlatNamed: ['e'],
      Attrs: { k1: 'v1', k2: '' }, FlatMap: { x: 'y', z: 'w' }, Kind: 'Thing',
      Items: [{ Value: '<raw & text>' }],
    });
  });

  it('strips namespace prefixes from element names', () => {
    assert.deepEqual(read('<s3:Doc xmlns:s3="urn:x"><s3:Name>n</s3:Name></s3:Doc>'), { Name: 'n' });
  });

  it('keeps an empty list empty and an empty string empty', () => {
    assert.deepEqual(read('<Doc><Wrapped/><Name/></Doc>'), { Wrapped: [], Name: '' });
  });

  const bad: Array<[string, string]> = [
    ['an integer with a fraction', '<Doc><Count>1.5</Count></Doc>'],
    ['a boolean that is neither', '<Doc><On>yes</On></Doc>'],
    ['bad base64', '<Doc><Data>***</Data></Doc>'],
    ['a bad date', '<Doc><When>soon</When></Doc>'],
    ['a map entry without a value', '<Doc><Attrs><entry><key>k</key></entry></Attrs></Doc>'],
    ['the wrong root', '<Other/>'],
    ['two roots', '<Doc/><Doc/>'],
    ['an external entity', '<!DOCTYPE Doc [<!ENTITY e SYSTEM "file:///etc/passwd">]><Doc><Name>&e;</Name></Doc>'],
    ['an unknown entity', '<Doc><Name>&nbsp;</Name></Doc>'],
    ['an out-of-range character reference', '<Doc><Name>&#x110000;</Name></Doc>'],
    ['nothing', ''],
  ];
  for (const [what, xml] of bad) {
    it(`answers MalformedXML to ${what}`, () => assert.throws(() => read(xml), malformed));
  }
});

describe('parseXml', () => {
  it('gives the root element with attributes, children and text', () => {
    const root = parseXml('<a x="1 &amp; 2"><b>t</b>tail</a>');
    assert.equal(root.name, 'a');
    assert.deepEqual(root.attrs, { x: '1 & 2' });
    assert.equal(root.children[0]?.name, 'b');
    assert.equal(root.text, 'tail');
  });
});
