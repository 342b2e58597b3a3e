import type { Principal } from '../../server/context.js';
import type { EvaluationRequest, EvaluationResult } from '../evaluate.js';
import type { ResourcePolicy } from '../types.js';

/**
 * Principals, resources and policy builders shared by the decision-table cases. Names follow the
 * AWS documentation's examples (account 111122223333 trusting, 444455556666 trusted).
 */

export const A = '111122223333';
export const B = '444455556666';

export const alice: Principal = { type: 'IAMUser', accountId: A, arn: `arn:aws:iam::${A}:user/alice`, principalId: 'AIDAALICEEXAMPLE0001', userName: 'alice' };
export const bob: Principal = { type: 'IAMUser', accountId: A, arn: `arn:aws:iam::${A}:user/bob`, principalId: 'AIDABOBEXAMPLE000001', userName: 'bob' };
export const rootA: Principal = { type: 'Root', accountId: A, arn: `arn:aws:iam::${A}:root`, principalId: A };
export const rootB: Principal = { type: 'Root', accountId: B, arn: `arn:aws:iam::${B}:root`, principalId: B };
export const carol: Principal = { type: 'IAMUser', accountId: B, arn: `arn:aws:iam::${B}:user/carol`, principalId: 'AIDACAROLEXAMPLE0001', userName: 'carol' };
/** A session of role `reader` (path /app/) in account A. */
export const session: Principal = {
  type: 'AssumedRole', accountId: A, arn: `arn:aws:sts::${A}:assumed-role/reader/s1`, principalId: 'AROAREADEREXAMPLE001:s1',
  sessionIssuerArn: `arn:aws:iam::${A}:role/app/reader`,
};
export const ROLE = `arn:aws:iam::${A}:role/app/reader`;
/** A session of role `auditor` in account B. */
export const sessionB: Principal = {
  type: 'AssumedRole', accountId: B, arn: `arn:aws:sts::${B}:assumed-role/auditor/audit`, principalId: 'AROAAUDITOREXAMPLE01:audit',
  sessionIssuerArn: `arn:aws:iam::${B}:role/auditor`,
};
/** A GetFederationToken session of IAM user alice. */
export const fed: Principal = {
  type: 'FederatedUser', accountId: A, arn: `arn:aws:sts::${A}:federated-user/fred`, principalId: `${A}:fred`,
  sessionIssuerArn: alice.arn,
};

export const BUCKET = 'arn:aws:s3:::doc-example-bucket';
export const OBJ = `${BUCKET}/reports/q1.csv`;
export const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const KEY_B = `arn:aws:kms:us-east-1:${B}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

type Statement = Record<string, unknown>;

/** A 2012-10-17 policy document. */
export function pol(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function allow(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

/** The policy of a bucket owned by `owner`; no statements means the bucket has no policy (''). */
export function bucketPolicy(owner: string, ...statements: Statement[]): ResourcePolicy {
  return { kind: 'standard', accountId: owner, document: statements.length > 0 ? pol(...statements) : '' };
}

/** A key policy of a key in `owner`. */
export function keyPolicy(owner: string, ...statements: Statement[]): ResourcePolicy {
  return { kind: 'kms-key', accountId: owner, document: pol(...statements) };
}

/** The default key policy: the account may use IAM policies for the key. */
export function defaultKeyPolicy(owner: string): ResourcePolicy {
  return keyPolicy(owner, { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner}:root` }, Action: 'kms:*', Resource: '*' });
}

const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/';
const KMS = 'https://docs.aws.amazon.com/kms/latest/developerguide/';

