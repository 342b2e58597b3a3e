/**
 * The signed-in identity. Credentials live in memory and, so a reload keeps the tab signed in,
 * in this tab's sessionStorage only (never localStorage, never a cookie): closing the tab forgets them.
 */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for STS temporary credentials. */
  sessionToken?: string;
}

export interface Session {
  credentials: Credentials;
  region: string;
  /** From sts:GetCallerIdentity at sign-in. */
  identity: { arn: string; account: string; userId: string };
}

const KEY = 'coffer.session';

/** The session saved in this tab, if any. */
export function loadSession(): Session | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    if (!text) return undefined;
    const value = JSON.parse(text) as Session;
    return value?.credentials?.accessKeyId && value.region && value.identity ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
