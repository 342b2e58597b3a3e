/**
 * IAM helpers: credential report rows (ages are measured from the report's generation time, the
 * moment its facts are true of, in the service's own clock), entities and their policies.
 */
import type {
  AttachedPolicy, CredentialReport, Fetched, IamGroup, IamRole, IamUser, Inventory, ManagedPolicy, NamedPolicy, PasswordPolicy, PolicyDocument,
} from '../../inventory.js';
import type { CheckResult, ResourceRef } from '../types.js';
import { fail, judge, pass, unreadable, withIam } from './results.js';

export const ROOT_ROW = '<root_account>';
const DAY_MS = 86_400_000;

/** A report time, or undefined for its `N/A`, `no_information` and `not_supported` markers. */
export function reportDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Whole days from `from` to the report's generation time. */
export function daysBefore(report: CredentialReport, from: Date): number {
  return Math.floor((new Date(report.generatedAt).getTime() - from.getTime()) / DAY_MS);
}

export function iamResource(arn: string, name: string): ResourceRef {
  return { uid: arn, name, region: 'global' };
}

export function rowResource(row: Record<string, string>): ResourceRef {
  return iamResource(row.arn ?? '', row.user ?? '');
}

/** The root account as a resource. */
export function rootResource(inv: Inventory): ResourceRef {
  return iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:root`, '<root_account>');
}

/** Runs `body` over the credential report. */
export function withReport(inv: Inventory, body: (report: CredentialReport) => CheckResult[]): CheckResult[] {
  return withIam(inv, (iam) => judge(iam.credentialReport, rootResource(inv), body));
}

/** The report's IAM user rows (without the root's). */
export function userRows(report: CredentialReport): Array<Record<string, string>> {
  return report.rows.filter((r) => r.user !== ROOT_ROW);
}

export function rootRow(report: CredentialReport): Record<string, string> | undefined {
  return report.rows.find((r) => r.user === ROOT_ROW);
}

/** An IAM entity with its policies, whatever its kind. */
export interface Principal {
  kind: 'user' | 'group' | 'role';
  name: string;
  arn: string;
  attachedPolicies: Fetched<AttachedPolicy[]>;
  inlinePolicies: Fetched<NamedPolicy[]>;
}

function principalsOf(kind: Principal['kind'], list: Array<IamUser | IamGroup | IamRole>): Principal[] {
  return list.map((e) => ({ kind, name: e.name, arn: e.arn, attachedPolicies: e.attachedPolicies, inlinePolicies: e.inlinePolicies }));
}

/**
 * Runs `body` over the users, groups and roles of the given kinds; a list that could not be read
 * gives one ERROR result.
 */
export function perPrincipal(inv: Inventory, kinds: Array<Principal['kind']>, body: (p: Principal) => CheckResult[]): CheckResult[] {
  return withIam(inv, (iam) => kinds.flatMap((kind) => {
    const fetched: Fetched<Array<IamUser | IamGroup | IamRole>> = kind === 'user' ? iam.users : kind === 'group' ? iam.groups : iam.roles;
    const scope = iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:${kind}`, `${kind}s`);
    return judge(fetched, scope, (items) => principalsOf(kind, items).flatMap(body));
  }));
}

/** The AWS managed policy ARN of `name` in the audited partition. */
export function awsPolicyArn(inv: Inventory, name: string): string {
  return `arn:${inv.account.partition}:iam::aws:policy/${name}`;
}

