import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/client-node';
import { CliError } from './errors.js';

/**
 * Argument parsing for `coffer encrypt|decrypt`, following aws-encryption-cli 4.x
 * (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/crypto-cli-reference.html):
 * the same attribute names, rules and messages, so its command lines carry over.
 */

/** One `--wrapping-keys` group: its keys share a profile and default region. */
export interface WrappingKeyGroup {
  keys: string[];
  region?: string;
  profile?: string;
  /** Decrypt only: any KMS key may unwrap, optionally limited to accounts of one partition. */
  discovery: boolean;
  discoveryFilter?: { accountIDs: string[]; partition: string };
}

const ATTRIBUTES = new Set(['key', 'provider', 'region', 'profile', 'discovery', 'discovery-account', 'discovery-partition']);

/** `key=value` arguments into lists by key; the error text is aws-encryption-cli's. */
export function parseKeyValues(args: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const arg of args) {
    const at = arg.indexOf('=');
    const key = at > 0 ? arg.slice(0, at) : '';
    const value = at > 0 ? arg.slice(at + 1) : '';
    if (!key || !value) throw new CliError('Argument parameter must follow the format "key=value"');
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function single(values: string[] | undefined, name: string): string | undefined {
  if (!values) return undefined;
  if (values.length !== 1) throw new CliError(`Only one ${name} may be specified per wrapping key configuration. ${values.length} provided.`);
  return values[0];
}

/** aws-encryption-cli's pseudo-booleans for `discovery=`. */
function pseudoBool(value: string): boolean {
  const v = value.toLowerCase();
  if (['true', 't', '1', 'yes', 'y'].includes(v)) return true;
  if (['false', 'f', '0', 'no', 'n'].includes(v)) return false;
  throw new CliError(`Value ${value} could not be parsed as true or false`);
}

/** A key ARN as the Encryption SDK writes it into messages (`arn:<partition>:kms:...:key/...`). */
export function isKeyArn(id: string): boolean {
  return /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(id);
}

/** Parses every `--wrapping-keys` group for `mode`. */
export function parseWrappingKeys(groups: string[][], mode: 'encrypt' | 'decrypt'): WrappingKeyGroup[] {
  if (!groups.length) throw new CliError('No wrapping key provider configuration found (add --wrapping-keys key=<key id, ARN or alias>)');
  return groups.map((raw) => {
    const attrs = parseKeyValues(raw);
    for (const name of attrs.keys()) {
      if (!ATTRIBUTES.has(name)) throw new CliError(`Unknown wrapping key attribute "${name}" (use key, region, profile, discovery, discovery-account, discovery-partition)`);
    }
    const provider = attrs.get('provider') ?? ['aws-kms'];
    if (provider.length !== 1) throw new CliError(`You must provide exactly one "provider" for each wrapping key provider configuration. ${provider.length} provided`);
    if (!['aws-kms', 'aws-encryption-sdk-cli::aws-kms'].includes(provider[0]!)) throw new CliError(`Unsupported wrapping key provider "${provider[0]}": only aws-kms is supported`);
    const keys = attrs.get('key') ?? [];
    const group: WrappingKeyGroup = { keys, region: single(attrs.get('region'), 'region'), profile: single(attrs.get('profile'), 'profile'), discovery: false };
    const hasDiscovery = attrs.has('discovery') || attrs.has('discovery-account') || attrs.has('discovery-partition');
    if (mode === 'encrypt') {
      if (hasDiscovery) throw new CliError('Discovery attributes are supported only on decryption for AWS KMS keys');
      if (!keys.length) throw new CliError('At least one "key" must be provided for each wrapping key provider configuration');
      return group;
    }
    if (!attrs.has('discovery')) {
      if (hasDiscovery) throw new CliError('Discovery-account and discovery-partition are valid only when the discovery attribute is set to true');
    } else {
      group.discovery = pseudoBool(single(attrs.get('discovery'), 'discovery')!);
      const accounts = attrs.get('discovery-account');
      const partition = attrs.get('discovery-partition');
      if (!group.discovery && (accounts || partition)) throw new CliError('Discovery-account and discovery-partition are valid only when the discovery attribute is set to true');
      if (accounts && !partition) throw new CliError('When specifying discovery-account, you must also specify discovery-partition');
      if (partition && !accounts) throw new CliError('When specifying discovery-partition, you must also specify discovery-account');
      if (accounts && partition) {
        if (partition.length !== 1) throw new CliError('You can only specify discovery-partition once');
        group.discoveryFilter = { accountIDs: accounts, partition: partition[0]! };
      }
    }
    if (group.discovery && keys.length) throw new CliError('If discovery is true (enabled), you cannot specify wrapping keys');
    if (!group.discovery && !keys.length) throw new CliError('When discovery is false (disabled), you must specify at least one wrapping key');
    // Messages name their wrapping keys by ARN only, so an alias could never match one.
    const notArn = keys.find((k) => !isKeyArn(k));
    if (notArn) throw new CliError(`To decrypt, wrapping keys must be key ARNs (arn:aws:kms:<region>:<account>:key/<id>), not "${notArn}"; or use discovery=true`);
    return group;
  });
}

/** The encryption context given on encrypt, or the pairs and keys required on decrypt. */
export interface ContextArgs {
  context: Record<string, string>;
  requiredKeys: string[];
}

/**
 * `-c k=v ...`. On encrypt every item is a pair. On decrypt (as aws-encryption-cli) `k=v` requires
 * that pair in the message and a bare `k` requires the key with any value.
 */
export function parseEncryptionContext(items: string[], mode: 'encrypt' | 'decrypt'): ContextArgs {
  const pairs = mode === 'encrypt' ? items : items.filter((i) => i.includes('='));
  const requiredKeys = mode === 'encrypt' ? [] : items.filter((i) => !i.includes('='));
  const context: Record<string, string> = {};
  for (const [k, values] of parseKeyValues(pairs)) context[k] = values[0]!;
  return { context, requiredKeys };
}

/** What `parseEncryptionContext`'s requirements found missing from a message's context. */
export interface ContextMismatch {
  missingKeys: string[];
  missingPairs: [string, string][];
}

/** The subset check aws-encryption-cli applies on decrypt; undefined when the message passes. */
export function checkRequiredContext(found: Readonly<Record<string, string>>, required: ContextArgs): ContextMismatch | undefined {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(found, k);
  const missingKeys = required.requiredKeys.filter((k) => !has(k));
  const missingPairs = Object.entries(required.context).filter(([k, v]) => !has(k) || found[k] !== v);
  return missingKeys.length || missingPairs.length ? { missingKeys, missingPairs } : undefined;
}

/** `--commitment-policy` values, aws-encryption-cli's spelling. */
export const COMMITMENT_POLICIES: Record<string, CommitmentPolicy> = {
  'require-encrypt-require-decrypt': CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  'require-encrypt-allow-decrypt': CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
  'forbid-encrypt-allow-decrypt': CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
};

/** `--algorithm` values: the Python SDK's Algorithm names, which aws-encryption-cli accepts. */
export const ALGORITHMS: Record<string, AlgorithmSuiteIdentifier> = {
  AES_128_GCM_IV12_TAG16: AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16,
  AES_192_GCM_IV12_TAG16: AlgorithmSuiteIdentifier.ALG_AES192_GCM_IV12_TAG16,
  AES_256_GCM_IV12_TAG16: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16,
  AES_128_GCM_IV12_TAG16_HKDF_SHA256: AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256,
  AES_192_GCM_IV12_TAG16_HKDF_SHA256: AlgorithmSuiteIdentifier.ALG_AES192_GCM_IV12_TAG16_HKDF_SHA256,
  AES_256_GCM_IV12_TAG16_HKDF_SHA256: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256,
  AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256: AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256,
  AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: AlgorithmSuiteIdentifier.ALG_AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
  AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
};

/** The Python name of a suite id, for metadata (aws-encryption-cli writes `algorithm.name`). */
export function algorithmName(id: AlgorithmSuiteIdentifier): string {
  return Object.entries(ALGORITHMS).find(([, v]) => v === id)?.[0] ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/** Committing suites are 0x04xx/0x05xx; only they may be used under a require-encrypt policy. */
export function isCommitting(id: AlgorithmSuiteIdentifier): boolean {
  return id >> 8 === 0x04 || id >> 8 === 0x05;
}

/** Checks `--algorithm` against the commitment policy before any KMS call is made. */
export function checkAlgorithm(name: string | undefined, policy: CommitmentPolicy): AlgorithmSuiteIdentifier | undefined {
  if (name === undefined) return undefined;
  const id = ALGORITHMS[name];
  if (id === undefined) throw new CliError(`Unknown algorithm "${name}" (one of ${Object.keys(ALGORITHMS).join(', ')})`);
  const requireCommit = policy !== CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT;
  if (requireCommit && !isCommitting(id)) throw new CliError(`${name} does not commit to its key; it needs --commitment-policy forbid-encrypt-allow-decrypt`);
  if (!requireCommit && isCommitting(id)) throw new CliError(`${name} commits to its key, which --commitment-policy forbid-encrypt-allow-decrypt forbids`);
  return id;
}

/** A positive integer option, with a one-line error naming the flag. */
export function positiveInt(value: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new CliError(`${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

/**
 * Splits the raw arguments of a command into one list per occurrence of a variadic option
 * (`-w a b -w c` -> [[a, b], [c]]), the grouping argparse's `nargs='+', action='append'` gives
 * aws-encryption-cli and commander flattens. Values run until the next argument that looks like
 * an option, the rule commander itself applies.
 */
export function optionGroups(args: string[], short: string, long: string): string[][] {
  const groups: string[][] = [];
  let current: string[] | undefined;
  for (const arg of args) {
    if (arg === '--') break;
    const looksLikeOption = arg.length > 1 && arg.startsWith('-');
    if (arg === short || arg === long) {
      current = [];
      groups.push(current);
    } else if (arg.startsWith(`${long}=`) || (arg.startsWith(short) && !arg.startsWith('--'))) {
      current = [arg.startsWith(long) ? arg.slice(long.length + 1) : arg.slice(short.length)];
      groups.push(current);
    } else if (looksLikeOption) {
      current = undefined;
    } else if (current) {
      current.push(arg);
    }
  }
  return groups;
}
