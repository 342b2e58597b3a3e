/**
 * The credential report auditors read (Prowler, CIS checks): GenerateCredentialReport and
 * GetCredentialReport. One CSV row for the root (`<root_account>`) then one per user, in AWS's
 * columns and value forms (`true`/`false`, `N/A`, `no_information`, `not_supported`, ISO 8601
 * times with `+00:00`). As in AWS, a report is rebuilt at most every four hours.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
 */
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import { byName } from '../common.js';
import type { IamDeps } from '../deps.js';
import { passwordPolicyOf } from './login-profiles.js';

type ReportOps = Pick<IamApi, 'generateCredentialReport' | 'getCredentialReport'>;

const CREDENTIAL_REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed',
  'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
];

/** A report is fresh for four hours; after that GenerateCredentialReport builds a new one. */
const FRESH_MS = 4 * 3600_000;

/** `2015-07-07T13:36:37+00:00`, the report's time form. */
function reportTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00') : 'N/A';
}

interface KeyRow { status: string; created_at: string; last_used_at: string | null; last_used_region: string | null; last_used_service: string | null }

function keyColumns(key: KeyRow | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  return [
    key.status === 'Active' ? 'true' : 'false',
    reportTime(key.created_at),
    reportTime(key.last_used_at),
    key.last_used_region ?? 'N/A',
    key.last_used_service ?? 'N/A',
  ];
}

/** Builds the CSV of the account's credentials as they stand now. */
async function buildReport(deps: IamDeps, accountId: string): Promise<string> {
  const { db } = deps;
  const account = await db.selectFrom('accounts').select('created_at').where('id', '=', accountId).executeTakeFirstOrThrow();
  const keys = await db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId)
    .orderBy('created_at').orderBy('access_key_id').execute();
  const users = (await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).execute()).sort(byName((u) => u.user_name));
  const profiles = new Map((await db.selectFrom('iam_login_profiles as l').innerJoin('iam_users as u', 'u.user_id', 'l.user_id')
    .select(['l.user_id', 'l.password_changed_at']).where('u.account_id', '=', accountId).execute()).map((p) => [p.user_id, p]));
  const withMfa = new Set((await db.selectFrom('iam_mfa_devices').select('user_id')
    .where('account_id', '=', accountId).where('user_id', 'is not', null).execute()).map((d) => d.user_id));
  const policy = await passwordPolicyOf(db, accountId);

  const rootKeys = keys.filter((k) => k.principal_type === 'Root');
  const rows: string[][] = [[
    '<root_account>', `arn:aws:iam::${accountId}:root`, reportTime(account.created_at),
    'not_supported', 'N/A', 'not_supported', 'not_supported', 'false',
    ...keyColumns(rootKeys[0]), ...keyColumns(rootKeys[1]),
    'false', 'N/A', 'false', 'N/A',
  ]];
  for (const user of users) {
    const profile = profiles.get(user.user_id);
    const userKeys = keys.filter((k) => k.principal_id === user.user_id);
    const expires = profile && policy?.ExpirePasswords && policy.MaxPasswordAge
      ? new Date(new Date(profile.password_changed_at).getTime() + policy.MaxPasswordAge * 86400_000).toISOString()
      : undefined;
    rows.push([
      user.user_name, user.arn, reportTime(user.created_at),
      profile ? 'true' : 'false',
      profile ? (user.password_last_used ? reportTime(user.password_last_used) : 'no_information') : 'N/A',
      profile ? reportTime(profile.password_changed_at) : 'N/A',
      reportTime(expires),
      withMfa.has(user.user_id) ? 'true' : 'false',
      ...keyColumns(userKeys[0]), ...keyColumns(userKeys[1]),
      'false', 'N/A', 'false', 'N/A',
    ]);
  }
  // No field can hold a comma or a quote (names and ARNs exclude both), so no CSV quoting is needed.
  return [CREDENTIAL_REPORT_COLUMNS, ...rows].map((r) => r.join(',')).join('\n');
}

export function credentialReportOps(deps: IamDeps): ReportOps {
  const { db } = deps;
  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateCredentialReport.html */
    async generateCredentialReport(ctx) {
      const accountId = ctx.accountId;
      const now = deps.clock.now();
      const existing = await db.selectFrom('iam_credential_reports').select('generated_at').where('account_id', '=', accountId).executeTakeFirst();
      if (existing && now.getTime() - new Date(existing.generated_at).getTime() < FRESH_MS) return { State: 'COMPLETE' };
      const content = await buildReport(deps, accountId);
      await db.insertInto('iam_credential_reports').values({ account_id: accountId, generated_at: now.toISOString(), content })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ generated_at: now.toISOString(), content })).execute();
      // Built at once here, so the report is ready by the time a client asks for it.
      return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html */
    async getCredentialReport(ctx) {
      const row = await db.selectFrom('iam_credential_reports').selectAll().where('account_id', '=', ctx.accountId).executeTakeFirst();
      // AWS answers this one with a code and no message.
      if (!row) throw new AwsError('ReportNotPresent', '');
      return { Content: Buffer.from(row.content, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: new Date(row.generated_at) };
    },
  };
}
