/** What every EC2 operation is given: the store, service time, KMS, and the scope of a request. */
import type { RequestContext } from '../../server/context.js';
import type { Clock } from '../../server/clock.js';
import type { KmsKeys } from './kms-keys.js';
import type { Ec2Store, Scope } from './store.js';

export interface Ec2Deps {
  store: Ec2Store;
  clock: Clock;
  kms: KmsKeys;
}

/** The account and Region a request acts in. */
export function scopeOf(ctx: RequestContext): Scope {
  return { accountId: ctx.accountId, region: ctx.region };
}

/** `2024-05-01 12:00:00 GMT`, as EC2 writes times into StateTransitionReason. */
export function gmt(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}

/** `arn:aws:ec2:<region>:<account>:<type>/<id>`. */
export function ec2Arn(scope: Scope, resource: string): string {
  return `arn:aws:ec2:${scope.region}:${scope.accountId}:${resource}`;
}
