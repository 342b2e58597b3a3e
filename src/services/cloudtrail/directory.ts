/**
 * The trail's directory over Coffer's stores: whose long-term access key or STS session a failed
 * call named (without unsealing its secret: a call with an expired session token is logged in
 * the session's account, as on AWS), and which account owns an S3 bucket (anonymous calls are
 * logged there).
 */
import type { Principal, PrincipalType } from '../../server/context.js';
import type { Db } from '../../store/database.js';
import type { TrailDirectory } from '../../trail/writer.js';

export function trailDirectory(db: Db): TrailDirectory {
  return {
    async principalForKey(accessKeyId) {
      const row = await db.selectFrom('access_keys')
        .select(['account_id', 'principal_arn', 'principal_type', 'principal_id', 'user_name', 'access_key_id'])
        .where('access_key_id', '=', accessKeyId).executeTakeFirst();
      if (!row) return sessionPrincipal(db, accessKeyId);
      const type = row.principal_type as PrincipalType;
      return {
        type, accountId: row.account_id, arn: row.principal_arn,
        principalId: type === 'Root' ? row.account_id : (row.principal_id ?? row.account_id),
        accessKeyId: row.access_key_id, userName: row.user_name ?? undefined,
      };
    },
    async bucketOwner(bucket) {
      return (await db.selectFrom('s3_buckets').select('account_id').where('name', '=', bucket).executeTakeFirst())?.account_id;
    },
  };
}

/** The principal of an STS session's temporary access key id, if it is one. */
async function sessionPrincipal(db: Db, accessKeyId: string): Promise<Principal | undefined> {
  const s = await db.selectFrom('sts_sessions')
    .select(['account_id', 'principal_arn', 'principal_type', 'principal_id', 'user_name', 'issuer_arn', 'source_identity'])
    .where('access_key_id', '=', accessKeyId).executeTakeFirst();
  if (!s) return undefined;
  return {
    type: s.principal_type, accountId: s.account_id, arn: s.principal_arn, principalId: s.principal_id, accessKeyId,
    userName: s.user_name ?? undefined, sessionIssuerArn: s.issuer_arn ?? undefined, sourceIdentity: s.source_identity ?? undefined,
  };
}
