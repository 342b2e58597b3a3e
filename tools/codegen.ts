/**
 * `npm run codegen`: writes src/generated/<svc>/{shapes,api,errors,index}.ts from the vendored
 * botocore models (with their patches), so services are typed by the same model the protocol
 * codecs are driven by. `--check` regenerates in memory and exits 1 if src/generated differs.
 *
 * Output is a pure function of the models: shapes and operations are sorted, formatting is fixed,
 * nothing depends on the clock or the file system order, so `--check` is meaningful in lint.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadModel, SERVICE_NAMES } from '../src/model/registry.js';
import type { ServiceModel, Shape, ShapeRef } from '../src/model/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = 'src/generated';

/** Unions longer than this are written one literal per line. */
const MAX_LINE = 100;

/**
 * Shape names that would shadow a TypeScript keyword, a type the generated code itself uses, or a
 * well-known global; such a shape's type gets a trailing `_` (`Object` -> `Object_`). One fixed
 * list, so a shape's TypeScript name never depends on anything but its model name.
 */
const RESERVED = new Set([
  // TypeScript / JavaScript keywords and primitive type names.
  'any', 'unknown', 'never', 'void', 'null', 'undefined', 'object', 'string', 'number', 'boolean',
  'symbol', 'bigint', 'type', 'interface', 'enum', 'class', 'function', 'default', 'delete', 'new',
  'in', 'of', 'is', 'keyof', 'typeof', 'infer', 'extends', 'implements', 'import', 'export',
  'package', 'private', 'protected', 'public', 'static', 'let', 'var', 'const', 'this', 'super',
  'true', 'false', 'return', 'yield', 'await', 'async', 'with', 'switch', 'case', 'catch', 'try',
  'throw', 'finally', 'if', 'else', 'for', 'while', 'do', 'break', 'continue', 'debugger',
  'instanceof', 'declare', 'namespace', 'module', 'readonly', 'abstract', 'as', 'satisfies',
  // ECMAScript globals and TypeScript utility types.
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Date', 'RegExp',
  'Error', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'Proxy', 'Reflect', 'JSON', 'Math', 'Intl',
  'ArrayBuffer', 'DataView', 'Uint8Array', 'Iterator', 'AsyncIterable', 'Iterable', 'Record',
  'Partial', 'Required', 'Readonly', 'Pick', 'Omit', 'Exclude', 'Extract', 'NonNullable',
  'ReturnType', 'Awaited',
  // Node globals and the names the generated files import.
  'Buffer', 'Readable', 'Blob', 'URL', 'Event', 'EventTarget', 'Request', 'Response', 'Headers',
  'RequestContext',
]);

/** The TypeScript name of a model shape. */
export function typeName(shape: string): string {
  return RESERVED.has(shape) ? `${shape}_` : shape;
}

/** The service method of a model operation: `GetSSHPublicKey` -> `getSSHPublicKey`, as SDK v3 does. */
export function methodName(operation: string): string {
  return operation.charAt(0).toLowerCase() + operation.slice(1);
}

/** `kms` -> `Kms`, `cloudtrail` -> `Cloudtrail`: the prefix of a service's exported types. */
function pascal(svc: string): string {
  return svc.charAt(0).toUpperCase() + svc.slice(1);
}

/** A single-quoted TypeScript string literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Abbreviations a sentence does not end at. */
const ABBREVIATION = /(?:\be\.g|\bi\.e|\betc|\bvs|\bapprox|\bNo|\bInc)\.$/;

/**
 * The first sentence of a model's HTML documentation as plain text, at most ~240 characters:
 * enough for an editor tooltip, small enough that EC2's 4,000 shapes stay a reasonable file.
 */
export function firstSentence(doc: string | undefined): string | undefined {
  if (!doc) return undefined;
  // The first paragraph: block tags split it, so a list after "one of the following:" is not run in.
  const paragraph = doc
    .split(/<\/?(?:p|li|ul|ol|br|div|note|important|dl|dt|dd|h\d|para|code-block|pre)\b[^>]*>/i)
    .find((part) => part.replace(/<[^>]*>/g, '').trim() !== '');
  if (!paragraph) return undefined;
  const text = paragraph
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_m, name: string) => ENTITIES[name])
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;
  let end = text.length;
  for (const match of text.matchAll(/[.!?](?=\s|$)/g)) {
    const upTo = text.slice(0, match.index + 1);
    if (!ABBREVIATION.test(upTo)) {
      end = match.index + 1;
      break;
    }
  }
  const sentence = text.slice(0, end);
  return sentence.length > 240 ? `${sentence.slice(0, 239).trimEnd()}…` : sentence;
}

/** Model refs and operations carry `deprecated` flags that src/model/types.ts does not declare. */
interface Deprecation {
  documentation?: string;
  deprecated?: boolean;
  deprecatedMessage?: string;
}

