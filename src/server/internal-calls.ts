import { accessDenied } from '../authz/denied.js';
import type { Authorizer } from '../authz/types.js';
import { AwsError, internalError } from '../errors.js';
import type { ServiceName } from '../model/registry.js';
import type { CallRecorder } from '../trail/recorder.js';
import type { RequestLimits } from './quotas.js';
import type { RequestContext } from './context.js';
import type { ServiceBinding } from './gateway.js';
import { methodName } from './gateway.js';

interface Attached {
  services: Partial<Record<ServiceName, ServiceBinding>>;
  authorizer: Authorizer;
  recorder?: CallRecorder;
}

/**
 * Calls one service makes to another on the caller's behalf (S3 -> KMS for SSE-KMS, EC2 -> KMS for
 * encrypted volumes). As in AWS, such a call is authorized as the caller — with `aws:CalledVia`
 * and `kms:ViaService` naming the service in between — and recorded in the trail as invoked by
 * it. It never goes through HTTP, but through the same authorizer, provider and recorder — and
 * the same request quotas: as AWS documents, requests a service makes on the caller's behalf count
 * against the caller's KMS quota in its account and Region
 * (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html).
 */
export class InternalCalls {
  private attached?: Attached;

  /** `limits`: the gateway's quotas (none: calls are not counted, as in unit tests). */
  constructor(private readonly limits?: Pick<RequestLimits, 'charge'>) {}

  /** Services are built before the wiring that joins them exists; this closes the loop. */
  attach(attached: Attached): void {
    this.attached = attached;
  }

  /**
   * Invokes `service`'s `operation` for `ctx`'s principal, via `via` (e.g. `s3.amazonaws.com`).
   * Errors are the target service's own (a denial is its AccessDenied): the calling service maps
   * them into its protocol (S3 answers `KMS.DisabledException` and the like).
   */
  async call<T>(ctx: RequestContext, service: ServiceName, operation: string, input: unknown, via: string): Promise<T> {
    const attached = this.attached;
    const binding = attached?.services[service];
    const spec = binding?.actions[operation];
    const method = (binding?.provider as Record<string, (c: RequestContext, i: unknown) => Promise<unknown>> | undefined)?.[methodName(operation)];
    if (!attached || !binding || !spec || typeof method !== 'function') throw new Error(`internal call to unknown ${service}:${operation}`);
    const inner: RequestContext = { ...ctx, service, operation, calledVia: [...(ctx.calledVia ?? []), via] };
    let output: unknown;
    let error: AwsError | undefined;
    let status = 200;
    let resources: string[] | undefined;
    try {
      resources = await spec.resources(inner, input);
      if ((await attached.authorizer.authorize(inner, spec, input)) === 'deny') {
        throw accessDenied('json', ctx.principal?.arn, spec.action, resources[0] ?? '*', inner.denial);
      }
      this.limits?.charge(service, operation, ctx.accountId, ctx.region);
      output = await method.call(binding.provider, inner, input);
      return output as T;
    } catch (err) {
      error = err instanceof AwsError ? err : internalError();
      status = error.status ?? 400;
      throw err;
    } finally {
      attached.recorder?.record({
        requestId: ctx.requestId, eventTime: new Date(), service, operation, region: ctx.region,
        principal: ctx.principal, accessKeyId: ctx.principal?.accessKeyId,
        sourceIp: ctx.sourceIp, userAgent: ctx.userAgent,
        input, output, error, status, resources, invokedBy: via,
      });
    }
  }
}
