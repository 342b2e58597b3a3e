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
  /**
   * The AWS service that made this call on the principal's behalf (`s3.amazonaws.com` for the
   * KMS calls of SSE-KMS): the event then shows it as AWS does (`invokedBy`, source address).
   */
  invokedBy?: string;
  /** The request's Host header: S3 events name it in requestParameters and tlsDetails. */
  host?: string;
  /** Present when the request came over TLS. */
  tls?: { version: string; cipherSuite: string };
  /** S3 only: how the request was signed, the bytes it moved, and `x-amz-id-2`. */
  s3?: { authMethod?: 'AuthHeader' | 'QueryString'; bytesIn?: number; bytesOut?: number; hostId?: string };
}

/**
 * Where the gateway hands every finished call. Must not throw; may batch and write later.
 *
 * Durability contract (issue 7: "never blocks a request on a disk sync of its own", "never lost
 * on a clean shutdown"): a call is recorded after its answer is written, and the trail's writer
 * (writer.ts) commits the queue as one transaction every few tens of milliseconds. So
 * - a clean shutdown (SIGTERM) drains in-flight requests first, then writes every queued event:
 *   no answered call's event is lost;
 * - a SIGKILL or power loss can lose the events of the calls answered within the last batch window
 *   (`flushMs`, 50 ms by default, plus one commit), never an event in the middle: each batch
 *   appends to the hash chain in one transaction, so the chain that survives always verifies
 *   (the crash-safety test checks it after every kill). AWS CloudTrail is likewise asynchronous:
 *   it delivers events after the call returns (typically within minutes).
 * Making every response wait for its batch's commit (a group commit) would close that window at
 * the cost of one commit's latency on every request; the issues do not ask for it.
 */
export interface CallRecorder {
  record(call: CallRecord): void;
}
