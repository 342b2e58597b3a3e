import { AwsError } from '../errors.js';
import type { RequestContext } from '../server/context.js';

/**
 * AWS's refusal of an unauthorized call, shaped per protocol as each service words it. `denial`
 * (the authorizer's, from the request context) names the refused action and resource and why;
 * without it the refusal reads as no identity-based policy allowing `action` on `resource`.
 */
export function accessDenied(protocol: string, principalArn: string | undefined, action: string, resource: string, denial?: RequestContext['denial']): AwsError {
  const who = principalArn ?? 'anonymous';
  if (denial) ({ action, resource } = denial);
  const why = denial?.reason ?? `because no identity-based policy allows the ${action} action`;
  const sentence = `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  switch (protocol) {
    case 'json':
      return new AwsError('AccessDeniedException', sentence, { status: 400 });
    case 'query':
      return new AwsError('AccessDenied', sentence, { status: 403 });
    case 'ec2':
      return new AwsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', { status: 403 });
    default:
      return new AwsError('AccessDenied', 'Access Denied', { status: 403 });
  }
}
