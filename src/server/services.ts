import { rootOnlyAuthorizer } from '../authz/authorize.js';
import type { Authorizer } from '../authz/types.js';
import type { Sealer } from '../crypto/root-key.js';
import { stsActions } from '../services/sts/actions.js';
import { StsProvider } from '../services/sts/provider.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import type { CallRecorder } from '../trail/recorder.js';
import type { Clock } from './clock.js';
import type { ServerConfig } from './config.js';
import type { GatewayDeps } from './gateway.js';
import type { Logger } from './logger.js';

/** What every service is built from: the store, the root key's sealer, service time. */
export interface Runtime {
  db: Db;
  sealer: Sealer;
  blobs: BlobStore;
  clock: Clock;
  config: ServerConfig;
  log: Logger;
}

/** A background job (key deletion sweep, rotation, trail delivery), stopped on shutdown. */
export interface Background {
  /** Runs one pass now (tests call it after moving the clock). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface Wiring {
  services: GatewayDeps['services'];
  authorizer: Authorizer;
  recorder?: CallRecorder;
  background: Background[];
}

/** Every service Coffer runs, wired to the runtime. One entry per service. */
export function buildServices(_rt: Runtime): Wiring {
  return {
    services: {
      sts: { provider: new StsProvider(), actions: stsActions },
    },
    authorizer: rootOnlyAuthorizer,
    background: [],
  };
}
