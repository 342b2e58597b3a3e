import type { RequestContext } from '../server/context.js';

/**
 * What an operation needs to be allowed: the IAM action and the resources it acts on. Every
 * implemented operation declares one (services/<svc>/actions.ts); the gateway refuses to start
 * if one is missing, so no operation can be reached without an authorization decision.
 */
export interface ActionSpec<Input = any> {
  action: string;
  resources(ctx: RequestContext, input: Input): string[];
  /** AWS answers these for any authenticated caller, whatever its policies (sts:GetCallerIdentity). */
  noPermissionRequired?: boolean;
}

export type ActionTable = Record<string, ActionSpec>;
