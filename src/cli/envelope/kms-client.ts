import { KMS, type KMSClientConfig } from '@aws-sdk/client-kms';
import type { KmsNodeClientSupplier } from '@aws-crypto/client-node';

/**
 * The KMS clients the CLI uses: plain AWS SDK v3 clients, so Coffer and AWS look the same.
 *
 * Endpoint: `--endpoint-url`, else the SDK's own configured-endpoint chain (AWS_ENDPOINT_URL_KMS,
 * AWS_ENDPOINT_URL, `endpoint_url` in the profile), else AWS. Region: the region in the key ARN
 * (the Encryption SDK passes it), else the wrapping key's `region=`, else `--region`, else the
 * SDK's chain (AWS_REGION, the profile). Credentials: the SDK's chain for `profile`.
 */
export interface KmsSettings {
  endpointUrl?: string;
  profile?: string;
  region?: string;
}

/** One failed KMS call, kept so an error can name the key and KMS's reason without a stack. */
export interface KmsFailure {
  operation: 'GenerateDataKey' | 'Encrypt' | 'Decrypt';
  keyId: string | undefined;
  code: string;
  message: string;
}

/** Collects the KMS failures of one CLI run (the Encryption SDK folds them into stack dumps). */
export class KmsCallLog {
  readonly failures: KmsFailure[] = [];

  /** Runs `call`, recording its failure before passing it on. */
  async record<T>(operation: KmsFailure['operation'], keyId: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      // AWS errors carry their code as the name; network errors as an errno `code` (ECONNREFUSED).
      const code = typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code) ? e.code : e.name ?? 'Error';
      this.failures.push({ operation, keyId, code, message: (e.message ?? String(err)).split('\n')[0]! });
      throw err;
    }
  }
}

/** The subset of KMS the CLI calls, each call recorded in a KmsCallLog. */
export type CliKms = Pick<KMS, 'generateDataKey' | 'encrypt' | 'decrypt'>;

/**
 * A client supplier for the Encryption SDK's keyrings (and the Fernet envelope): one SDK client
 * per region, built from `settings`, its calls logged in `log`.
 */
export function kmsClientSupplier(settings: KmsSettings, log: KmsCallLog): KmsNodeClientSupplier & ((region: string) => CliKms) {
  // The SDK's notice about future Node versions is for this project's maintainers, not for
  // someone decrypting a file: keep the CLI's stderr to its own one-line messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const clients = new Map<string, CliKms>();
  return (region: string) => {
    const key = region || settings.region || '';
    let client = clients.get(key);
    if (!client) {
      client = loggedClient(new KMS(clientConfig(settings, key)), log);
      clients.set(key, client);
    }
    return client;
  };
}

function clientConfig(settings: KmsSettings, region: string): KMSClientConfig {
  const config: KMSClientConfig = { customUserAgent: 'coffer-envelope-cli' };
  if (settings.endpointUrl) config.endpoint = settings.endpointUrl;
  if (settings.profile) config.profile = settings.profile;
  if (region) config.region = region;
  return config;
}

/** `kms` with each call's failure recorded in `log`. */
export function loggedClient(kms: CliKms, log: KmsCallLog): CliKms {
  return {
    generateDataKey: ((input: Parameters<KMS['generateDataKey']>[0]) =>
      log.record('GenerateDataKey', input.KeyId, () => kms.generateDataKey(input))) as KMS['generateDataKey'],
    encrypt: ((input: Parameters<KMS['encrypt']>[0]) =>
      log.record('Encrypt', input.KeyId, () => kms.encrypt(input))) as KMS['encrypt'],
    decrypt: ((input: Parameters<KMS['decrypt']>[0]) =>
      log.record('Decrypt', input.KeyId, () => kms.decrypt(input))) as KMS['decrypt'],
  };
}

/** The region in a key or alias ARN ('' for ids and alias names: the client's default applies). */
export function regionOf(keyId: string): string {
  return keyId.startsWith('arn:') ? keyId.split(':')[3] ?? '' : '';
}
