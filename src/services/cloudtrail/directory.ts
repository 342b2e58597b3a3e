/**
 * The trail's directory over Coffer's stores: whose long-term access key a failed signature
 * named (without unsealing its secret), and which account owns an S3 bucket (anonymous calls
 * are logged there).
 */
import type { PrincipalType } from '../../server/context.js';
import type { Db } from '../../store/database.js';
import type { TrailDirectory } from '../../trail/writer.js';
import { BucketStore } from '../s3/bucket-store.js';

export function trailDirectory(db: Db): TrailDirectory {
  const buckets = new BucketStore(db);
  return {
    async principalForKey(accessKeyId) {
      const row = await db.selectFrom('access_keys')
        .select(['account_id', 'principal_arn', 'principal_type', 'principal_id', 'user_name', 'access_key_id'])
        .where('access_key_id', '=', accessKeyId).executeTakeFirst();
      if (!row) return undefined;
      const type = row.principal_type as PrincipalType;
      return {
        type, accountId: row.account_id, arn: row.principal_arn,
        principalId: type === 'Root' ? row.account_id : (row.principal_id ?? row.account_id),
        accessKeyId: row.access_key_id, userName: row.user_name ?? undefined,
      };
    },
    async bucketOwner(bucket) {
      return (await buckets.get(bucket))?.accountId;
    },
  };
}