/** The documentation each case's expected answer comes from. */
export const DOC = {
  denyAllow: `${IAM}reference_policies_evaluation-logic.html#policy-eval-denyallow`,
  idRbp: `${IAM}reference_policies_evaluation-logic.html#policy-eval-basics-id-rdp`,
  idBound: `${IAM}reference_policies_evaluation-logic.html#policy-eval-basics-id-bound`,
  interplay: `${IAM}reference_policies_evaluation-logic.html#AccessPolicyLanguage_Interplay`,
  cross: `${IAM}reference_policies_evaluation-logic-cross-account.html#policy-eval-cross-account`,
  boundaries: `${IAM}access_policies_boundaries.html#access_policies_boundaries-eval-logic`,
  session: `${IAM}access_policies.html#policies_session`,
  root: `${IAM}access_policies.html#access_policies-root`,
  statements: `${IAM}access_policies.html#policies-syntax-multiples`,
  action: `${IAM}reference_policies_elements_action.html`,
  notAction: `${IAM}reference_policies_elements_notaction.html`,
  resource: `${IAM}reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards`,
  notResource: `${IAM}reference_policies_elements_notresource.html`,
  principalAccounts: `${IAM}reference_policies_elements_principal.html#principal-accounts`,
  principalRoles: `${IAM}reference_policies_elements_principal.html#principal-roles`,
  principalSession: `${IAM}reference_policies_elements_principal.html#principal-role-session`,
  principalUsers: `${IAM}reference_policies_elements_principal.html#principal-users`,
  principalAll: `${IAM}reference_policies_elements_principal.html#principal-anonymous`,
  principalServices: `${IAM}reference_policies_elements_principal.html#principal-services`,
  notPrincipal: `${IAM}reference_policies_elements_notprincipal.html#specifying-notprincipal`,
  version: `${IAM}reference_policies_elements_version.html`,
  string: `${IAM}reference_policies_elements_condition_operators.html#Conditions_String`,
  numeric: `${IAM}reference_policies_elements_condition_operators.html#Conditions_Numeric`,
  date: `${IAM}reference_policies_elements_condition_operators.html#Conditions_Date`,
  bool: `${IAM}reference_policies_elements_condition_operators.html#Conditions_Boolean`,
  binary: `${IAM}reference_policies_elements_condition_operators.html#Conditions_BinaryEquals`,
  ip: `${IAM}reference_policies_elements_condition_operators.html#Conditions_IPAddress`,
  arn: `${IAM}reference_policies_elements_condition_operators.html#Conditions_ARN`,
  ifExists: `${IAM}reference_policies_elements_condition_operators.html#Conditions_IfExists`,
  null: `${IAM}reference_policies_elements_condition_operators.html#Conditions_Null`,
  missingKey: `${IAM}reference_policies_elements_condition_operators.html#reference_policies_elements_condition_operators`,
  multiEval: `${IAM}reference_policies_multi-value-conditions.html#reference_policies_multiple-conditions-eval`,
  setOps: `${IAM}reference_policies_multi-value-conditions.html#reference_policies_multi-key-or-value-conditions`,
  setEval: `${IAM}reference_policies_multi-value-conditions.html#reference_policies_multi-value-conditions-eval`,
  vars: `${IAM}reference_policies_variables.html#policy-vars-using-variables`,
  varsResource: `${IAM}reference_policies_variables.html#policy-vars-resourceelement`,
  varsCondition: `${IAM}reference_policies_variables.html#policy-vars-conditionelement`,
  varsNoValue: `${IAM}reference_policies_variables.html#policy-vars-no-value`,
  varsPrincipal: `${IAM}reference_policies_variables.html#principaltable`,
  varsSpecial: `${IAM}reference_policies_variables.html#policy-vars-specialchars`,
  varsDefault: `${IAM}reference_policies_variables.html#policy-vars-default-values`,
  keySecureTransport: `${IAM}reference_policies_condition-keys.html#condition-keys-securetransport`,
  keySourceIp: `${IAM}reference_policies_condition-keys.html#condition-keys-sourceip`,
  keyPrincipalArn: `${IAM}reference_policies_condition-keys.html#condition-keys-principalarn`,
  keyPrincipalTag: `${IAM}reference_policies_condition-keys.html#condition-keys-principaltag`,
  keyTagKeys: `${IAM}reference_policies_condition-keys.html#condition-keys-tagkeys`,
  keyMfa: `${IAM}reference_policies_condition-keys.html#condition-keys-multifactorauthpresent`,
  keyCalledVia: `${IAM}reference_policies_condition-keys.html#condition-keys-calledvia`,
  keyCurrentTime: `${IAM}reference_policies_condition-keys.html#condition-keys-currenttime`,
  keyEpochTime: `${IAM}reference_policies_condition-keys.html#condition-keys-epochtime`,
  kmsDefault: `${KMS}key-policy-default.html#key-policy-default-allow-root-enable-iam`,
  kmsOverview: `${KMS}key-policy-overview.html`,
  kmsNoIam: `${KMS}policy-evaluation.html#example-no-iam`,
  kmsCrossKeyPolicy: `${KMS}key-policy-modifying-external-accounts.html#cross-account-key-policy`,
  kmsCrossIam: `${KMS}key-policy-modifying-external-accounts.html#cross-account-iam-policy`,
  kmsCrossExample: `${KMS}policy-evaluation.html#example-cross-acct`,
  kmsGrants: `${KMS}grants.html#about-grants`,
  kmsGrantee: `${KMS}grants.html#terms-grantee-principal`,
  kmsRetiring: `${KMS}grants.html#terms-retiring-principal`,
  kmsConstraints: `${KMS}create-grant-overview.html#grant-constraints`,
  kmsContextKey: `${KMS}conditions-kms.html#conditions-kms-encryption-context-case`,
  s3PutBucketPolicy: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html',
  s3Ownership: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
} as const;

export interface Case {
  name: string;
  /** The AWS documentation page and section the expected answer comes from. */
  doc: string;
  expect: EvaluationResult['decision'];
  req: EvaluationRequest;
}

/** A case: alice reading OBJ with no policies, unless `req` says otherwise. */
export function c(name: string, doc: string, expect: Case['expect'], req: Partial<EvaluationRequest>): Case {
  return {
    name, doc, expect,
    req: { principal: alice, action: 's3:GetObject', resource: OBJ, context: {}, identity: [], ...req },
  };
}
