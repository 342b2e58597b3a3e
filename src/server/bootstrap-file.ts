/**
 * The declarative bootstrap file (`coffer server --bootstrap FILE`, or COFFER_BOOTSTRAP_FILE): the
 * accounts, users with given access key pairs, managed policies, groups, roles and attachments a
 * test suite or CI job needs, applied at every start. Applying it twice changes nothing: what
 * exists is kept (a changed policy document becomes the policy's new default version, a changed
 * trust policy replaces the role's), what is missing is created, and nothing is ever deleted.
 * KMS keys and S3 buckets are not (yet) part of the format.
 *
 * JSON, for example:
 * ```json
 * { "accounts": [ { "id": "111111111111", "name": "alpha",
 *     "rootAccessKeys": [ { "accessKeyId": "AKIA...", "secretAccessKey": "..." } ],
 *     "policies": [ { "name": "read-data", "document": { "Version": "2012-10-17", "Statement": [...] } } ],
 *     "groups": [ { "name": "readers", "managedPolicies": ["read-data"] } ],
 *     "users": [ { "name": "alice", "groups": ["readers"], "accessKeys": [ { "accessKeyId": "AKIA...", "secretAccessKey": "..." } ],
 *                  "managedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "inlinePolicies": { "extra": { ... } }, "tags": { "team": "a" } } ],
 *     "roles": [ { "name": "deployer", "trustPolicy": { ... }, "maxSessionDuration": 7200, "managedPolicies": ["AdministratorAccess"] } ] } ] }
 * ```
 * A managed policy is named by ARN, by the name of a policy of the same file, or by the name of an
 * AWS managed policy.
 */
import { readFile } from 'node:fs/promises';
import { secretAad } from '../auth/principal.js';
import type { Sealer } from '../crypto/root-key.js';
import { AwsError } from '../errors.js';
import { IamChanges, type IamDeps } from '../services/iam/deps.js';
import { findUser } from '../services/iam/entities.js';
import { createIamProvider, type IamProvider } from '../services/iam/provider.js';
import type { Db } from '../store/database.js';
import { ensureAccount, ensureRootKey } from './bootstrap.js';
import { Clock } from './clock.js';
import type { RequestContext } from './context.js';

type Document = string | Record<string, unknown>;

export interface KeySpec { accessKeyId: string; secretAccessKey: string; status?: 'Active' | 'Inactive' }
export interface PolicySpec { name: string; path?: string; description?: string; document: Document }
interface Attachable { managedPolicies?: string[]; inlinePolicies?: Record<string, Document> }
export interface GroupSpec extends Attachable { name: string; path?: string }
export interface UserSpec extends Attachable {
  name: string;
  path?: string;
  groups?: string[];
  accessKeys?: KeySpec[];
  tags?: Record<string, string>;
  permissionsBoundary?: string;
}
export interface RoleSpec extends Attachable {
  name: string;
  path?: string;
  trustPolicy: Document;
  description?: string;
  maxSessionDuration?: number;
  tags?: Record<string, string>;
  permissionsBoundary?: string;
}
export interface AccountSpec {
  id: string;
  name?: string;
  rootAccessKeys?: KeySpec[];
  policies?: PolicySpec[];
  groups?: GroupSpec[];
  users?: UserSpec[];
  roles?: RoleSpec[];
}
export interface BootstrapFile { accounts: AccountSpec[] }

const text = (d: Document) => (typeof d === 'string' ? d : JSON.stringify(d));
const tagList = (tags: Record<string, string> | undefined) => (tags ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined);

/** Runs an IAM call, treating "already exists" as done. */
async function ensure(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (err instanceof AwsError && err.code === 'EntityAlreadyExists') return false;
    throw err;
  }
}

