import { useEffect, useState } from 'react';

/** What this server offers, from GET /_coffer/health (unauthenticated, same origin). */
export interface Capabilities {
  /** Service name -> 'available' | 'not-implemented'. */
  services: Record<string, string>;
  /** The auditor, once the server offers it (`"audit": "available"` in the health answer). */
  audit: boolean;
}

let pending: Promise<Capabilities> | undefined;

export function fetchCapabilities(): Promise<Capabilities> {
  pending ??= fetch('/_coffer/health', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : {}))
    .then((body: { services?: Record<string, string>; audit?: string; features?: Record<string, string> }) => ({
      services: body.services ?? {},
      audit: body.audit === 'available' || body.features?.audit === 'available' || body.services?.audit === 'available',
    }))
    .catch(() => ({ services: {}, audit: false }));
  return pending;
}

/** The server's capabilities, or undefined while they load. */
export function useCapabilities(): Capabilities | undefined {
  const [caps, setCaps] = useState<Capabilities>();
  useEffect(() => {
    let live = true;
    fetchCapabilities().then((c) => live && setCaps(c));
    return () => { live = false; };
  }, []);
  return caps;
}
