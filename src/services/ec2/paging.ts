/**
 * DescribeX pagination as EC2 does it: MaxResults below the operation's minimum is refused, above
 * its maximum is served as the maximum; NextToken is opaque to the caller. Ours carries the sort
 * key of the last item returned, so items added or removed between pages neither repeat nor shift.
 */
import { AwsError } from '../../errors.js';
import { invalidValue } from './errors.js';

export interface PageLimits {
  min: number;
  max: number;
}

/** EC2's usual bounds (DescribeInstances, DescribeSnapshots, DescribeTags ...). */
const DEFAULT_LIMITS: PageLimits = { min: 5, max: 1000 };

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Checks MaxResults against the operation's minimum: `Value ( 3 ) for parameter maxResults is invalid. ...`. */
export function checkMaxResults(maxResults: number | undefined, limits: PageLimits = DEFAULT_LIMITS): void {
  if (maxResults !== undefined && maxResults < limits.min) {
    throw invalidValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than ${limits.min}.`);
  }
}

function badToken(): AwsError {
  // EC2's error-code list: "The specified pagination token is not valid or is expired."
  return new AwsError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.', { status: 400 });
}

/**
 * One page of `items` (already filtered), ordered by `keyOf` (unique per item). Without MaxResults
 * and NextToken everything is returned, as EC2 does.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, maxResults: number | undefined, nextToken: string | undefined,
  limits: PageLimits = DEFAULT_LIMITS): Page<T> {
  checkMaxResults(maxResults, limits);
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const after = decodeToken(nextToken);
    start = sorted.findIndex((item) => compare(keyOf(item), after) > 0);
    if (start < 0) start = sorted.length;
  }
  if (maxResults === undefined && !nextToken) return { items: sorted };
  const size = Math.min(maxResults ?? limits.max, limits.max);
  const page = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  return { items: page, nextToken: more ? encodeToken(keyOf(page[page.length - 1]!)) : undefined };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown }).after;
    if (typeof after === 'string') return after;
  } catch {
    // falls through to the error
  }
  throw badToken();
}
