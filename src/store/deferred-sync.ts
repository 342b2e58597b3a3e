/**
 * A write-behind batch (the trail's appends) that resolves only once its commit is durable. On
 * embedded SQLite the commit's sync is a group commit off the event loop (group-commit.ts);
 * PostgreSQL syncs in its own process.
 */
import type { Kysely } from 'kysely';
import { durable } from './group-commit.js';

export async function withDeferredSync<D, T>(db: Kysely<D>, work: (db: Kysely<D>) => Promise<T>): Promise<T> {
  const result = await work(db);
  await durable(db);
  return result;
}
