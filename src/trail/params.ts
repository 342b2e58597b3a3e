/**
 * `requestParameters`, `responseElements` and S3's `additionalEventData`, built from the decoded
 * input and output and the service model, with every secret left out.
 *
 * What is left out, and why:
 * - members whose shape the model marks `sensitive` (KMS Plaintext, IAM/STS secret access keys
 *   and passwords, S3 SSE-C keys, ...);
 * - every blob and stream: CloudTrail never logs binary payloads (KMS CiphertextBlob and key
 *   material, S3 object bodies);
 * - the members named in {@link OMITTED_MEMBERS}, wherever they appear, because AWS omits them
 *   (or they are secrets) even where the model does not mark them: session tokens, SSE-C key
 *   digests, passwords;
 * - the response of read-only operations, which AWS logs as `responseElements: null` (KMS
 *   Encrypt, Decrypt and GenerateDataKey included), except STS's credential-vending calls.
 */
import { loadModel, type ServiceName } from '../model/registry.js';
import type { ServiceModel, Shape, ShapeRef } from '../model/types.js';
import { resolve } from '../protocols/values.js';
import type { CallRecord } from './recorder.js';

/** Member names never logged, in any service, at any depth. */
export const OMITTED_MEMBERS: ReadonlySet<string> = new Set([
  'SecretAccessKey', 'SessionToken', 'Password', 'NewPassword', 'OldPassword', 'PrivateKey',
  'Plaintext', 'CiphertextBlob', 'KeyMaterial', 'EncryptedKeyMaterial', 'ImportToken',
  'KeyStorePassword', 'SSECustomerKey', 'SSECustomerKeyMD5', 'CopySourceSSECustomerKey',
  'CopySourceSSECustomerKeyMD5', 'SSEKMSEncryptionContext', 'Body',
  // MFA: the virtual device's seed and QR code, and the one-time codes.
  'Base32StringSeed', 'QRCodePNG', 'AuthenticationCode1', 'AuthenticationCode2', 'TokenCode',
]);

/** Read-only operations whose response AWS still logs (with the secret parts left out). */
const RESPONSE_EVEN_IF_READ_ONLY: Partial<Record<ServiceName, ReadonlySet<string>>> = {
  sts: new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot', 'GetFederationToken', 'GetSessionToken']),
};

