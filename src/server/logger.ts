import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Request logs carry ids, never headers or bodies; the redact list
 * is a second line of defence should a secret-bearing object ever be passed to the logger.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'coffer' },
    redact: {
      paths: ['secretAccessKey', '*.secretAccessKey', 'authorization', '*.authorization', 'headers', '*.headers', 'plaintext', '*.plaintext'],
      censor: '[redacted]',
    },
  });
}
