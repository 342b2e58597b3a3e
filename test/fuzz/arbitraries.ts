/**
 * Hostile-input generators shared by the fuzz suites: the malformed, huge, deep and invalid inputs
 * clients (or attackers) send, mixed with valid fragments so the decoders get past their first
 * check. Run counts: FUZZ_RUNS (default 200 per property) keeps each file well under a minute in CI;
 * raise it locally for a longer hunt (FUZZ_SEED replays a failure).
 */
import fc from 'fast-check';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** fast-check parameters for a property: the run count, and a fixed seed when FUZZ_SEED is set. */
export function params(scale = 1): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return { numRuns: Math.max(1, Math.round(RUNS * scale)), ...(seed ? { seed: Number(seed) } : {}) };
}

/** Strings that break parsers: separators, escapes, NULs, lone surrogates, path tricks, huge numbers. */
export const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '', ' ', '\0', '\u0000\u0000', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '/', '//', '%', '%zz', '%00', '\r\n', '\ud800', '\udfff',
    '-1', '0', '-0', '1e309', 'NaN', 'Infinity', '9'.repeat(40), '-9223372036854775809', '0x10', 'true', 'null', '[]', '{}',
    'bytes=0-', 'bytes=-0', 'bytes=99999999999999999999-', 'bytes=5-1', 'bytes=0-1,2-3', 'bytes=', 'bytes=-', 'bytes=--1',
    '<', '<a>', '&amp;', '&#0;', '&#x110000;', '&xxe;', ']]>', '"', "'", '\\', '\\u0000', '${jndi:ldap://x}', 'A'.repeat(5000),
  ),
);

/** JSON nested `depth` levels deep (arrays or objects). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** XML nested `depth` elements deep. */
export function deepXml(depth: number, name = 'a'): string {
  return `<${name}>`.repeat(depth) + `</${name}>`.repeat(depth);
}

/** The classic entity-expansion bomb, external entities and parameter entities. */
export const XML_ATTACKS = [
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>' +
    '<Tagging><TagSet><Tag><Key>&lol4;</Key><Value>x</Value></Tag></TagSet></Tagging>',
  '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Tagging><TagSet><Tag><Key>&xxe;</Key><Value>v</Value></Tag></TagSet></Tagging>',
  '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd">%p;]><Delete><Object><Key>k</Key></Object></Delete>',
  '<!DOCTYPE Delete SYSTEM "http://127.0.0.1:1/evil.dtd"><Delete><Object><Key>k</Key></Object></Delete>',
  '<Delete xmlns:xi="http://www.w3.org/2001/XInclude"><Object><Key><xi:include href="file:///etc/passwd" parse="text"/></Key></Object></Delete>',
  '<Delete><Object><Key>&#1114112;</Key></Object></Delete>',
  '<Delete><Object><Key><![CDATA[a]]></Key></Object></Delete>',
  '<Delete><Object><Key>a</Key></Object>',
  '<Delete><Object><Key>a</Key></Object></Delete><Delete/>',
  '<?xml version="1.0" encoding="UTF-7"?><Delete/>',
];

/** Random XML-ish documents: element soup with S3's element names, attributes, text and entities. */
export const xmlDocument: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nasty.map((t) => t.replace(/[<&]/g, '')),
    fc.tuple(
      fc.constantFrom('Tagging', 'TagSet', 'Tag', 'Key', 'Value', 'Delete', 'Object', 'Quiet', 'VersionId', 'CORSConfiguration', 'CORSRule', 'AllowedMethod',
        'CompleteMultipartUpload', 'Part', 'PartNumber', 'ETag', 'VersioningConfiguration', 'Status', 'x', 'a:b'),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.option(fc.constantFrom(' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', ' a="1"', ' a=', ' xmlns:a="x"', " b='&lt;'")),
    ).map(([name, children, attr]) => `<${name}${attr ?? ''}>${children.join('')}</${name}>`),
  ),
})).node;

/** Bytes that are not UTF-8. */
export const invalidUtf8 = fc.constantFrom(
  Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0x7b, 0x22, 0x4b, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), Buffer.from([0xe2, 0x82]),
);

/** A request body: text, bytes, deep or huge structures, invalid UTF-8. */
export const body: fc.Arbitrary<Buffer> = fc.oneof(
  nasty.map((s) => Buffer.from(s)),
  fc.json().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  invalidUtf8,
  xmlDocument.map((s) => Buffer.from(s)),
  fc.constantFrom(...XML_ATTACKS).map((s) => Buffer.from(s)),
  fc.constantFrom(5_000, 100_000).chain((d) => fc.constantFrom(deepJson(d, 'array'), deepJson(d, 'object'), deepXml(d))).map((s) => Buffer.from(s)),
);
