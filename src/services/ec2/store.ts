/**
 * The EC2 repository over Kysely: one small store per area (network, security groups, instances,
 * EBS, tags), each method one query or one transaction. Reads load a Region's records of an account
 * and let the operations filter and page them in memory: EC2 filters (wildcards, tag filters, many
 * fields) do not map onto portable SQL, and an account's inventory in one Region is small.
 */
import type { Db } from '../../store/database.js';
import { EbsStore } from './store-ebs.js';
import { GroupStore } from './store-groups.js';
import { InstanceStore } from './store-instances.js';
import { NetworkStore } from './store-network.js';
import { TagStore } from './store-tags.js';

export type { Scope, TagPair, TagRow } from './store-tags.js';

/** Every EC2 store, over one database. */
export class Ec2Store {
  readonly network: NetworkStore;
  readonly groups: GroupStore;
  readonly instances: InstanceStore;
  readonly ebs: EbsStore;
  readonly tags: TagStore;

  constructor(db: Db) {
    this.network = new NetworkStore(db);
    this.groups = new GroupStore(db);
    this.instances = new InstanceStore(db);
    this.ebs = new EbsStore(db);
    this.tags = new TagStore(db);
  }
}
