/**
 * Account-wide IAM facts: GetAccountSummary and the account alias (Create/Delete/ListAccountAliases).
 */
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { Db } from '../../../store/database.js';
import { accountOf } from '../common.js';
import type { IamDeps } from '../deps.js';

type AccountOps = Pick<IamApi, 'getAccountSummary' | 'createAccountAlias' | 'deleteAccountAlias' | 'listAccountAliases'>;

/** The quotas GetAccountSummary reports (AWS's defaults). */
const QUOTAS = {
  AccessKeysPerUserQuota: 2,
  AssumeRolePolicySizeQuota: 2048,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  GroupPolicySizeQuota: 5120,
  GroupsPerUserQuota: 10,
  GroupsQuota: 300,
  InstanceProfilesQuota: 1000,
  PoliciesQuota: 1500,
  PolicySizeQuota: 6144,
  PolicyVersionsInUseQuota: 10000,
  RolePolicySizeQuota: 10240,
  RolesQuota: 1000,
  ServerCertificatesQuota: 20,
  SigningCertificatesPerUserQuota: 2,
  UserPolicySizeQuota: 2048,
  UsersQuota: 5000,
  VersionsPerPolicyQuota: 5,
};

async function count(db: Db, table: 'iam_users' | 'iam_groups' | 'iam_roles' | 'iam_policies' | 'iam_mfa_devices' | 'iam_attachments', accountId: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function mfaInUse(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('iam_mfa_devices').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('user_id', 'is not', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function accountOps(deps: IamDeps): AccountOps {
  const { db } = deps;
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html */
    async getAccountSummary(ctx) {
      const accountId = accountOf(ctx);
      const rootKeys = await db.selectFrom('access_keys').select('access_key_id')
        .where('account_id', '=', accountId).where('principal_type', '=', 'Root').executeTakeFirst();
      return {
        SummaryMap: {
          ...QUOTAS,
          Users: await count(db, 'iam_users', accountId),
          Groups: await count(db, 'iam_groups', accountId),
          Roles: await count(db, 'iam_roles', accountId),
          Policies: await count(db, 'iam_policies', accountId),
          PolicyVersionsInUse: await count(db, 'iam_attachments', accountId),
          MFADevices: await count(db, 'iam_mfa_devices', accountId),
          MFADevicesInUse: await mfaInUse(db, accountId),
          AccountMFAEnabled: 0,
          AccountAccessKeysPresent: rootKeys ? 1 : 0,
          // The root of a Coffer account signs in with access keys only.
          AccountPasswordPresent: 0,
          AccountSigningCertificatesPresent: 0,
          InstanceProfiles: 0,
          Providers: 0,
          ServerCertificates: 0,
          GlobalEndpointTokenVersion: 1,
        },
      };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html */
    async createAccountAlias(ctx, input) {
      const accountId = accountOf(ctx);
      await db.transaction().execute(async (tx) => {
        const holder = await tx.selectFrom('iam_account_aliases').select('account_id').where('alias', '=', input.AccountAlias).executeTakeFirst();
        if (holder && holder.account_id !== accountId) {
          throw new AwsError('EntityAlreadyExists', `The account alias ${input.AccountAlias} already exists.`);
        }
        if (holder) return;
        // An account has one alias: a new one replaces it.
        await tx.deleteFrom('iam_account_aliases').where('account_id', '=', accountId).execute();
        await tx.insertInto('iam_account_aliases').values({ alias: input.AccountAlias, account_id: accountId, created_at: deps.clock.now().toISOString() }).execute();
      });
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountAlias.html */
    async deleteAccountAlias(ctx, input) {
      const result = await db.deleteFrom('iam_account_aliases')
        .where('account_id', '=', accountOf(ctx)).where('alias', '=', input.AccountAlias).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new AwsError('NoSuchEntity', `The account alias ${input.AccountAlias} does not exist.`);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccountAliases.html */
    async listAccountAliases(ctx) {
      const rows = await db.selectFrom('iam_account_aliases').select('alias').where('account_id', '=', accountOf(ctx)).execute();
      return { AccountAliases: rows.map((r) => r.alias), IsTruncated: false };
    },
  };
}
