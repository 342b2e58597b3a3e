/**
 * Builds the KMS service from the runtime: the key store, the material cache, the usage tracker,
 * the provider, its action table and the background passes (import expiry, automatic rotation,
 * key deletion).
 */
import type { ServiceBinding } from '../../server/gateway.js';
import type { Background, Runtime } from '../../server/services.js';
import { kmsActions } from './actions.js';
import { startKmsBackground } from './background.js';
import { GrantStore } from './grant-store.js';
import type { KmsDeps } from './key-lookup.js';
import { KeyLocks } from './key-locks.js';
import { KeyMaterials } from './key-material.js';
import { KeyStore } from './key-store.js';
import { KmsProvider } from './provider.js';
import { UsageTracker } from './usage-tracker.js';

export interface KmsService {
  binding: ServiceBinding;
  background: Background;
  /**
   * For other services in this process (S3 SSE-KMS): call the typed operations with the request's
   * context (e.g. generateDataKey / decrypt), and awsManagedKey(deps, ...) from key-factory.ts.
   */
  provider: KmsProvider;
  deps: KmsDeps;
}

export function buildKms(rt: Runtime): KmsService {
  // Cluster mode (a shared database): key state is read fresh on every request (see KeyStore).
  const store = new KeyStore(rt.db, undefined, rt.config?.database ? 0 : undefined);
  const materials = new KeyMaterials(store, rt.sealer);
  const usage = new UsageTracker(store, () => rt.clock.now());
  const deps: KmsDeps = { store, materials, clock: rt.clock, usage, locks: new KeyLocks(), sealer: rt.sealer, grants: new GrantStore(rt.db, store.changes) };
  const provider = new KmsProvider(deps);
  return {
    provider,
    binding: { provider, actions: kmsActions(deps) },
    background: startKmsBackground(deps, rt.log, rt.leader),
    deps,
  };
}
