import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import type { Authorizer } from '../authz/types.js';
import type { Sealer } from '../crypto/root-key.js';
import { buildCloudTrail } from '../services/cloudtrail/service.js';
import { buildKms } from '../services/kms/service.js';
import { buildS3 } from '../services/s3/service.js';
import { buildIdentity } from '../services/iam/service.js';
import { buildEc2 } from '../services/ec2/service.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import type { TrailDatabase } from '../trail/database.js';
import type { CallRecorder } from '../trail/recorder.js';
import type { Clock } from './clock.js';
import type { ServerConfig } from './config.js';
import type { GatewayDeps } from './gateway.js';
import type { InternalCalls } from './internal-calls.js';
import type { Leadership } from './leader.js';
import type { Logger } from './logger.js';

/** What every service is built from: the store, the root key's sealer, service time. */
export interface Runtime {
  db: Db;
  /** The trail's event history (src/trail/database.ts): `db` itself on PostgreSQL. */
  trail: TrailDatabase;
  sealer: Sealer;
  blobs: BlobStore;
  clock: Clock;
  config: ServerConfig;
  log: Logger;
  /** Calls between services on the caller's behalf (S3 -> KMS), authorized and trailed. */
  calls: InternalCalls;
  /**
   * Whether this node runs the cluster's scheduled work (leader.ts): gate every job that changes
   * shared state with `leaderOnly`; absent means a single node, which always leads.
   */
  leader?: Leadership;
}

/** A background job (key deletion sweep, rotation, trail delivery), stopped on shutdown. */
export interface Background {
  /** Runs one pass now (tests call it after moving the clock). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface Wiring {
  services: GatewayDeps['services'];
  credentials: GatewayDeps['credentials'];
  authorizer: Authorizer;
  recorder?: CallRecorder;
  background: Background[];
}

/** Every service Coffer runs, wired to the runtime. One entry per service. */
export function buildServices(rt: Runtime): Wiring {
  const kms = buildKms(rt);
  const s3 = buildS3(rt, kms.deps);
  const trail = buildCloudTrail(rt, { s3: s3.binding, kms: kms.binding });
  const identity = buildIdentity(rt);
  const ec2 = buildEc2(rt, kms.deps);
  const wiring: Wiring = {
    services: {
      sts: identity.sts,
      iam: identity.iam,
      kms: kms.binding,
      cloudtrail: trail.binding,
      s3: s3.binding,
      ec2: ec2.binding,
    },
    credentials: identity.credentials,
    authorizer: new PolicyAuthorizer(identity.principalPolicies),
    recorder: trail.recorder,
    background: [kms.background, ...trail.background, ...s3.background, identity.background, ec2.background],
  };
  rt.calls.attach(wiring);
  return wiring;
}
