/**
 * Collects the inventory for `coffer audit` through the AWS SDK for JavaScript v3, from any
 * AWS-compatible endpoint or AWS itself, with the standard credential chain (or a profile). The
 * collection itself is collect/core.ts, shared with the web console; this adds the Node-only
 * client set.
 */
import { Clients, defaultRegion, type ClientOptions } from './collect/clients.js';
import { collectWith, type CollectScope } from './collect/core.js';
import type { Progress } from './collect/util.js';
import type { Inventory } from './inventory.js';

export interface CollectOptions extends ClientOptions, Omit<CollectScope, 'endpoint'> {
  /** Regions to audit; the first is also where global calls go. Every enabled Region when absent. */
  regions?: string[];
}

/** Reads the inventory the given services need. Throws only if the caller cannot be identified. */
export async function collectInventory(options: CollectOptions, progress: Progress): Promise<Inventory> {
  const homeRegion = options.regions?.[0] ?? (await defaultRegion(options));
  const clients = new Clients(options, homeRegion);
  try {
    return await collectWith(clients, options, progress);
  } finally {
    clients.destroy();
  }
}
