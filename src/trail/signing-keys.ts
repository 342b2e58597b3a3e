/**
 * Digest signing keys: one RSA-2048 key pair per Region, made on first use. The public key is
 * kept as DER PKCS#1 RSAPublicKey (what ListPublicKeys returns and `aws cloudtrail validate-logs`
 * loads with `rsa.PublicKey.load_pkcs1(..., 'DER')`); the private key is PKCS#8 DER sealed by the
 * root key with AAD `trail_signing_keys/<fingerprint>`.
 *
 * The fingerprint is the hex MD5 of the public key's DER: 32 hex characters as in AWS's digests.
 * validate-logs only matches it for equality against ListPublicKeys' `Fingerprint`.
 */
import { createHash, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Sealer } from '../crypto/root-key.js';
import type { Clock } from '../server/clock.js';
import type { Db } from '../store/database.js';

const generateRsa = promisify(generateKeyPair);

export interface SigningKey {
  fingerprint: string;
  region: string;
  publicDer: Buffer;
  validFrom: Date;
  validTo?: Date;
}

export function keyAad(fingerprint: string): string {
  return `trail_signing_keys/${fingerprint}`;
}

export class SigningKeys {
  private readonly making = new Map<string, Promise<SigningKey>>();

  constructor(private readonly db: Db, private readonly sealer: Sealer, private readonly clock: Clock) {}

  /** The Region's current key, made now if the Region has none. */
  async current(region: string): Promise<SigningKey> {
    const existing = await this.db.selectFrom('trail_signing_keys').selectAll()
      .where('region', '=', region).where('valid_to', 'is', null).orderBy('valid_from', 'desc').executeTakeFirst();
    if (existing) return toKey(existing);
    let pending = this.making.get(region);
    if (!pending) {
      pending = this.make(region).finally(() => this.making.delete(region));
      this.making.set(region, pending);
    }
    return pending;
  }

  /** The private half of a key, unsealed for one signing. */
  async privateKey(fingerprint: string): Promise<KeyObject> {
    const row = await this.db.selectFrom('trail_signing_keys').select('private_sealed').where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();
    const der = this.sealer.open(keyAad(fingerprint), Buffer.from(row.private_sealed));
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  }

  /** Keys of the Region valid at some moment between `start` and `end`, oldest first. */
  async inRange(region: string, start: Date, end: Date): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('trail_signing_keys').selectAll()
      .where('region', '=', region)
      .where('valid_from', '<=', isoText(end))
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', isoText(start))]))
      .orderBy('valid_from').execute();
    return rows.map(toKey);
  }

  private async make(region: string): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    const publicDer = publicKey.export({ type: 'pkcs1', format: 'der' });
    const fingerprint = createHash('md5').update(publicDer).digest('hex');
    const privateDer = privateKey.export({ type: 'pkcs8', format: 'der' });
    const validFrom = this.clock.now();
    await this.db.insertInto('trail_signing_keys').values({
      fingerprint, region, public_der: publicDer, private_sealed: this.sealer.seal(keyAad(fingerprint), privateDer),
      valid_from: validFrom.toISOString(), valid_to: null,
    }).execute();
    privateDer.fill(0);
    return { fingerprint, region, publicDer, validFrom };
  }
}

/** ISO text that still sorts correctly for dates beyond year 9999 (which toISOString writes as `+0YYYYY`). */
function isoText(date: Date): string {
  return date.getUTCFullYear() > 9999 ? '9999-12-31T23:59:59.999Z' : date.getUTCFullYear() < 0 ? '0000-01-01T00:00:00.000Z' : date.toISOString();
}

function toKey(row: { fingerprint: string; region: string; public_der: Buffer; valid_from: string; valid_to: string | null }): SigningKey {
  return {
    fingerprint: row.fingerprint, region: row.region, publicDer: Buffer.from(row.public_der),
    validFrom: new Date(row.valid_from), validTo: row.valid_to ? new Date(row.valid_to) : undefined,
  };
}
