import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModel } from '../model/registry.js';
import { testModel } from './fixtures/harness.js';
import { escapeXml, xmlElement, xmlMembers } from './xml-write.js';

const synthetic = testModel('synthetic-query');

test('escapeXml escapes markup, quotes and line breaks', () => {
  assert.equal(escapeXml(`a<b>&"c"'d'\n\t\r`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;&#9;&#13;');
  // Control characters never appear raw (a raw one makes the document unparseable).
  assert.equal(escapeXml('k\u0000\u0001\u001f\u007fé'), 'k&#x0;&#x1;&#x1F;\u007fé');
});

test('scalars: timestamps per format, blobs base64, booleans, floats', () => {
  const when = new Date('2024-02-03T04:05:06Z');
  assert.equal(xmlElement(synthetic, { shape: 'Timestamp' }, when, 'T'), '<T>2024-02-03T04:05:06Z</T>');
  assert.equal(xmlElement(synthetic, { shape: 'Timestamp' }, new Date('2024-02-03T04:05:06.789Z'), 'T'), '<T>2024-02-03T04:05:06.789Z</T>');
  assert.equal(xmlElement(synthetic, { shape: 'EpochTimestamp' }, when, 'T'), '<T>1706933106</T>');
  assert.equal(xmlElement(synthetic, { shape: 'Timestamp', timestampFormat: 'rfc822' }, when, 'T'), '<T>Sat, 03 Feb 2024 04:05:06 GMT</T>');
  assert.equal(xmlElement(synthetic, { shape: 'Blob' }, Buffer.from([1, 2]), 'B'), '<B>AQI=</B>');
  assert.equal(xmlElement(synthetic, { shape: 'Boolean' }, false, 'F'), '<F>false</F>');
  assert.equal(xmlElement(synthetic, { shape: 'Double' }, Infinity, 'D'), '<D>Infinity</D>');
  assert.equal(xmlElement(synthetic, { shape: 'String' }, 'a&b', 'S'), '<S>a&amp;b</S>');
});

test('lists: wrapped with <member>, or flattened by the item name', () => {
  assert.equal(xmlElement(synthetic, { shape: 'StringList' }, ['a', 'b'], 'L'), '<L><member>a</member><member>b</member></L>');
  assert.equal(xmlElement(synthetic, { shape: 'StringList' }, [], 'L'), '<L></L>');
  assert.equal(xmlMembers(synthetic, 'EverythingResponse', { Flat: ['c', 'd'], FlatNamed: ['e'] }), '<Flat>c</Flat><Flat>d</Flat><Item>e</Item>');
  assert.equal(xmlElement(synthetic, { shape: 'InnerList' }, [{ Value: 'v' }], 'L'), '<L><Entry><Value>v</Value></Entry></L>');
});

test('maps: <entry> pairs, or flattened with named keys and values', () => {
  assert.equal(xmlElement(synthetic, { shape: 'StringMap' }, { k: 'v' }, 'M'), '<M><entry><key>k</key><value>v</value></entry></M>');
  assert.equal(xmlMembers(synthetic, 'EverythingResponse', { FlatMap: { a: '1', b: '2' } }),
    '<FlatMap><Name>a</Name><Val>1</Val></FlatMap><FlatMap><Name>b</Name><Val>2</Val></FlatMap>');
});

test('attributes, namespaces, renamed members; undefined members are omitted', () => {
  assert.equal(
    xmlMembers(synthetic, 'EverythingResponse', { Renamed: 'r', Name: undefined, Tagged: { Id: '7', Text: 'x"y' }, Grantee: { Type: 'CanonicalUser', ID: 'abc' } }),
    '<OtherName>r</OtherName>'
      + '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>'
      + '<Tagged id="7"><Text>x&quot;y</Text></Tagged>',
  );
});

test('EC2 lists name their items <item> unless the model names them', () => {
  const ec2 = loadModel('ec2');
  assert.equal(xmlElement(ec2, { shape: 'ValueStringList' }, ['a'], 'valueSet', { ec2: true }), '<valueSet><item>a</item></valueSet>');
  assert.equal(xmlElement(synthetic, { shape: 'StringList' }, ['a'], 'L', { ec2: true }), '<L><item>a</item></L>');
});

test('members with an HTTP location stay out of the body', () => {
  const s3 = loadModel('s3');
  const xml = xmlMembers(s3, 'CopyObjectOutput', { CopyObjectResult: { ETag: '"e"' }, VersionId: 'v1', Expiration: 'x' });
  assert.equal(xml, '<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>');
});
