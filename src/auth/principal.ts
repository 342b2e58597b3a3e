import type { Db } from '../store/database.js';
import type { Sealer } from '../crypto/root-key.js';
import type { Principal, PrincipalType } from '../server/context.js';

/** What an access key id resolves to: the secret to check the signature with, and who signs. */
export interface Credential {
  secretAccessKey: string;
  principal: Principal;
  active: boolean;
}

/** The AAD a secret access key is sealed under: a sealed secret copied to another key id won't open. */
export function secretAad(accessKeyId: string): string {
  return `access_keys/${accessKeyId}/secret`;
}

/** Turns an access key id into its principal and (unsealed) secret. */
export class CredentialResolver {
  constructor(private readonly db: Db, private readonly sealer: Sealer) {}

  async resolve(accessKeyId: string): Promise<Credential | undefined> {
    const row = await this.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
    if (!row) return undefined;
    const secret = this.sealer.open(secretAad(row.access_key_id), Buffer.from(row.secret_sealed));
    const type = row.principal_type as PrincipalType;
    return {
      secretAccessKey: secret.toString('utf8'),
      active: row.status === 'Active',
      principal: {
        type,
        accountId: row.account_id,
        arn: row.principal_arn,
        // AWS's unique id of a root caller is the account id itself.
        principalId: type === 'Root' ? row.account_id : (row.principal_id ?? row.account_id),
        accessKeyId: row.access_key_id,
        userName: row.user_name ?? undefined,
      },
    };
  }
}
