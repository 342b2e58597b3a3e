import { AwsError } from '../errors.js';

/** AWS's refusal of an unauthorized call, shaped per protocol as each service words it. */
export function accessDenied(protocol: string, principalArn: string | undefined, action: string, resource: string): AwsError {
  const who = principalArn ?? 'anonymous';
  const sentence = `User: ${who} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
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
