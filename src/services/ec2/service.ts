/**
 * Builds the EC2 inventory from the runtime: the store, the provider over it, its action table and
 * the sweep that forgets terminated instances. EBS reaches KMS through the KMS service's deps.
 */
import type { ServiceBinding } from '../../server/gateway.js';
import type { Background, Runtime } from '../../server/services.js';
import type { KmsDeps } from '../kms/key-lookup.js';
import { ec2Actions } from './actions.js';
import type { Ec2Deps } from './deps.js';
import { kmsKeysFrom } from './kms-keys.js';
import { Ec2Provider, terminatedInstanceSweep } from './provider.js';
import { Ec2Store } from './store.js';

export interface Ec2Service {
  binding: ServiceBinding;
  background: Background;
}

export function buildEc2(rt: Runtime, kms: KmsDeps): Ec2Service {
  const deps: Ec2Deps = { store: new Ec2Store(rt.db), clock: rt.clock, kms: kmsKeysFrom(kms) };
  return {
    binding: { provider: new Ec2Provider(deps), actions: ec2Actions },
    background: terminatedInstanceSweep(deps, (err) => rt.log.error({ err }, 'ec2 terminated-instance sweep failed')),
  };
}