/** Runs `body` for every IAM user (with its policies and MFA devices). */
export function perUser(inv: Inventory, body: (user: IamUser) => CheckResult[]): CheckResult[] {
  return withIam(inv, (iam) => judge(iam.users, iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:user`, 'users'), (users) => users.flatMap(body)));
}

/** A resource for an inline policy: its holder's ARN, named `<holder kind>/<holder>/<policy>`. */
export function inlineResource(p: Principal, policyName: string): ResourceRef {
  return iamResource(p.arn, `${p.kind}/${p.name}/${policyName}`);
}

/** Runs `body` for every inline policy of every user, group and role. */
export function perInlinePolicy(inv: Inventory, body: (holder: Principal, policy: NamedPolicy) => CheckResult): CheckResult[] {
  return perPrincipal(inv, ['user', 'group', 'role'], (p) =>
    judge(p.inlinePolicies, iamResource(p.arn, p.name), (policies) => policies.map((policy) => body(p, policy))));
}

/** Runs `body` for each managed policy of a scope (customer or AWS attached) that `wanted` selects. */
export function perManagedPolicy(
  inv: Inventory, scope: 'customer' | 'aws', wanted: (p: ManagedPolicy) => boolean,
  body: (policy: ManagedPolicy, document: PolicyDocument, resource: ResourceRef) => CheckResult,
): CheckResult[] {
  return withIam(inv, (iam) => {
    const fetched = scope === 'customer' ? iam.customerPolicies : iam.awsAttachedPolicies;
    const listScope = iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:policy`, 'policies');
    return judge(fetched, listScope, (policies) => policies.filter(wanted).flatMap((p) => {
      const r = iamResource(p.arn, p.name);
      return judge(p.document, r, (doc) => [body(p, doc, r)]);
    }));
  });
}

/** One result per principal of `kind`: FAIL if the AWS managed policy `policyName` is attached to it. */
export function awsPolicyAttachedTo(inv: Inventory, kind: Principal['kind'], policyName: string): CheckResult[] {
  const arn = awsPolicyArn(inv, policyName);
  const label = kind === 'user' ? 'User' : kind === 'group' ? 'Group' : 'Role';
  return perPrincipal(inv, [kind], (p) => {
    const r = iamResource(p.arn, p.name);
    return judge(p.attachedPolicies, r, (attachedList) => [attachedList.some((a) => a.arn === arn)
      ? fail(r, `${label} ${p.name} has ${policyName} policy attached.`)
      : pass(r, `${label} ${p.name} does not have ${policyName} policy attached.`)]);
  });
}

/** The principals of the given kinds with the AWS managed policy `policyName` attached, or why that is unknown. */
export function holdersOf(inv: Inventory, kinds: Array<Principal['kind']>, policyName: string): { holders: Principal[]; errors: CheckResult[] } {
  const arn = awsPolicyArn(inv, policyName);
  const holders: Principal[] = [];
  const errors = perPrincipal(inv, kinds, (p) => {
    if (!p.attachedPolicies.ok) return [unreadable(iamResource(p.arn, p.name), p.attachedPolicies.error)];
    if (p.attachedPolicies.value.some((a) => a.arn === arn)) holders.push(p);
    return [];
  });
  return { holders, errors };
}

/** The account password policy as a resource. */
export function passwordPolicyResource(inv: Inventory): ResourceRef {
  return iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:password-policy`, 'password-policy');
}

/** One result for the password policy: FAIL when there is none or `meets` says it falls short. */
export function judgePasswordPolicy(inv: Inventory, meets: (p: PasswordPolicy) => boolean, passMessage: string, failMessage: string): CheckResult[] {
  const r = passwordPolicyResource(inv);
  return withIam(inv, (iam) => judge(iam.passwordPolicy, r, (policy) => {
    if (!policy) return [fail(r, 'Password policy cannot be found.')];
    return [meets(policy) ? pass(r, passMessage) : fail(r, failMessage)];
  }));
}

/** Runs `body` for every IAM role (with its trust policy and policies). */
export function perRole(inv: Inventory, body: (role: IamRole) => CheckResult[]): CheckResult[] {
  return withIam(inv, (iam) => judge(iam.roles, iamResource(`arn:${inv.account.partition}:iam::${inv.account.id}:role`, 'roles'), (roles) => roles.flatMap(body)));
}
