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
}
