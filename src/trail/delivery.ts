/**
 * Trail delivery: every `deliverySeconds`, each logging trail's new events (those its selectors
 * and Regions take) go to its bucket as gzipped log files; with log file validation on, every
 * `digestSeconds` a signed digest per Region names the log files delivered since the last one.
 *
 * Progress is kept in the database (`trails.delivered_seq`, `trail_log_files`, `trail_digests`),
 * one page of events at a time, so a restart resumes where delivery stopped. A failed write is
 * retried at the next pass and shows in GetTrailStatus as LatestDeliveryError.
 */
import { gzipSync } from 'node:zlib';
import type { Insertable } from 'kysely';
import { soleLeader, type Leadership } from '../server/leader.js';
import type { Logger } from '../server/logger.js';
import type { Clock } from '../server/clock.js';
import type { Background } from '../server/services.js';
import type { Db } from '../store/database.js';
import { digestBody, digestFileKey, digestStringToSign, logFileBody, logFileKey, sha256Hex, signDigest, SIGNATURE_ALGORITHM } from './digest.js';
import { trailTime } from './identity.js';
import { selectable, trailLogs, type TrailSelectors } from './selectors.js';
import type { TrailSettings } from './settings.js';
import type { SigningKeys } from './signing-keys.js';
import type { TrailObjectSink } from './sink.js';
import type { EventRow, TrailStore } from './store.js';
import type { TrailLogFilesTable, TrailsTable } from './tables.js';

type Trail = TrailsTable;

export interface DeliveryDeps {
  db: Db;
  events: TrailStore;
  keys: SigningKeys;
  sink: TrailObjectSink;
  clock: Clock;
  log: Logger;
  settings: Pick<TrailSettings, 'deliverySeconds' | 'digestSeconds'>;
  /** In a cluster, only the leader delivers (two nodes would write every log file twice). */
  leader?: Leadership;
}

/** Events read per page; each page becomes at most one log file per Region. */
const PAGE = 1000;

function selectorsOf(trail: Trail): TrailSelectors {
  return {
    basic: trail.event_selectors ? JSON.parse(trail.event_selectors) : undefined,
    advanced: trail.advanced_selectors ? JSON.parse(trail.advanced_selectors) : undefined,
  };
}

/** A single-Region trail takes its own Region's events, plus IAM's (global) when it includes global services. */
function regionTaken(trail: Trail, row: EventRow): boolean {
  return trail.multi_region === 1 || row.region === trail.home_region || (trail.include_global === 1 && row.event_source === 'iam.amazonaws.com');
}

function errorText(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  return e.code ?? e.name ?? 'InternalError';
}

