/**
 * The IAM part of the inventory: account summary, credential report, password policy, users,
 * groups, roles with their attached and inline policies, managed policies with their documents,
 * MFA devices and server certificates. Read-only calls, every list paginated.
 */
import {
  GenerateCredentialReportCommand, GetAccountPasswordPolicyCommand, GetAccountSummaryCommand, GetCredentialReportCommand,
  GetGroupPolicyCommand, GetPolicyVersionCommand, GetRolePolicyCommand, GetUserPolicyCommand, type IAMClient,
  paginateListAttachedGroupPolicies, paginateListAttachedRolePolicies, paginateListAttachedUserPolicies, paginateListGroupPolicies,
  paginateListGroups, paginateListMFADevices, paginateListPolicies, paginateListRolePolicies, paginateListRoles,
  paginateListServerCertificates, paginateListUserPolicies, paginateListUsers, paginateListVirtualMFADevices,
  type Policy,
} from '@aws-sdk/client-iam';
import type {
  AttachedPolicy, CredentialReport, Fetched, IamGroup, IamInventory, IamRole, IamUser, ManagedPolicy, NamedPolicy, PasswordPolicy,
} from '../inventory.js';
import { attempt, attemptOptional, collectPages, failed, iso, mapLimit, parseIamDocument, type Progress } from './util.js';

const FAN_OUT = 8;
/** How long to wait for AWS to build a credential report (it takes seconds). */
const REPORT_POLL_MS = 2000;
const REPORT_POLLS = 30;

/** Splits CSV text into rows (quoted fields allowed, as RFC 4180). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The credential report as records keyed by its header row. */
export function parseCredentialReport(csv: string, generatedAt: string): CredentialReport {
  const [header = [], ...lines] = parseCsv(csv.trim());
  const rows = lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
  return { generatedAt, rows };
}

async function credentialReport(iam: IAMClient, progress: Progress): Promise<Fetched<CredentialReport>> {
  for (let poll = 0; poll < REPORT_POLLS; poll++) {
    const generated = await attempt(progress, 'GenerateCredentialReport', () => iam.send(new GenerateCredentialReportCommand({})));
    if (!generated.ok) return failed(generated.error);
    const report = await attempt(progress, 'GetCredentialReport', () => iam.send(new GetCredentialReportCommand({})));
    if (report.ok) {
      const content = new TextDecoder().decode(report.value.Content ?? new Uint8Array());
      return { ok: true, value: parseCredentialReport(content, iso(report.value.GeneratedTime) ?? new Date().toISOString()) };
    }
    // Still being built: AWS answers ReportInProgress (or ReportNotPresent right after STARTED).
    if (!['ReportInProgress', 'ReportNotPresent', 'ReportExpired'].includes(report.error.code)) return failed(report.error);
    await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
  }
  return { ok: false, error: { operation: 'GetCredentialReport', code: 'ReportInProgress', message: 'the credential report was not ready in time', kind: 'error' } };
}

async function passwordPolicy(iam: IAMClient, progress: Progress): Promise<Fetched<PasswordPolicy | null>> {
  return attemptOptional(progress, 'GetAccountPasswordPolicy', ['NoSuchEntity', 'NoSuchEntityException'], null, async () => {
    const p = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy ?? {};
    return {
      minimumPasswordLength: p.MinimumPasswordLength, requireSymbols: p.RequireSymbols, requireNumbers: p.RequireNumbers,
      requireUppercaseCharacters: p.RequireUppercaseCharacters, requireLowercaseCharacters: p.RequireLowercaseCharacters,
      expirePasswords: p.ExpirePasswords, maxPasswordAge: p.MaxPasswordAge, passwordReusePrevention: p.PasswordReusePrevention,
    };
  });
}

type Kind = 'user' | 'group' | 'role';

async function attached(iam: IAMClient, progress: Progress, kind: Kind, name: string): Promise<Fetched<AttachedPolicy[]>> {
  const map = (list: Array<{ PolicyName?: string; PolicyArn?: string }> | undefined) => (list ?? []).map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' }));
  if (kind === 'user') {
    return attempt(progress, 'ListAttachedUserPolicies', () => collectPages(paginateListAttachedUserPolicies({ client: iam }, { UserName: name }), (p) => map(p.AttachedPolicies)));
  }
  if (kind === 'group') {
    return attempt(progress, 'ListAttachedGroupPolicies', () => collectPages(paginateListAttachedGroupPolicies({ client: iam }, { GroupName: name }), (p) => map(p.AttachedPolicies)));
  }
  return attempt(progress, 'ListAttachedRolePolicies', () => collectPages(paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }), (p) => map(p.AttachedPolicies)));
}

async function inline(iam: IAMClient, progress: Progress, kind: Kind, name: string): Promise<Fetched<NamedPolicy[]>> {
  const names = kind === 'user'
    ? await attempt(progress, 'ListUserPolicies', () => collectPages(paginateListUserPolicies({ client: iam }, { UserName: name }), (p) => p.PolicyNames))
    : kind === 'group'
      ? await attempt(progress, 'ListGroupPolicies', () => collectPages(paginateListGroupPolicies({ client: iam }, { GroupName: name }), (p) => p.PolicyNames))
      : await attempt(progress, 'ListRolePolicies', () => collectPages(paginateListRolePolicies({ client: iam }, { RoleName: name }), (p) => p.PolicyNames));
  if (!names.ok) return failed(names.error);
  const policies: NamedPolicy[] = [];
  for (const policyName of names.value) {
    const doc = kind === 'user'
      ? await attempt(progress, 'GetUserPolicy', async () => (await iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }))).PolicyDocument)
      : kind === 'group'
        ? await attempt(progress, 'GetGroupPolicy', async () => (await iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName }))).PolicyDocument)
        : await attempt(progress, 'GetRolePolicy', async () => (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))).PolicyDocument);
    if (!doc.ok) return failed(doc.error);
    policies.push({ name: policyName, document: parseIamDocument(doc.value) });
  }
  return { ok: true, value: policies };
}