/** Reads and applies the file; errors name the entity that failed, and stop the start. */
export async function applyBootstrapFile(db: Db, sealer: Sealer, file: string): Promise<void> {
  let spec: BootstrapFile;
  try {
    spec = JSON.parse(await readFile(file, 'utf8')) as BootstrapFile;
  } catch (err) {
    throw new Error(`bootstrap file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(spec.accounts)) throw new Error(`bootstrap file ${file}: "accounts" must be a list`);
  const deps: IamDeps = { db, sealer, clock: new Clock(), changes: new IamChanges() };
  const iam = createIamProvider(deps);
  for (const account of spec.accounts) {
    try {
      await applyAccount(deps, iam, account);
    } catch (err) {
      throw new Error(`bootstrap file ${file}, account ${account.id}: ${(err as Error).message}`, { cause: err });
    }
  }
}

async function applyAccount(deps: IamDeps, iam: IamProvider, a: AccountSpec): Promise<void> {
  await ensureAccount(deps.db, { id: a.id, name: a.name });
  for (const key of a.rootAccessKeys ?? []) await ensureRootKey(deps.db, deps.sealer, a.id, key);
  const ctx: RequestContext = {
    requestId: 'bootstrap', service: 'iam', operation: 'Bootstrap', region: 'us-east-1', accountId: a.id,
    principal: { type: 'Root', accountId: a.id, arn: `arn:aws:iam::${a.id}:root`, principalId: a.id },
    sourceIp: '', userAgent: 'coffer-bootstrap', receivedAt: new Date(), secureTransport: false,
  };
  const policyArn = (ref: string) => {
    if (ref.startsWith('arn:')) return ref;
    const own = a.policies?.find((p) => p.name === ref);
    return own ? `arn:aws:iam::${a.id}:policy${own.path ?? '/'}${own.name}` : `arn:aws:iam::aws:policy/${ref}`;
  };

  for (const p of a.policies ?? []) await ensurePolicy(iam, ctx, policyArn(p.name), p);

  for (const g of a.groups ?? []) {
    await ensure(iam.createGroup!(ctx, { GroupName: g.name, Path: g.path }));
    for (const ref of g.managedPolicies ?? []) await iam.attachGroupPolicy!(ctx, { GroupName: g.name, PolicyArn: policyArn(ref) });
    for (const [name, doc] of Object.entries(g.inlinePolicies ?? {})) await iam.putGroupPolicy!(ctx, { GroupName: g.name, PolicyName: name, PolicyDocument: text(doc) });
  }

  for (const u of a.users ?? []) {
    await ensure(iam.createUser!(ctx, { UserName: u.name, Path: u.path, Tags: tagList(u.tags), PermissionsBoundary: u.permissionsBoundary && policyArn(u.permissionsBoundary) }));
    if (u.tags) await iam.tagUser!(ctx, { UserName: u.name, Tags: tagList(u.tags)! });
    for (const group of u.groups ?? []) await iam.addUserToGroup!(ctx, { GroupName: group, UserName: u.name });
    for (const ref of u.managedPolicies ?? []) await iam.attachUserPolicy!(ctx, { UserName: u.name, PolicyArn: policyArn(ref) });
    for (const [name, doc] of Object.entries(u.inlinePolicies ?? {})) await iam.putUserPolicy!(ctx, { UserName: u.name, PolicyName: name, PolicyDocument: text(doc) });
    for (const key of u.accessKeys ?? []) await ensureUserKey(deps, a.id, u.name, key);
  }

  for (const r of a.roles ?? []) {
    const created = await ensure(iam.createRole!(ctx, {
      RoleName: r.name, Path: r.path, AssumeRolePolicyDocument: text(r.trustPolicy), Description: r.description,
      MaxSessionDuration: r.maxSessionDuration, Tags: tagList(r.tags), PermissionsBoundary: r.permissionsBoundary && policyArn(r.permissionsBoundary),
    }));
    if (!created) {
      await iam.updateAssumeRolePolicy!(ctx, { RoleName: r.name, PolicyDocument: text(r.trustPolicy) });
      await iam.updateRole!(ctx, { RoleName: r.name, Description: r.description, MaxSessionDuration: r.maxSessionDuration });
    }
    for (const ref of r.managedPolicies ?? []) await iam.attachRolePolicy!(ctx, { RoleName: r.name, PolicyArn: policyArn(ref) });
    for (const [name, doc] of Object.entries(r.inlinePolicies ?? {})) await iam.putRolePolicy!(ctx, { RoleName: r.name, PolicyName: name, PolicyDocument: text(doc) });
  }
}

/** Creates the policy, or makes a changed document its new default version (dropping the oldest other version at AWS's limit of five). */
async function ensurePolicy(iam: IamProvider, ctx: RequestContext, arn: string, p: PolicySpec): Promise<void> {
  const document = text(p.document);
  if (await ensure(iam.createPolicy!(ctx, { PolicyName: p.name, Path: p.path, Description: p.description, PolicyDocument: document }))) return;
  const current = await iam.getPolicy!(ctx, { PolicyArn: arn });
  const version = await iam.getPolicyVersion!(ctx, { PolicyArn: arn, VersionId: current.Policy!.DefaultVersionId! });
  if (decodeURIComponent(version.PolicyVersion!.Document!) === document) return;
  const versions = (await iam.listPolicyVersions!(ctx, { PolicyArn: arn })).Versions ?? [];
  if (versions.length >= 5) {
    const oldest = versions.filter((v) => !v.IsDefaultVersion).pop()!;
    await iam.deletePolicyVersion!(ctx, { PolicyArn: arn, VersionId: oldest.VersionId! });
  }
  await iam.createPolicyVersion!(ctx, { PolicyArn: arn, PolicyDocument: document, SetAsDefault: true });
}

/** Gives the user the access key pair named in the file (kept as is when already there). */
async function ensureUserKey(deps: IamDeps, accountId: string, userName: string, key: KeySpec): Promise<void> {
  const user = await findUser(deps, accountId, userName);
  const known = await deps.db.selectFrom('access_keys').select(['principal_id', 'status']).where('access_key_id', '=', key.accessKeyId).executeTakeFirst();
  const status = key.status ?? 'Active';
  if (known) {
    if (known.principal_id !== user.user_id) throw new Error(`access key ${key.accessKeyId} already belongs to another principal`);
    if (known.status !== status) await deps.db.updateTable('access_keys').set({ status }).where('access_key_id', '=', key.accessKeyId).execute();
    return;
  }
  await deps.db.insertInto('access_keys').values({
    access_key_id: key.accessKeyId,
    account_id: accountId,
    principal_arn: user.arn,
    principal_type: 'IAMUser',
    principal_id: user.user_id,
    user_name: user.user_name,
    status,
    secret_sealed: deps.sealer.seal(secretAad(key.accessKeyId), Buffer.from(key.secretAccessKey, 'utf8')),
    created_at: new Date().toISOString(),
    last_used_at: null,
    last_used_service: null,
    last_used_region: null,
  }).execute();
}
