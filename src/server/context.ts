/**
 * Who is calling and on which request: built by the gateway, handed to every service function.
 * Services read state through it (account and region scope), never through module globals.
 */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'AWSService' | 'Anonymous';

export interface Principal {
  type: PrincipalType;
  accountId: string;
  /** `arn:aws:iam::123456789012:root`, `...:user/alice`, `arn:aws:sts::...:assumed-role/r/s`. */
  arn: string;
  /** AWS's unique id: the account id for root, `AIDA...` for users, `AROA...:session` for roles. */
  principalId: string;
  accessKeyId?: string;
  userName?: string;
  /**
   * For an assumed-role session: the ARN of the role (with its path); for a federated-user session:
   * the IAM user that federated. Resource policies naming the role match its sessions, and
   * aws:PrincipalArn is the role ARN. Without it the role ARN is derived from `arn` (path lost).
   */
  sessionIssuerArn?: string;
  /** sts:SourceIdentity set when the session was created (aws:SourceIdentity). */
  sourceIdentity?: string;
}

export interface RequestContext {
  requestId: string;
  service: string;
  operation: string;
  /** From the SigV4 credential scope; us-east-1 when the request is anonymous. */
  region: string;
  /** The account whose resources the request acts on: the caller's, for now. */
  accountId: string;
  /** null for an anonymous (unsigned) S3 request. */
  principal: Principal | null;
  sourceIp: string;
  userAgent: string;
  receivedAt: Date;
  /** The request came over TLS (`aws:SecureTransport`). */
  secureTransport: boolean;
  /** `https://host:port` as the client addressed the server (absent for calls Coffer makes itself). */
  origin?: string;
  /**
   * Service principals that made this call on the caller's behalf, first to last (for example
   * `['s3.amazonaws.com']` when S3 calls KMS for an SSE-KMS object): aws:CalledVia, aws:ViaAWSService,
   * kms:ViaService.
   */
  calledVia?: string[];
  /**
   * Set by the authorizer when it refuses the request: the action and resource refused and the end
   * of AWS's sentence saying why (`because no resource-based policy allows the kms:Decrypt action`).
   */
  denial?: { action: string; resource: string; reason: string };
  /** For an operation authorized item by item (ActionSpec.items): the positions of the items refused. */
  refusedItems?: ReadonlySet<number>;
  /**
   * The resource on whose behalf an AWS service principal makes this call (CloudTrail delivering a
   * trail's logs): aws:SourceArn and aws:SourceAccount, which key and bucket policies and grants'
   * SourceArn constraints check against confused deputies.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
   */
  source?: { arn: string; account: string };
}
