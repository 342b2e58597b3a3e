/**
 * Console passwords and the account password policy: Create/Get/Update/DeleteLoginProfile,
 * Update/Get/DeleteAccountPasswordPolicy. Passwords are kept only as scrypt hashes.
 */
import { randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { PasswordPolicy } from '../../../generated/iam/shapes.js';
import type { Db } from '../../../store/database.js';
import { accountOf } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findUser } from '../entities.js';
import { iamErrors } from '../errors.js';
import { requireUser } from './users.js';

type LoginOps = Pick<IamApi, 'createLoginProfile' | 'getLoginProfile' | 'updateLoginProfile' | 'deleteLoginProfile' |
  'updateAccountPasswordPolicy' | 'getAccountPasswordPolicy' | 'deleteAccountPasswordPolicy'>;

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 };

/** `scrypt$N$r$p$salt$hash`, base64 parts: self-describing, so the cost can rise later. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** The account's password policy, if it set one. */
export async function passwordPolicyOf(db: Db, accountId: string): Promise<PasswordPolicy | undefined> {
  const row = await db.selectFrom('iam_password_policies').select('policy').where('account_id', '=', accountId).executeTakeFirst();
  return row ? (JSON.parse(row.policy) as PasswordPolicy) : undefined;
}

/**
 * Checks a password against the account's policy, or AWS's default one when there is none
 * (at least 8 characters of at least three kinds).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
 */
function checkPassword(password: string, policy: PasswordPolicy | undefined): void {
  const kinds = { upper: /[A-Z]/.test(password), lower: /[a-z]/.test(password), number: /[0-9]/.test(password), symbol: /[^A-Za-z0-9]/.test(password) };
  const ok = policy
    ? password.length >= (policy.MinimumPasswordLength ?? 6) &&
      (!policy.RequireUppercaseCharacters || kinds.upper) && (!policy.RequireLowercaseCharacters || kinds.lower) &&
      (!policy.RequireNumbers || kinds.number) && (!policy.RequireSymbols || kinds.symbol)
    : password.length >= 8 && Object.values(kinds).filter(Boolean).length >= 3;
  if (!ok) throw new AwsError('PasswordPolicyViolation', 'Password does not conform to the account password policy.');
}

export function loginOps(deps: IamDeps): LoginOps {
  const { db } = deps;
  const profileOf = (userId: string) => db.selectFrom('iam_login_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html */
    async createLoginProfile(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await requireUser(deps, ctx, input.UserName);
      if (input.Password === undefined) {
        throw iamErrors.validation("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
      }
      if (await profileOf(user.user_id)) throw iamErrors.loginProfileExists(user.user_name);
      checkPassword(input.Password, await passwordPolicyOf(db, accountId));
      const now = deps.clock.now().toISOString();
      await db.insertInto('iam_login_profiles').values({
        user_id: user.user_id,
        password_hash: await hashPassword(input.Password),
        password_reset_required: input.PasswordResetRequired ? 1 : 0,
        created_at: now,
        password_changed_at: now,
      }).execute();
      return { LoginProfile: { UserName: user.user_name, CreateDate: new Date(now), PasswordResetRequired: input.PasswordResetRequired ?? false } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetLoginProfile.html */
    async getLoginProfile(ctx, input) {
      const user = await requireUser(deps, ctx, input.UserName);
      const profile = await profileOf(user.user_id);
      if (!profile) throw iamErrors.noSuchLoginProfile(user.user_name);
      return { LoginProfile: { UserName: user.user_name, CreateDate: new Date(profile.created_at), PasswordResetRequired: profile.password_reset_required === 1 } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html */
    async updateLoginProfile(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      const profile = await profileOf(user.user_id);
      if (!profile) throw iamErrors.noSuchLoginProfile(user.user_name);
      const set: { password_hash?: string; password_changed_at?: string; password_reset_required?: number } = {};
      if (input.Password !== undefined) {
        checkPassword(input.Password, await passwordPolicyOf(db, accountId));
        set.password_hash = await hashPassword(input.Password);
        set.password_changed_at = deps.clock.now().toISOString();
      }
      if (input.PasswordResetRequired !== undefined) set.password_reset_required = input.PasswordResetRequired ? 1 : 0;
      if (Object.keys(set).length) await db.updateTable('iam_login_profiles').set(set).where('user_id', '=', user.user_id).execute();
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html */
    async deleteLoginProfile(ctx, input) {
      const user = await requireUser(deps, ctx, input.UserName);
      const result = await db.deleteFrom('iam_login_profiles').where('user_id', '=', user.user_id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw iamErrors.noSuchLoginProfile(user.user_name);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html */
    async updateAccountPasswordPolicy(ctx, input) {
      const accountId = accountOf(ctx);
      // Members left out take AWS's defaults; ExpirePasswords follows MaxPasswordAge.
      const policy: PasswordPolicy = {
        MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
        RequireSymbols: input.RequireSymbols ?? false,
        RequireNumbers: input.RequireNumbers ?? false,
        RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
        RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
        AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
        ExpirePasswords: (input.MaxPasswordAge ?? 0) > 0,
        MaxPasswordAge: input.MaxPasswordAge,
        PasswordReusePrevention: input.PasswordReusePrevention,
        HardExpiry: input.HardExpiry,
      };
      const text = JSON.stringify(policy);
      await db.insertInto('iam_password_policies').values({ account_id: accountId, policy: text })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ policy: text })).execute();
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountPasswordPolicy.html */
    async getAccountPasswordPolicy(ctx) {
      const policy = await passwordPolicyOf(db, accountOf(ctx));
      if (!policy) throw new AwsError('NoSuchEntity', `The Password Policy with domain name ${accountOf(ctx)} cannot be found.`);
      return { PasswordPolicy: policy };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountPasswordPolicy.html */
    async deleteAccountPasswordPolicy(ctx) {
      const result = await db.deleteFrom('iam_password_policies').where('account_id', '=', accountOf(ctx)).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new AwsError('NoSuchEntity', 'The account policy with name PasswordPolicy cannot be found.');
    },
  };
}
