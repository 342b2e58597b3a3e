import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { CliKms } from '../kms-client.js';

/**
 * An in-process stand-in for KMS, for unit tests only (end-to-end tests use a real Coffer
 * server): symmetric keys that wrap data keys with AES-256-GCM bound to the encryption context,
 * key ARNs in responses, aliases, disabling, and errors shaped like the AWS SDK's.
 */
export class KmsStub {
  readonly accountId = '111122223333';
  readonly region = 'us-east-1';
  private readonly keys = new Map<string, { material: Buffer; enabled: boolean }>();
  private readonly aliases = new Map<string, string>();
  readonly calls: { operation: string; keyId?: string }[] = [];

  /** A new enabled key; returns its ARN. */
  createKey(alias?: string): string {
    const arn = `arn:aws:kms:${this.region}:${this.accountId}:key/${randomUUID()}`;
    this.keys.set(arn, { material: randomBytes(32), enabled: true });
    if (alias) this.aliases.set(alias, arn);
    return arn;
  }

  disable(arn: string): void {
    this.keys.get(arn)!.enabled = false;
  }

  /** A client for the Encryption SDK keyrings and the Fernet envelope. */
  client(): CliKms {
    const stub = {
      generateDataKey: async (input: { KeyId?: string; NumberOfBytes?: number; KeySpec?: string; EncryptionContext?: Record<string, string> }) => {
        const arn = this.usable('GenerateDataKey', input.KeyId);
        const plaintext = randomBytes(input.NumberOfBytes ?? (input.KeySpec === 'AES_128' ? 16 : 32));
        return { KeyId: arn, Plaintext: new Uint8Array(plaintext), CiphertextBlob: this.wrap(arn, plaintext, input.EncryptionContext) };
      },
      encrypt: async (input: { KeyId?: string; Plaintext?: Uint8Array; EncryptionContext?: Record<string, string> }) => {
        const arn = this.usable('Encrypt', input.KeyId);
        return { KeyId: arn, CiphertextBlob: this.wrap(arn, Buffer.from(input.Plaintext!), input.EncryptionContext) };
      },
      decrypt: async (input: { KeyId?: string; CiphertextBlob?: Uint8Array; EncryptionContext?: Record<string, string> }) => {
        const blob = Buffer.from(input.CiphertextBlob!);
        const arnLength = blob.readUInt16BE(0);
        const arn = blob.subarray(2, 2 + arnLength).toString();
        if (!this.keys.has(arn)) throw sdkError('InvalidCiphertextException', '');
        if (input.KeyId !== undefined && this.resolve(input.KeyId) !== arn) throw sdkError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
        this.usable('Decrypt', arn);
        const iv = blob.subarray(2 + arnLength, 14 + arnLength);
        const tag = blob.subarray(14 + arnLength, 30 + arnLength);
        const decipher = createDecipheriv('aes-256-gcm', this.keys.get(arn)!.material, iv).setAAD(contextBytes(input.EncryptionContext)).setAuthTag(tag);
        try {
          const plaintext = Buffer.concat([decipher.update(blob.subarray(30 + arnLength)), decipher.final()]);
          return { KeyId: arn, Plaintext: new Uint8Array(plaintext) };
        } catch {
          throw sdkError('InvalidCiphertextException', '');
        }
      },
    };
    return stub as unknown as CliKms;
  }

  /** A client supplier, as the keyrings take it. */
  supplier(): (region: string) => CliKms {
    const client = this.client();
    return () => client;
  }

  private resolve(keyId: string): string {
    return this.aliases.get(keyId) ?? keyId;
  }

  private usable(operation: string, keyId: string | undefined): string {
    this.calls.push({ operation, keyId });
    const arn = this.resolve(keyId ?? '');
    const key = this.keys.get(arn);
    if (!key) throw sdkError('NotFoundException', `Key '${arn}' does not exist`);
    if (!key.enabled) throw sdkError('DisabledException', `${arn} is disabled.`);
    return arn;
  }

  private wrap(arn: string, plaintext: Buffer, context?: Record<string, string>): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(arn)!.material, iv).setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const name = Buffer.from(arn);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(name.length);
    return new Uint8Array(Buffer.concat([length, name, iv, cipher.getAuthTag(), body]));
  }
}

function contextBytes(context: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}