const OMIT = Symbol('omit');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Timestamps inside requestParameters and responseElements are written the way AWS's Java
 * services print them, in UTC: `Aug 10, 2022, 10:38:27 PM` (KMS CreateKey's keyMetadata).
 */
export function javaDate(date: Date): string {
  const h = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ` +
    `${h % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * A member name as AWS's Java services log it (java.beans.Introspector.decapitalize):
 * `KeyId` -> `keyId`, but `AWSAccountId` stays (two leading capitals).
 */
export function decapitalize(name: string): string {
  let logged = decapitalized.get(name);
  if (logged === undefined) {
    logged = name.length > 1 && name[0] === name[0]!.toUpperCase() && name[1] === name[1]!.toUpperCase() && /[A-Z]/.test(name[1]!)
      ? name
      : name.charAt(0).toLowerCase() + name.slice(1);
    decapitalized.set(name, logged);
  }
  return logged;
}

/** Member names come from the models: a bounded set, each worked out once. */
const decapitalized = new Map<string, string>();

/** One decoded value as CloudTrail logs it, or OMIT. `rename` names structure members. */
function convert(model: ServiceModel, ref: ShapeRef, value: unknown, rename: (member: string, ref: ShapeRef) => string): unknown {
  if (value === undefined || value === null) return OMIT;
  const { shape } = resolve(model, ref);
  if (shape.sensitive || ref.streaming || shape.streaming) return OMIT;
  switch (shape.type) {
    case 'blob':
      return OMIT;
    case 'timestamp':
      return value instanceof Date ? javaDate(value) : value;
    case 'list': {
      if (!Array.isArray(value)) return OMIT;
      return value.map((v) => convert(model, shape.member!, v, rename)).filter((v) => v !== OMIT);
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const converted = convert(model, shape.value!, v, rename);
        if (converted !== OMIT) out[k] = converted;
      }
      return out;
    }
    case 'structure': {
      if (shape.document) return value;
      const out: Record<string, unknown> = {};
      for (const [name, member] of membersOf(shape)) {
        if (OMITTED_MEMBERS.has(name)) continue;
        const converted = convert(model, member, (value as Record<string, unknown>)[name], rename);
        if (converted !== OMIT) out[rename(name, member)] = converted;
      }
      return out;
    }
    default:
      return value;
  }
}

/** A structure's members as entries, listed once per shape (every logged call walks them). */
function membersOf(shape: Shape): Array<[string, ShapeRef]> {
  let entries = memberEntries.get(shape);
  if (!entries) memberEntries.set(shape, (entries = Object.entries(shape.members ?? {})));
  return entries;
}

const memberEntries = new WeakMap<Shape, Array<[string, ShapeRef]>>();

function nonEmpty(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && Object.keys(value).length > 0 ? (value as Record<string, unknown>) : null;
}

/** The input of a JSON / Query / EC2 call, members named as AWS's Java services log them. */
function genericParameters(model: ServiceModel, ref: ShapeRef | undefined, value: unknown): Record<string, unknown> | null {
  if (!ref || value === undefined) return null;
  const converted = convert(model, ref, value, (name) => decapitalize(name));
  return converted === OMIT ? null : nonEmpty(converted);
}

/** One input member S3 logs: under which name, and whether it is converted (`ref`) or logged as given. */
interface S3Logged {
  name: string;
  logAs: string;
  ref?: ShapeRef;
}

/** What S3 logs of an operation's input and output, worked out once per operation (every S3 call walks it). */
interface S3Plan {
  /** The operation's subresource flags (`acl` with an empty value, `list-type: 2`). */
  flags: Array<[string, string]>;
  /** Input members in the model's order: the bucket and key from the URI, query-string and payload members. */
  input: S3Logged[];
  /** Output members sent as x-amz-* headers, logged under the header's name. */
  output: Array<Required<S3Logged>>;
}

const s3Plans = new Map<string, S3Plan>();

function s3Plan(model: ServiceModel, operation: string): S3Plan {
  let plan = s3Plans.get(operation);
  if (plan) return plan;
  // PostObject (a browser upload) is no model operation: it has PutObject's input and output.
  const op = model.operations[operation === 'PostObject' ? 'PutObject' : operation]!;
  const query = op.http.requestUri.split('?')[1];
  const flags = (query ? query.split('&') : []).map((flag): [string, string] => {
    const [k, v] = flag.split('=');
    return [k!, v ?? ''];
  }).filter(([k]) => k && k !== 'x-id');
  const inShape = op.input ? model.shapes[op.input.shape] : undefined;
  const input: S3Logged[] = [];
  for (const [name, ref] of Object.entries(inShape?.members ?? {})) {
    if (OMITTED_MEMBERS.has(name)) continue;
    if (ref.location === 'uri') {
      if (name === 'Bucket') input.push({ name, logAs: 'bucketName' });
      else if (name === 'Key') input.push({ name, logAs: 'key' });
    } else if (ref.location === 'querystring' || (!ref.location && inShape?.payload === name)) {
      input.push({ name, logAs: ref.locationName ?? name, ref });
    }
  }
  const outShape = op.output ? model.shapes[op.output.shape] : undefined;
  const output: Array<Required<S3Logged>> = [];
  for (const [name, ref] of Object.entries(outShape?.members ?? {})) {
    const header = ref.location === 'header' ? ref.locationName?.toLowerCase() : undefined;
    if (header?.startsWith('x-amz-') && !OMITTED_MEMBERS.has(name)) output.push({ name, logAs: header, ref });
  }
  s3Plans.set(operation, (plan = { flags, input, output }));
  return plan;
}

/**
 * S3 logs `bucketName`, `Host` and `key`, the query-string parameters under their wire names
 * (subresource flags such as `acl` with an empty value, `list-type: 2`), and XML payloads under
 * their element names. Headers are not logged.
 */
function s3Parameters(model: ServiceModel, operation: string, call: CallRecord): Record<string, unknown> | null {
  const plan = s3Plan(model, operation);
  const input = (call.input ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = Object.fromEntries(plan.flags);
  for (const { name, logAs, ref } of plan.input) {
    const value = input[name];
    if (value === undefined) continue;
    const converted = ref ? convert(model, ref, value, (n, member) => member.locationName ?? n) : value;
    if (converted !== OMIT) out[logAs] = converted;
  }
  if (call.host) out.Host = call.host;
  return nonEmpty(out);
}

/** What S3 puts in responseElements: the x-amz-* response headers (encryption, version id). */
function s3Response(model: ServiceModel, operation: string, output: unknown): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const { name, logAs, ref } of s3Plan(model, operation).output) {
    const converted = convert(model, ref, (output as Record<string, unknown>)[name], (n) => n);
    if (converted !== OMIT) out[logAs] = converted;
  }
  return nonEmpty(out);
}

export function requestParameters(call: CallRecord & { operation: string }): Record<string, unknown> | null {
  const model = loadModel(call.service);
  if (call.service === 's3') return s3Parameters(model, call.operation, call);
  return genericParameters(model, model.operations[call.operation]?.input, call.input);
}

export function responseElements(call: CallRecord & { operation: string }, readOnly: boolean): Record<string, unknown> | null {
  if (call.error || call.output === undefined) return null;
  if (readOnly && !RESPONSE_EVEN_IF_READ_ONLY[call.service]?.has(call.operation)) return null;
  const model = loadModel(call.service);
  if (call.service === 's3') return s3Response(model, call.operation, call.output);
  return genericParameters(model, model.operations[call.operation]?.output, call.output);
}

/** S3's `additionalEventData`: signature version, authentication method, bytes moved, host id. */
export function s3AdditionalEventData(call: CallRecord): Record<string, unknown> | undefined {
  if (call.service !== 's3' || !call.s3) return undefined;
  const out: Record<string, unknown> = {};
  if (call.principal || call.accessKeyId) out.SignatureVersion = 'SigV4';
  if (call.tls) out.CipherSuite = call.tls.cipherSuite;
  if (call.s3.bytesIn !== undefined) out.bytesTransferredIn = call.s3.bytesIn;
  if (call.s3.authMethod) out.AuthenticationMethod = call.s3.authMethod;
  if (call.s3.hostId) out['x-amz-id-2'] = call.s3.hostId;
  if (call.s3.bytesOut !== undefined) out.bytesTransferredOut = call.s3.bytesOut;
  return out;
}