/** A TSDoc comment (indented), or nothing when there is neither documentation nor a deprecation. */
function tsdoc(source: Deprecation, indent: string): string[] {
  const escape = (s: string): string => s.replace(/\*\//g, '*\\/').replace(/@/g, '\\@');
  const summary = firstSentence(source.documentation);
  const lines = summary ? [escape(summary)] : [];
  if (source.deprecated) {
    const why = firstSentence(source.deprecatedMessage);
    lines.push(why ? `@deprecated ${escape(why)}` : '@deprecated');
  }
  if (lines.length === 0) return [];
  if (lines.length === 1 && !source.deprecated) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function header(svc: string, hasPatch: boolean): string {
  const from = `models/${svc}/service-2.json${hasPatch ? ` and models/patches/${svc}.json` : ''}`;
  return `// DO NOT EDIT: generated by tools/codegen.ts from ${from}. Run \`npm run codegen\`.\n`;
}

/** A streaming blob is read from the request or written to the response without buffering it. */
const STREAM_TYPE = 'Readable | Buffer';

function isStreamingBlob(shape: Shape): boolean {
  return shape.type === 'blob' && Boolean(shape.streaming);
}

function refType(model: ServiceModel, ref: ShapeRef): string {
  const target = model.shapes[ref.shape];
  if (!target) throw new Error(`shape ${ref.shape} is referenced but not defined`);
  // A streaming ref to a plain blob shape cannot reuse the shape's alias.
  if (ref.streaming && !target.streaming && target.type === 'blob') return STREAM_TYPE;
  return typeName(ref.shape);
}

function union(name: string, literals: string[]): string[] {
  const line = `export type ${name} = ${literals.join(' | ')};`;
  if (line.length <= MAX_LINE) return [line];
  return [`export type ${name} =`, ...literals.map((l, i) => `  | ${l}${i === literals.length - 1 ? ';' : ''}`)];
}

function renderShape(model: ServiceModel, name: string, shape: Shape): string[] {
  const ts = typeName(name);
  const doc = tsdoc(shape as Deprecation, '');
  switch (shape.type as string) {
    case 'structure': {
      // Unions and event streams set exactly one member; the model's `required` does not apply.
      const required = new Set(shape.union || shape.eventstream ? [] : (shape.required ?? []));
      const members = Object.entries(shape.members ?? {}).flatMap(([member, ref]) => [
        ...tsdoc(ref as Deprecation, '  '),
        `  ${propertyKey(member)}${required.has(member) ? '' : '?'}: ${refType(model, ref)};`,
      ]);
      return members.length === 0
        ? [...doc, `export interface ${ts} {}`]
        : [...doc, `export interface ${ts} {`, ...members, '}'];
    }
    case 'string':
      if (shape.enum?.length) return [...doc, ...union(ts, [...new Set(shape.enum)].map(quote))];
      return [...doc, `export type ${ts} = string;`];
    case 'integer': case 'long': case 'float': case 'double':
      return [...doc, `export type ${ts} = number;`];
    case 'boolean':
      return [...doc, `export type ${ts} = boolean;`];
    case 'timestamp':
      return [...doc, `export type ${ts} = Date;`];
    case 'blob':
      return [...doc, `export type ${ts} = ${isStreamingBlob(shape) ? STREAM_TYPE : 'Buffer'};`];
    case 'list': {
      const item = refType(model, shape.member!);
      return [...doc, `export type ${ts} = ${item.includes(' ') ? `(${item})` : item}[];`];
    }
    case 'map':
      return [...doc, `export type ${ts} = Record<string, ${refType(model, shape.value!)}>;`];
    case 'document':
      return [...doc, `export type ${ts} = unknown;`];
    default:
      throw new Error(`shape ${name}: unsupported type ${shape.type}`);
  }
}

function sortedKeys<T>(record: Record<string, T>): string[] {
  return Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every shape of the model as one exported type, sorted by name. */
export function renderShapes(svc: string, model: ServiceModel, hasPatch = false): string {
  const names = sortedKeys(model.shapes);
  const seen = new Map<string, string>();
  for (const name of names) {
    const clash = seen.get(typeName(name));
    if (clash) throw new Error(`${svc}: shapes ${clash} and ${name} both map to type ${typeName(name)}`);
    seen.set(typeName(name), name);
  }
  const streams = names.some((n) => isStreamingBlob(model.shapes[n]))
    || Object.values(model.shapes).some((s) => Object.values(s.members ?? {}).some((r) => r.streaming));
  const out = [header(svc, hasPatch)];
  if (streams) out.push("import type { Readable } from 'node:stream';\n");
  for (const name of names) out.push(renderShape(model, name, model.shapes[name]).join('\n') + '\n');
  return out.join('\n');
}

/** The service interface: one method per model operation, plus operation name -> method name. */
export function renderApi(svc: string, model: ServiceModel, hasPatch = false): string {
  const Svc = pascal(svc);
  const ops = sortedKeys(model.operations);
  const out = [
    header(svc, hasPatch),
    "import type { RequestContext } from '../../server/context.js';",
    "import type * as S from './shapes.js';\n",
    `/** Every ${model.metadata.serviceId} operation, as the service implements it. */`,
    `export interface ${Svc}Api {`,
  ];
  for (const op of ops) {
    const operation = model.operations[op];
    const input = operation.input ? `S.${typeName(operation.input.shape)}` : 'Record<string, never>';
    const output = operation.output ? `S.${typeName(operation.output.shape)}` : 'void';
    out.push(...tsdoc(operation as Deprecation, '  '));
    out.push(`  ${methodName(op)}(ctx: RequestContext, input: ${input}): Promise<${output}>;`);
  }
  out.push('}\n');
  out.push(`/** Model operation name -> ${Svc}Api method name. */`);
  out.push(`export const ${svc}Operations = {`);
  for (const op of ops) out.push(`  ${propertyKey(op)}: ${quote(methodName(op))},`);
  out.push('} as const;\n');
  out.push(`/** An operation name as the wire carries it (\`X-Amz-Target\`, \`Action=\`). */`);
  out.push(`export type ${Svc}OperationName = keyof typeof ${svc}Operations;`);
  return out.join('\n') + '\n';
}

/** The code an error shape is sent with: its `error.code`, else its name. */
function errorCode(model: ServiceModel, shapeName: string): string {
  return model.shapes[shapeName]?.error?.code ?? shapeName;
}

/** Error codes the model knows and the codes each operation lists. */
export function renderErrors(svc: string, model: ServiceModel, hasPatch = false): string {
  const Svc = pascal(svc);
  const ops = sortedKeys(model.operations);
  const errorShapes = new Set(Object.keys(model.shapes).filter((n) => model.shapes[n].exception));
  for (const op of ops) for (const ref of model.operations[op].errors ?? []) errorShapes.add(ref.shape);
  const codes = [...new Set([...errorShapes].map((n) => errorCode(model, n)))].sort();
  const out = [
    header(svc, hasPatch),
    `/** Every error code the ${model.metadata.serviceId} model knows: an error shape's \`error.code\`, else its name. */`,
    codes.length === 0
      ? `export const ${svc}ErrorCodes = [] as const;\n`
      : [`export const ${svc}ErrorCodes = [`, ...codes.map((c) => `  ${quote(c)},`), '] as const;\n'].join('\n'),
    `export type ${Svc}ErrorCode = (typeof ${svc}ErrorCodes)[number];\n`,
    '/** Operation name -> the error codes the model lists for it (every operation has an entry). */',
    `export const ${svc}OperationErrors: Readonly<Record<string, readonly string[]>> = {`,
  ];
  for (const op of ops) {
    const listed = [...new Set((model.operations[op].errors ?? []).map((r) => errorCode(model, r.shape)))].sort();
    const line = `  ${propertyKey(op)}: [${listed.map(quote).join(', ')}],`;
    out.push(line.length <= MAX_LINE ? line : [`  ${propertyKey(op)}: [`, ...listed.map((c) => `    ${quote(c)},`), '  ],'].join('\n'));
  }
  out.push('};');
  return out.join('\n') + '\n';
}

/** Every generated file, by its path relative to the repository root (posix separators). */
export function generate(): Map<string, string> {
  const files = new Map<string, string>();
  const index = ['// DO NOT EDIT: generated by tools/codegen.ts from models/*/service-2.json. Run `npm run codegen`.\n'];
  for (const svc of SERVICE_NAMES) {
    const model = loadModel(svc);
    const hasPatch = existsSync(join(ROOT, 'models', 'patches', `${svc}.json`));
    files.set(`${OUT_DIR}/${svc}/shapes.ts`, renderShapes(svc, model, hasPatch));
    files.set(`${OUT_DIR}/${svc}/api.ts`, renderApi(svc, model, hasPatch));
    files.set(`${OUT_DIR}/${svc}/errors.ts`, renderErrors(svc, model, hasPatch));
    files.set(`${OUT_DIR}/${svc}/index.ts`, [
      header(svc, hasPatch),
      "export * from './api.js';",
      "export * from './errors.js';",
      "export type * as shapes from './shapes.js';",
      '',
    ].join('\n'));
    index.push(`export * as ${svc} from './${svc}/index.js';`);
  }
  files.set(`${OUT_DIR}/index.ts`, index.join('\n') + '\n');
  return files;
}

/** The .ts files currently under src/generated, relative to the root with posix separators. */
function existingFiles(dir = join(ROOT, OUT_DIR)): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return existingFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

function read(path: string): string | undefined {
  const full = join(ROOT, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

/** Writes (or with `check`, compares) src/generated; returns the paths that differed. */
export function run(check: boolean): string[] {
  const files = generate();
  const stale = existingFiles().filter((path) => !files.has(path));
  const changed = [...files].filter(([path, text]) => read(path) !== text).map(([path]) => path);
  if (!check) {
    for (const path of changed) {
      mkdirSync(dirname(join(ROOT, path)), { recursive: true });
      writeFileSync(join(ROOT, path), files.get(path)!);
    }
    for (const path of stale) rmSync(join(ROOT, path));
  }
  return [...changed, ...stale].sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes('--check');
  const differing = run(check);
  if (check && differing.length > 0) {
    console.error(`src/generated is out of date; run \`npm run codegen\`:\n${differing.map((p) => `  ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else if (!check) {
    console.log(differing.length ? `codegen: updated ${differing.join(', ')}` : 'codegen: src/generated is up to date');
  }
}
