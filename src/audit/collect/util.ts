/** Shared plumbing of the collectors: error capture, a concurrency limit, progress reporting. */
import type { ApiError, Fetched } from '../inventory.js';

/** What the collectors report as they go (drawn on stderr by progress.ts when it is a terminal). */
export interface Progress {
  /** A new stage started (`ec2 eu-west-1`). */
  stage(label: string): void;
  /** One API call finished. */
  call(operation: string): void;
}

export const silentProgress: Progress = { stage() {}, call() {} };

/** The code an SDK error carries: the service's error code (`Code`/`__type`), else the error's name. */
export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.name ?? e.code ?? 'Error';
}

/** The API error as the inventory keeps it (message only: SDK errors hold no credentials). */
export function apiError(operation: string, err: unknown): ApiError {
  const e = err as { message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const message = e.message && e.message !== 'UnknownError' ? e.message : status ? `HTTP ${status}` : String(err);
  return { operation, code: errorCode(err), message, kind: 'error' };
}

/** Runs one read call, recording its value or its error. */
export async function attempt<T>(progress: Progress, operation: string, call: () => Promise<T>): Promise<Fetched<T>> {
  try {
    const value = await call();
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: apiError(operation, err) };
  } finally {
    progress.call(operation);
  }
}

/**
 * Like {@link attempt}, but an error with one of `absentCodes` means "not configured" and yields
 * `absent` (GetBucketPolicy's NoSuchBucketPolicy, GetAccountPasswordPolicy's NoSuchEntity, ...).
 */
export async function attemptOptional<T, A>(progress: Progress, operation: string, absentCodes: string[], absent: A, call: () => Promise<T>): Promise<Fetched<T | A>> {
  const result = await attempt<T | A>(progress, operation, call);
  if (!result.ok && absentCodes.includes(result.error.code)) return { ok: true, value: absent };
  return result;
}

/** Reuses a failure for another value type (a list call failed: the items it would have listed fail too). */
export function failed<T>(error: ApiError): Fetched<T> {
  return { ok: false, error };
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Drains an SDK paginator into one list. */
export async function collectPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** IAM returns policy documents URL-encoded (RFC 3986); some SDKs decode them, the JS v3 SDK doesn't. */
export function parseIamDocument(document: string | undefined): Record<string, unknown> {
  if (!document) return {};
  const text = document.trimStart().startsWith('{') ? document : decodeURIComponent(document);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A Date from the SDK as the inventory's ISO string. */
export function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}