export class TrailDelivery implements Background {
  private running: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: DeliveryDeps) {
    const { deliverySeconds, digestSeconds } = deps.settings;
    this.timer = setInterval(() => void this.runOnce(), Math.min(deliverySeconds, digestSeconds) * 1000);
    this.timer.unref();
  }

  /** One pass over every logging trail; passes never overlap. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    if (!(await (this.deps.leader ?? soleLeader).isLeader('trail-delivery'))) return;
    const now = this.deps.clock.now();
    const trails = await this.deps.db.selectFrom('trails').selectAll().where('is_logging', '=', 1).execute();
    for (const trail of trails) {
      const since = new Date(trail.latest_delivery_attempt ?? trail.start_logging_time ?? trail.created_at);
      if (now.getTime() - since.getTime() >= this.deps.settings.deliverySeconds * 1000) await this.deliverLogs(trail, now);
      if (trail.log_file_validation === 1) await this.digestIfDue(trail, now);
    }
  }

  private async deliverLogs(trail: Trail, now: Date): Promise<void> {
    const { db, events, sink, log } = this.deps;
    const selectors = selectorsOf(trail);
    let cursor = trail.delivered_seq;
    try {
      for (;;) {
        const rows = await events.after(cursor, PAGE);
        if (rows.length === 0) break;
        const byRegion = new Map<string, EventRow[]>();
        for (const row of rows) {
          if (row.account_id !== trail.account_id || !regionTaken(trail, row) || !trailLogs(selectors, selectable(row.event_json))) continue;
          byRegion.set(row.region, [...(byRegion.get(row.region) ?? []), row]);
        }
        const files: Array<Insertable<TrailLogFilesTable>> = [];
        for (const [region, taken] of byRegion) {
          const body = logFileBody(taken.map((r) => r.event_json));
          const key = logFileKey(trail.s3_key_prefix, trail.account_id, region, now);
          await sink.putObject({ arn: trail.arn, accountId: trail.account_id }, trail.s3_bucket, key, gzipSync(body), {}, trail.kms_key_id ?? undefined);
          files.push({
            s3_key: key, trail_arn: trail.arn, region, s3_bucket: trail.s3_bucket, sha256: sha256Hex(body),
            oldest_event_time: taken[0]!.event_time, newest_event_time: taken[taken.length - 1]!.event_time,
            delivered_at: now.toISOString(), digest_key: null,
          });
        }
        cursor = rows[rows.length - 1]!.seq;
        await db.transaction().execute(async (tx) => {
          if (files.length > 0) await tx.insertInto('trail_log_files').values(files).execute();
          await tx.updateTable('trails').set({
            delivered_seq: cursor, latest_delivery_attempt: now.toISOString(), latest_delivery_error: null,
            ...(files.length > 0 ? { latest_delivery_time: now.toISOString() } : {}),
          }).where('arn', '=', trail.arn).execute();
        });
        if (rows.length < PAGE) break;
      }
      await db.updateTable('trails').set({ latest_delivery_attempt: now.toISOString() }).where('arn', '=', trail.arn).execute();
    } catch (err) {
      log.warn({ err, trail: trail.arn }, 'trail: log file delivery failed; retrying at the next pass');
      await db.updateTable('trails').set({ latest_delivery_attempt: now.toISOString(), latest_delivery_error: errorText(err) }).where('arn', '=', trail.arn).execute();
    }
  }

  /** Writes the digests of every Region the trail has delivered to, once `digestSeconds` have passed. */
  private async digestIfDue(trail: Trail, now: Date): Promise<void> {
    const { db, log } = this.deps;
    const chains = await db.selectFrom('trail_digests').selectAll().where('trail_arn', '=', trail.arn).execute();
    const last = chains.reduce<string | undefined>((max, c) => (max && max > c.end_time ? max : c.end_time), undefined);
    const since = new Date(last ?? trail.start_logging_time ?? trail.created_at);
    if (now.getTime() - since.getTime() < this.deps.settings.digestSeconds * 1000) return;
    const pending = await db.selectFrom('trail_log_files').select('region').distinct().where('trail_arn', '=', trail.arn).where('digest_key', 'is', null).execute();
    const regions = new Set([trail.home_region, ...chains.map((c) => c.region), ...pending.map((p) => p.region)]);
    try {
      for (const region of [...regions].sort()) await this.writeDigest(trail, region, chains.find((c) => c.region === region), since, now);
    } catch (err) {
      log.warn({ err, trail: trail.arn }, 'trail: digest delivery failed; retrying at the next pass');
      await db.updateTable('trails').set({ latest_digest_error: errorText(err) }).where('arn', '=', trail.arn).execute();
    }
  }

  private async writeDigest(trail: Trail, region: string, previous: { end_time: string; s3_bucket: string; s3_key: string; sha256: string; signature: string } | undefined, since: Date, now: Date): Promise<void> {
    const { db, keys, sink } = this.deps;
    const files = await db.selectFrom('trail_log_files').selectAll()
      .where('trail_arn', '=', trail.arn).where('region', '=', region).where('digest_key', 'is', null).orderBy('delivered_at').execute();
    const key = await keys.current(region);
    const digestKey = digestFileKey(trail.s3_key_prefix, trail.account_id, region, trail.name, trail.home_region, now);
    const body = digestBody({
      accountId: trail.account_id, bucket: trail.s3_bucket, key: digestKey,
      start: previous ? new Date(previous.end_time) : since, end: now, fingerprint: key.fingerprint,
      logFiles: files.map((f) => ({
        s3Bucket: f.s3_bucket, s3Object: f.s3_key, hashValue: f.sha256,
        newestEventTime: new Date(f.newest_event_time), oldestEventTime: new Date(f.oldest_event_time),
      })),
      previous: previous && { bucket: previous.s3_bucket, key: previous.s3_key, sha256: previous.sha256, signature: previous.signature },
    });
    const sha256 = sha256Hex(body);
    const toSign = digestStringToSign(trailTime(now), trail.s3_bucket, digestKey, sha256, previous?.signature ?? null);
    const signature = signDigest(await keys.privateKey(key.fingerprint), toSign);
    // Digest files are never SSE-KMS, whatever the trail's key: AWS encrypts them with SSE-S3.
    await sink.putObject({ arn: trail.arn, accountId: trail.account_id }, trail.s3_bucket, digestKey, gzipSync(body), { signature, 'signature-algorithm': SIGNATURE_ALGORITHM });
    await db.transaction().execute(async (tx) => {
      if (files.length > 0) await tx.updateTable('trail_log_files').set({ digest_key: digestKey }).where('s3_key', 'in', files.map((f) => f.s3_key)).execute();
      const row = { trail_arn: trail.arn, region, end_time: now.toISOString(), s3_bucket: trail.s3_bucket, s3_key: digestKey, sha256, signature };
      await tx.insertInto('trail_digests').values(row)
        .onConflict((oc) => oc.columns(['trail_arn', 'region']).doUpdateSet({ end_time: row.end_time, s3_bucket: row.s3_bucket, s3_key: row.s3_key, sha256, signature }))
        .execute();
      await tx.updateTable('trails').set({ latest_digest_time: now.toISOString(), latest_digest_error: null }).where('arn', '=', trail.arn).execute();
    });
  }
}
