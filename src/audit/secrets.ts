/**
 * A small secret scanner for instance user data: patterns for the secrets most often pasted into
 * boot scripts. It reports what kind of secret sits on which line, never the secret itself. The
 * collector runs it, so user data itself never enters the inventory (or a file written from it).
 */

const DETECTORS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'AWS Access Key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'AWS Secret Access Key', pattern: /aws_?secret_?(?:access_?)?key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}\b/i },
  { kind: 'Private Key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/ },
  { kind: 'GitHub Token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { kind: 'Slack Token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { kind: 'Basic Auth Credentials', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i },
  // `password=...`, `DB_PASSWORD: ...` and friends with a literal value (a `$VAR` reference is not a secret).
  { kind: 'Secret Keyword', pattern: /(?:password|passwd|pwd|secret|token|api[_-]?key)[a-z_-]*["']?\s*[=:]\s*["']?(?!\$)[^\s"']{8,}/i },
];

export interface SecretHit {
  kind: string;
  line: number;
}

/** The kinds of secret found in `text`, with their 1-based line numbers. */
export function findSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const d of DETECTORS) if (d.pattern.test(line)) hits.push({ kind: d.kind, line: i + 1 });
  });
  return hits;
}