async function users(iam: IAMClient, progress: Progress): Promise<Fetched<IamUser[]>> {
  const list = await attempt(progress, 'ListUsers', () => collectPages(paginateListUsers({ client: iam }, {}), (p) => p.Users));
  if (!list.ok) return failed(list.error);
  return {
    ok: true,
    value: await mapLimit(list.value, FAN_OUT, async (u): Promise<IamUser> => ({
      name: u.UserName ?? '', arn: u.Arn ?? '', createdAt: iso(u.CreateDate), passwordLastUsed: iso(u.PasswordLastUsed),
      attachedPolicies: await attached(iam, progress, 'user', u.UserName ?? ''),
      inlinePolicies: await inline(iam, progress, 'user', u.UserName ?? ''),
      mfaDevices: await attempt(progress, 'ListMFADevices', () => collectPages(paginateListMFADevices({ client: iam }, { UserName: u.UserName }),
        (p) => p.MFADevices?.map((d) => ({ serialNumber: d.SerialNumber ?? '', enabledAt: iso(d.EnableDate) })))),
    })),
  };
}

async function groups(iam: IAMClient, progress: Progress): Promise<Fetched<IamGroup[]>> {
  const list = await attempt(progress, 'ListGroups', () => collectPages(paginateListGroups({ client: iam }, {}), (p) => p.Groups));
  if (!list.ok) return failed(list.error);
  return {
    ok: true,
    value: await mapLimit(list.value, FAN_OUT, async (g): Promise<IamGroup> => ({
      name: g.GroupName ?? '', arn: g.Arn ?? '',
      attachedPolicies: await attached(iam, progress, 'group', g.GroupName ?? ''),
      inlinePolicies: await inline(iam, progress, 'group', g.GroupName ?? ''),
    })),
  };
}

async function roles(iam: IAMClient, progress: Progress): Promise<Fetched<IamRole[]>> {
  const list = await attempt(progress, 'ListRoles', () => collectPages(paginateListRoles({ client: iam }, {}), (p) => p.Roles));
  if (!list.ok) return failed(list.error);
  return {
    ok: true,
    value: await mapLimit(list.value, FAN_OUT, async (r): Promise<IamRole> => ({
      name: r.RoleName ?? '', arn: r.Arn ?? '', path: r.Path ?? '/',
      trustPolicy: r.AssumeRolePolicyDocument ? parseIamDocument(r.AssumeRolePolicyDocument) : undefined,
      attachedPolicies: await attached(iam, progress, 'role', r.RoleName ?? ''),
      inlinePolicies: await inline(iam, progress, 'role', r.RoleName ?? ''),
    })),
  };
}

async function managedPolicies(iam: IAMClient, progress: Progress, scope: 'Local' | 'AWS'): Promise<Fetched<ManagedPolicy[]>> {
  const list = await attempt(progress, 'ListPolicies', () =>
    collectPages(paginateListPolicies({ client: iam }, { Scope: scope, OnlyAttached: scope === 'AWS' }), (p) => p.Policies));
  if (!list.ok) return failed(list.error);
  return {
    ok: true,
    value: await mapLimit(list.value, FAN_OUT, async (p: Policy): Promise<ManagedPolicy> => ({
      name: p.PolicyName ?? '', arn: p.Arn ?? '', attachmentCount: p.AttachmentCount ?? 0,
      document: await attempt(progress, 'GetPolicyVersion', async () =>
        parseIamDocument((await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: p.DefaultVersionId }))).PolicyVersion?.Document)),
    })),
  };
}

/** Reads the IAM section of the inventory. */
export async function collectIam(iam: IAMClient, progress: Progress): Promise<IamInventory> {
  progress.stage('iam');
  const [summary, report, policy, userList, groupList, roleList, customer, aws, virtualMfa, certificates] = await Promise.all([
    attempt(progress, 'GetAccountSummary', async () => {
      const map = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap ?? {};
      return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Number(v)]));
    }),
    credentialReport(iam, progress),
    passwordPolicy(iam, progress),
    users(iam, progress),
    groups(iam, progress),
    roles(iam, progress),
    managedPolicies(iam, progress, 'Local'),
    managedPolicies(iam, progress, 'AWS'),
    attempt(progress, 'ListVirtualMFADevices', () => collectPages(paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus: 'Assigned' }),
      (p) => p.VirtualMFADevices?.map((d) => ({ serialNumber: d.SerialNumber ?? '', userArn: d.User?.Arn })))),
    attempt(progress, 'ListServerCertificates', () => collectPages(paginateListServerCertificates({ client: iam }, {}),
      (p) => p.ServerCertificateMetadataList?.map((c) => ({ name: c.ServerCertificateName ?? '', arn: c.Arn ?? '', expiration: iso(c.Expiration) })))),
  ]);
  return {
    summary, credentialReport: report, passwordPolicy: policy, users: userList, groups: groupList, roles: roleList,
    customerPolicies: customer, awsAttachedPolicies: aws, virtualMfaDevices: virtualMfa, serverCertificates: certificates,
  };
}
