import type { AwsError } from '../errors.js';
import type { ServiceName } from '../model/registry.js';
import type { Principal } from '../server/context.js';

/**
 * One API call as the gateway saw it, allowed or denied, successful or not. The trail turns it
 * into a CloudTrail event; services never build events themselves.
 */
export interface CallRecord {
  requestId: string;
  eventTime: Date;
  service: ServiceName;
  /** Absent when the request never resolved to an operation (unknown action, bad signature). */
  operation?: string;
  region: string;
  /** null: anonymous, or authentication failed. */
  principal: Principal | null;
  /** The access key the request named, even when it was unknown or its signature failed. */
  accessKeyId?: string;
  sourceIp: string;
  userAgent: string;
  /** The decoded input (may hold sensitive members: the trail redacts them from the model). */
  input?: unknown;
  output?: unknown;
  error?: AwsError;
  status: number;
  /** The resources the operation's action names. */
  resources?: string[];
}

/** Where the gateway hands every finished call. Must not throw; may batch and write later. */
export interface CallRecorder {
  record(call: CallRecord): void;
}
