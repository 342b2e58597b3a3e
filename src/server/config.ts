import { resolve } from 'node:path';
import { limitsFrom, type LimitsConfig } from './quotas.js';

/** Everything the server is told at start: flags first, then `COFFER_*` variables, then defaults. */
export interface ServerConfig {
  host: string;
  /** 0 picks a free port (tests); the chosen one is logged and printed. */
  port: number;
  dataDir: string;
  /** Region of requests that carry no SigV4 scope (anonymous S3). */
  defaultRegion: string;
  /** Host names meaning "the S3 endpoint": `<bucket>.<domain>` is virtual-hosted style. */
  s3Domains: string[];
  logLevel: string;
  /** PEM files: when set, Coffer serves HTTPS only (TLS 1.2 and later). */
  tls?: { cert: string; key: string };
  /** Cluster mode: metadata in PostgreSQL (`postgres://...`) instead of SQLite in the data dir. */
  database?: string;
  /** Cluster mode: object bodies in an S3-compatible store (`s3://bucket/prefix?endpoint=...`). */
  blobs?: string;
  /** A client must send its whole request head within this (COFFER_HEADERS_TIMEOUT_MS, default 30 s): slowloris defence. */
  headersTimeoutMs?: number;
  /** KMS request quotas and the S3 in-flight limit (src/server/quotas.ts); defaults apply when absent. */
  limits?: LimitsConfig;
}

/** Coffer's default port: C-O-F-F on a phone keypad. */
export const DEFAULT_PORT = 2633;

export function configFrom(flags: Partial<Record<'host' | 'port' | 'dataDir' | 'tlsCert' | 'tlsKey' | 'database' | 'blobs', string>>, env: NodeJS.ProcessEnv): ServerConfig {
  const port = Number(flags.port ?? env.COFFER_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${flags.port ?? env.COFFER_PORT}`);
  const cert = flags.tlsCert ?? env.COFFER_TLS_CERT;
  const key = flags.tlsKey ?? env.COFFER_TLS_KEY;
  if ((cert === undefined) !== (key === undefined)) throw new Error('TLS needs both a certificate and a key');
  return {
    tls: cert && key ? { cert: resolve(cert), key: resolve(key) } : undefined,
    host: flags.host ?? env.COFFER_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(flags.dataDir ?? env.COFFER_DATA_DIR ?? './coffer-data'),
    defaultRegion: env.COFFER_REGION ?? 'us-east-1',
    s3Domains: (env.COFFER_S3_DOMAINS ?? 'localhost,s3.localhost,localhost.localstack.cloud,s3.amazonaws.com')
      .split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
    logLevel: env.COFFER_LOG_LEVEL ?? 'info',
    database: flags.database ?? (env.COFFER_DATABASE_URL || undefined),
    blobs: flags.blobs ?? (env.COFFER_BLOBS_URL || undefined),
    headersTimeoutMs: positiveInt(env.COFFER_HEADERS_TIMEOUT_MS, 30_000, 'COFFER_HEADERS_TIMEOUT_MS'),
    limits: limitsFrom(env),
  };
}

/** A positive integer setting, or `fallback` when unset. */
function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
}
