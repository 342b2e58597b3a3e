import type { RequestContext } from '../server/context.js';

/**
 * What an operation needs to be allowed: the IAM action and the resources it acts on. Every
 * implemented operation declares one (services/<svc>/actions.ts); the gateway refuses to start
 * if one is missing, so no operation can be reached without an authorization decision.
 */
export interface ActionSpec<Input = any> {
  action: string;
  /**
   * The action when it depends on the request (a request naming a version id needs
   * s3:GetObjectVersion, not s3:GetObject); `action` otherwise.
   */
  actionFor?(ctx: RequestContext, input: Input): string;
  /** The resource ARNs; async where a name must be resolved first (a KMS alias names its key's ARN). */
  resources(ctx: RequestContext, input: Input): string[] | Promise<string[]>;
  /** AWS answers these for any authenticated caller, whatever its policies (sts:GetCallerIdentity). */
  noPermissionRequired?: boolean;
  /** Service-specific condition keys of this request (`kms:EncryptionContext:k`, `s3:prefix`, ...); async where they describe a stored resource. */
  conditions?(ctx: RequestContext, input: Input): Record<string, string | string[]> | Promise<Record<string, string | string[]>>;
  /** The resource-based policy that governs the resource (bucket policy, key policy), if any. */
  resourcePolicy?(ctx: RequestContext, input: Input): Promise<ResourcePolicy | undefined>;
  /**
   * The ACL grantees (S3 bucket or object ACLs) that hold the permission `action` needs. Asked only
   * when the policies alone do not allow the call; an empty list when ACLs are disabled.
   */
  acl?(ctx: RequestContext, input: Input, action: string): Promise<AclGrantee[]>;
  /** KMS grants on the key that may allow this call. */
  grants?(ctx: RequestContext, input: Input): Promise<GrantView[]>;
  /**
   * Further authorizations the same request needs, each decided like this one and all required
   * (kms:ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination).
   */
  also?(ctx: RequestContext, input: Input): Promise<Array<ActionSpec<Input>>>;
  /**
   * The request's items, each authorized as a request of its own (DeleteObjects' keys): the
   * request is then never refused as a whole; the gateway tells the operation which items were
   * (RequestContext.refusedItems), and it answers those with their own AccessDenied.
   */
  items?(ctx: RequestContext, input: Input): Array<ActionSpec<Input>>;
}

/** A resource-based policy as the owning service stores it. */
export interface ResourcePolicy {
  /** The policy JSON as stored (validated when it was put). */
  document: string;
  /** The account that owns the resource. */
  accountId: string;
  /**
   * 'kms-key': the key policy is the primary control: IAM policies count only where the key policy
   * delegates to the account (`arn:aws:iam::<acct>:root`). 'standard': S3 bucket policies, unioned
   * with identity policies within an account.
   */
  kind: 'standard' | 'kms-key';
}

/**
 * Who an S3 ACL grant names, as the authorizer matches callers: everyone (AllUsers, anonymous
 * included), any signed caller (AuthenticatedUsers), or one account (a canonical user id).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee
 */
export type AclGrantee = { kind: 'AllUsers' } | { kind: 'AuthenticatedUsers' } | { kind: 'Account'; accountId: string };

/** What the authorizer needs of a KMS grant. */
export interface GrantView {
  grantId: string;
  /** An AWS principal's ARN (or account id); a grant names this or a service principal. */
  granteePrincipal?: string;
  /** A service principal (`cloudtrail.amazonaws.com`) as grantee (GranteeServicePrincipal). */
  granteeServicePrincipal?: string;
  retiringPrincipal?: string;
  retiringServicePrincipal?: string;
  operations: string[];
  constraints?: {
    EncryptionContextEquals?: Record<string, string>;
    EncryptionContextSubset?: Record<string, string>;
    /** The call must be made on behalf of this resource (its aws:SourceArn). */
    SourceArn?: string;
  };
}

/** The decision for one request, made in the gateway and nowhere else. */
export interface Authorizer {
  authorize(ctx: RequestContext, spec: ActionSpec, input: unknown): Promise<'allow' | 'deny'>;
}

export type ActionTable = Record<string, ActionSpec>;
