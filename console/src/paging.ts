/**
 * Walks a paginated AWS list until it ends or `limit` items are in; the console never loads an
 * unbounded list into a page.
 */
export async function collect<T>(page: (token?: string) => Promise<{ items?: T[]; next?: string }>, limit = 1000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const { items = [], next } = await page(token);
    out.push(...items);
    token = next;
  } while (token && out.length < limit);
  return out.slice(0, limit);
}

/** Runs `fn` over `items` with at most `width` calls in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Local date and time of an AWS timestamp. */
export function when(date?: Date | string): string {
  if (!date) return '';
  const d = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(d.getTime()) ? String(date) : d.toLocaleString();
}

/** Bytes in the nearest binary unit. */
export function size(bytes?: number): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}
