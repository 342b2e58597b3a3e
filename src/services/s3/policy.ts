/**
 * Bucket policies: the checks PutBucketPolicy makes before storing one (S3's MalformedPolicy
 * texts). Whether a policy is public is authz/public-policy.ts's call; what a policy allows is
 * decided by the IAM policy engine, not here.
 */
import { malformedPolicy } from './errors.js';

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

type Statement = Record<string, unknown>;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Checks a bucket policy document for `bucket`; throws MalformedPolicy as S3 words it. */
export function checkBucketPolicy(text: string, bucket: string): void {
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : undefined;
  } catch {
    doc = undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  const policy = doc as Record<string, unknown>;
  for (const field of Object.keys(policy)) if (!TOP_LEVEL.has(field)) throw malformedPolicy(`Unknown field ${field}`);
  if (policy.Version !== undefined && !VERSIONS.has(String(policy.Version))) throw malformedPolicy('The policy must contain a valid version string');
  if (policy.Statement === undefined) throw malformedPolicy('Missing required field Statement');
  const statements = asList(policy.Statement);
  if (statements.length === 0) throw malformedPolicy('Could not parse the policy: Statement is empty!');
  for (const s of statements) {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw malformedPolicy('Missing required field Statement');
    checkStatement(s as Statement, bucket);
  }
}

function checkStatement(s: Statement, bucket: string): void {
  for (const field of Object.keys(s)) if (!STATEMENT_FIELDS.has(field)) throw malformedPolicy(`Unknown field ${field}`);
  if (s.Effect === undefined) throw malformedPolicy('Missing required field Effect');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformedPolicy(`Invalid effect: ${String(s.Effect)}`);
  if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformedPolicy('Missing required field Principal');
  checkPrincipal(s.Principal ?? s.NotPrincipal);
  const actions = s.Action ?? s.NotAction;
  if (actions === undefined) throw malformedPolicy('Missing required field Action');
  for (const a of asList(actions)) {
    if (typeof a !== 'string' || !(a === '*' || /^s3:[A-Za-z*?]+$/.test(a))) throw malformedPolicy('Policy has invalid action');
  }
  const resources = s.Resource ?? s.NotResource;
  if (resources === undefined) throw malformedPolicy('Missing required field Resource');
  for (const r of asList(resources)) {
    if (typeof r !== 'string') throw malformedPolicy('Policy has invalid resource');
    // A bucket policy may only name its own bucket and the objects in it.
    if (r !== '*' && r !== `arn:aws:s3:::${bucket}` && !r.startsWith(`arn:aws:s3:::${bucket}/`)) throw malformedPolicy('Policy has invalid resource');
  }
  if (s.Condition !== undefined && (typeof s.Condition !== 'object' || s.Condition === null || Array.isArray(s.Condition))) {
    throw malformedPolicy('Invalid Condition block');
  }
}

function checkPrincipal(principal: unknown): void {
  if (principal === '*') return;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) throw malformedPolicy('Invalid principal in policy');
  for (const [kind, value] of Object.entries(principal)) {
    if (!['AWS', 'Service', 'CanonicalUser', 'Federated'].includes(kind)) throw malformedPolicy('Invalid principal in policy');
    for (const v of asList(value)) if (typeof v !== 'string' || v === '') throw malformedPolicy('Invalid principal in policy');
  }
}
