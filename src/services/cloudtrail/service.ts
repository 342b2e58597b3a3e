/**
 * Builds CloudTrail from the runtime: the event store and the recorder the gateway hands every
 * call to, the CloudTrail API, and the background jobs (the recorder's flush; 90-day retention;
 * trail delivery).
 */
import type { Clock } from '../../server/clock.js';
import type { ServiceBinding } from '../../server/gateway.js';
import type { Background, Runtime } from '../../server/services.js';
import type { CallRecorder } from '../../trail/recorder.js';
import { AppendThread } from '../../trail/append-thread.js';
import { TrailDelivery } from '../../trail/delivery.js';
import { TrailRetention } from '../../trail/retention.js';
import { trailSettings } from '../../trail/settings.js';
import { SigningKeys } from '../../trail/signing-keys.js';
import { TrailStore } from '../../trail/store.js';
import { TrailWriter } from '../../trail/writer.js';
import { cloudtrailActions } from './actions.js';
import type { CloudTrailDeps } from './deps.js';
import { trailDirectory } from './directory.js';
import { CloudTrailProvider } from './provider.js';
import { KmsTrailKeys } from './kms-check.js';
import { S3TrailBuckets } from './s3-delivery.js';

/**
 * Events carry service time, the time retention, LookupEvents' 90 days and delivery go by. Calls
 * are stamped with the wall clock (which SigV4 needs); the two differ only once tests move the
 * service clock, and then a call made "now" must not look 90 days old.
 */
function inServiceTime(recorder: CallRecorder, clock: Clock): CallRecorder {
  return {
    record(call) {
      const offset = clock.now().getTime() - Date.now();
      recorder.record(Math.abs(offset) < 1000 ? call : { ...call, eventTime: new Date(call.eventTime.getTime() + offset) });
    },
  };
}

export interface CloudTrailService {
  binding: ServiceBinding;
  /** The gateway's CallRecorder; absent when recording is switched off (benchmarks only). */
  recorder?: CallRecorder;
  /** The recorder first: a clock advance writes pending events before delivery reads them. */
  background: Background[];
}

/**
 * With S3's binding, CreateTrail checks the bucket and its policy and logging trails deliver log
 * and digest files into it; without it, trails keep their settings and status but deliver nothing.
 * The binding may be passed as a function, read on first use: CloudTrail can then be built before
 * S3, and S3 handed the recorder (for the KMS calls it makes on a caller's behalf). With KMS's
 * binding, a trail's KmsKeyId is checked as AWS checks it.
 */
export function buildCloudTrail(rt: Runtime, options: { s3?: ServiceBinding | (() => ServiceBinding); kms?: ServiceBinding | (() => ServiceBinding) } = {}): CloudTrailService {
  const settings = trailSettings(process.env);
  const events = new TrailStore(rt.trail.db, rt.sealer);
  const appender = new AppendThread(rt.trail.location, rt.sealer, rt.log);
  const writer = new TrailWriter(appender, trailDirectory(rt.db), rt.log, { flushMs: settings.flushMs });
  const keys = new SigningKeys(rt.db, rt.sealer, rt.clock);
  const binding = options.s3;
  const s3 = binding && new S3TrailBuckets(typeof binding === 'function' ? binding : () => binding, rt.clock);
  const kmsBinding = options.kms;
  const kmsKeys = kmsBinding && new KmsTrailKeys(typeof kmsBinding === 'function' ? kmsBinding : () => kmsBinding, rt.clock);
  const deps: CloudTrailDeps = { db: rt.db, clock: rt.clock, events, flush: () => writer.flush(), keys, buckets: s3, kmsKeys };
  // Retention after the recorder, so a clock advance writes pending events before it prunes.
  const background: Background[] = [writer, new TrailRetention({ db: rt.db, trailDb: rt.trail.db, sealer: rt.sealer, clock: rt.clock, log: rt.log, leader: rt.leader })];
  if (s3) background.push(new TrailDelivery({ db: rt.db, events, keys, sink: s3, clock: rt.clock, log: rt.log, settings, leader: rt.leader }));
  return {
    binding: { provider: new CloudTrailProvider(deps), actions: cloudtrailActions },
    recorder: settings.recording ? inServiceTime(writer, rt.clock) : undefined,
    background,
  };
}
