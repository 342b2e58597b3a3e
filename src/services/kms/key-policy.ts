/**
 * Key policies: the default policy AWS writes, validation of submitted policies, and the policy
 * lockout safety check.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 */
import type { Principal } from '../../server/context.js';
import { malformedPolicy } from './errors.js';

/** The default key policy of keys created through the API, formatted as AWS returns it. */
export function defaultKeyPolicy(accountId: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${accountId}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

/**
 * The policy of an AWS managed key (`alias/aws/<service>`): use only through the service by
 * principals of the account, and read-only metadata access for the account, as AWS writes it.
 */
export function managedKeyPolicy(accountId: string, region: string, service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: `auto-${service}-2`,
    Statement: [
      {
        Sid: `Allow access through ${service.toUpperCase()} for all principals in the account that are authorized to use ${service.toUpperCase()}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  }, null, 2);
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

const VALID_AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(assumed-role\/.+|federated-user\/.+)))$/;

/**
 * Checks a key policy's structure. AWS answers unparsable JSON with an empty message; since
 * August 2025 it also refuses statements without Action/NotAction or with a Resource other than
 * "*" ("the only accepted Resource element value in a key policy is '*'").
 */
export function validateKeyPolicy(text: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformedPolicy();
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw malformedPolicy();
  const statements = asList((doc as { Statement?: unknown }).Statement) as Statement[];
  if (!statements.length) throw malformedPolicy();
  for (const st of statements) {
    if (!st || typeof st !== 'object' || Array.isArray(st)) throw malformedPolicy();
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw malformedPolicy();
    if ((st.Action === undefined) === (st.NotAction === undefined)) throw malformedPolicy();
    const actions = asList(st.Action ?? st.NotAction);
    if (!actions.length || !actions.every((a) => typeof a === 'string')) throw malformedPolicy();
    if (st.NotResource !== undefined || !asList(st.Resource).length || !asList(st.Resource).every((r) => r === '*')) throw malformedPolicy();
    if ((st.Principal === undefined) === (st.NotPrincipal === undefined)) throw malformedPolicy('Policy contains a statement with no principal.');
    for (const p of principalValues(st.Principal ?? st.NotPrincipal)) {
      if (p.type === 'AWS' && !VALID_AWS_PRINCIPAL.test(p.value)) {
        throw malformedPolicy('Policy contains a statement with one or more invalid principals.');
      }
    }
  }
  return statements;
}

function principalValues(principal: unknown): Array<{ type: string; value: string }> {
  if (principal === '*') return [{ type: 'AWS', value: '*' }];
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) {
    throw malformedPolicy('Policy contains a statement with one or more invalid principals.');
  }
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, v]) =>
    asList(v).map((value) => {
      if (typeof value !== 'string') throw malformedPolicy('Policy contains a statement with one or more invalid principals.');
      return { type, value };
    }));
}

/** IAM wildcard match of an action pattern (`kms:*`, `kms:Put*`, `*`), case-insensitive as IAM actions are. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

function statementCovers(st: Statement, caller: Principal): boolean {
  const action = 'kms:PutKeyPolicy';
  const actionHit = st.Action !== undefined
    ? asList(st.Action).some((a) => actionMatches(String(a), action))
    : !asList(st.NotAction).some((a) => actionMatches(String(a), action));
  if (!actionHit) return false;
  const names = new Set(['*', caller.arn, caller.accountId, `arn:aws:iam::${caller.accountId}:root`]);
  if (st.Principal !== undefined) return principalValues(st.Principal).some((p) => p.type === 'AWS' && names.has(p.value));
  return !principalValues(st.NotPrincipal).some((p) => p.type === 'AWS' && names.has(p.value));
}

/**
 * The lockout safety check: refuse a policy that would not let the caller call PutKeyPolicy
 * afterwards. Simplified from AWS: a statement counts if its action covers kms:PutKeyPolicy and its
 * principal is the caller, the caller's account (root delegation to IAM), or "*"; conditions are
 * not evaluated; an unconditional Deny that covers the caller wins.
 */
export function checkLockout(statements: Statement[], caller: Principal): void {
  const allowed = statements.some((st) => st.Effect === 'Allow' && statementCovers(st, caller));
  const denied = statements.some((st) => st.Effect === 'Deny' && st.Condition === undefined && statementCovers(st, caller));
  if (!allowed || denied) throw malformedPolicy('The new key policy will not allow you to update the key policy in the future.');
}
