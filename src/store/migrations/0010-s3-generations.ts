/**
 * Which write a version's row holds. Forward-only, like every migration.
 *
 * - `s3_objects.generation`: random, new with every write of the row. A write that replaces the
 *   current null version keeps its row and its id, and changes the row in place (object-store.ts,
 *   `ObjectStore.put`); a reader that read the row before checks, when it reads the body, that the
 *   generation is still the one it read, so it never pairs the old row with the new body. Rows
 *   written before have none (null), and no reader of them finds a generation that differs.
 */
import type { Kysely } from 'kysely';

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('s3_objects').addColumn('generation', 'text').execute();
}
