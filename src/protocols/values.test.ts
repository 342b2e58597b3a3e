import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, fromBase64, iso8601, parseBoolean, parseNumber, parseTimestamp, resolve } from './values.js';
import { testModel } from './fixtures/harness.js';

test('timestamps: ISO 8601 keeps milliseconds only when there are some', () => {
  assert.equal(iso8601(new Date('2024-01-02T03:04:05Z')), '2024-01-02T03:04:05Z');
  assert.equal(iso8601(new Date('2024-01-02T03:04:05.5Z')), '2024-01-02T03:04:05.500Z');
  assert.equal(formatTimestamp(new Date('2024-01-02T03:04:05.250Z'), 'unixTimestamp'), 1704164645.25);
  assert.equal(formatTimestamp(new Date('2024-01-02T03:04:05Z'), 'rfc822'), 'Tue, 02 Jan 2024 03:04:05 GMT');
});

test('timestamps are read in any of the three formats', () => {
  const at = new Date('2024-01-02T03:04:05Z');
  for (const wire of ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z', 'Tue, 02 Jan 2024 03:04:05 GMT', '1704164645', 1704164645]) {
    assert.deepEqual(parseTimestamp(wire), at, String(wire));
  }
  assert.equal(parseTimestamp('yesterday'), undefined);
});

test('base64 is strict', () => {
  assert.deepEqual(fromBase64('AQI='), Buffer.from([1, 2]));
  assert.deepEqual(fromBase64(''), Buffer.alloc(0));
  for (const bad of ['AQI', 'AQ=I', 'A*==', 'AQI=\n']) assert.equal(fromBase64(bad), undefined, bad);
});

test('numbers and booleans from text', () => {
  assert.equal(parseNumber('42', 'integer'), 42);
  assert.equal(parseNumber('-7', 'long'), -7);
  assert.equal(parseNumber('4.2', 'integer'), undefined);
  assert.equal(parseNumber('4.2e1', 'double'), 42);
  assert.ok(Number.isNaN(parseNumber('NaN', 'float')));
  assert.equal(parseNumber('-Infinity', 'double'), -Infinity);
  assert.equal(parseNumber('', 'integer'), undefined);
  assert.equal(parseBoolean('true'), true);
  assert.equal(parseBoolean('False'), false);
  assert.equal(parseBoolean('1'), undefined);
});

test('a member reference overrides its shape traits', () => {
  const model = testModel('synthetic-query');
  assert.equal(resolve(model, { shape: 'String', locationName: 'X' }).locationName, 'X');
  assert.equal(resolve(model, { shape: 'FlatList' }).flattened, true);
  assert.equal(resolve(model, { shape: 'FlatList', flattened: false }).flattened, false);
  assert.equal(resolve(model, { shape: 'EpochTimestamp' }).timestampFormat, 'unixTimestamp');
  assert.throws(() => resolve(model, { shape: 'Missing' }), /no shape Missing/);
});
