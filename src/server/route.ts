import type { ServiceModel } from '../model/types.js';
import type { ServiceName } from '../model/registry.js';

/** The services reached by JSON 1.1 `X-Amz-Target: <prefix>.<Operation>`. */
const TARGET_PREFIXES: Record<string, ServiceName> = {
  TrentService: 'kms',
  // CloudTrail's model says the long form; older SDKs send the short one.
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  CloudTrail_20131101: 'cloudtrail',
};

/** Query-protocol services tell themselves apart by their API version when a request is unsigned. */
const QUERY_VERSIONS: Record<string, ServiceName> = {
  '2010-05-08': 'iam',
  '2011-06-15': 'sts',
  '2016-11-15': 'ec2',
};

/** The service a JSON target names, and the operation after the last dot. */
export function routeTarget(target: string): { service: ServiceName | undefined; operation: string } {
  const dot = target.lastIndexOf('.');
  const prefix = dot < 0 ? '' : target.slice(0, dot);
  return { service: TARGET_PREFIXES[prefix], operation: target.slice(dot + 1) };
}

/**
 * Which service a request is for, before its body is read: an `X-Amz-Target` means JSON, a
 * SigV4 scope names the service, an unsigned form post or `?Action=` is a Query service (told
 * apart by Version once the parameters are read); everything else is S3.
 */
export function routeService(headers: Record<string, string>, scopeService: string | undefined, hasQueryAction: boolean): ServiceName | 'query?' {
  const target = headers['x-amz-target'];
  if (target) return routeTarget(target).service ?? 'kms';
  if (scopeService === 'iam' || scopeService === 'sts' || scopeService === 'ec2' || scopeService === 'kms' || scopeService === 'cloudtrail') return scopeService;
  if (scopeService === undefined && (hasQueryAction || (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))) {
    return 'query?';
  }
  return 's3';
}

/** The Query service an unsigned request's Version names (IAM when absent, as the global endpoint). */
export function queryServiceForVersion(version: string | undefined): ServiceName {
  return (version && QUERY_VERSIONS[version]) || 'iam';
}

/** The model operation named by a JSON target or a Query Action, if the model has it. */
export function findOperation(model: ServiceModel, name: string | undefined): string | undefined {
  return name && Object.prototype.hasOwnProperty.call(model.operations, name) ? name : undefined;
}
