import { invalidRequest } from './aws-api-error.js';

export interface Page<T> {
  items: T[];
  /** Present when more items follow; pass back as nextToken / marker. */
  nextToken?: string;
}

/**
 * Pages through a list sorted by `keyOf` (in `order`). The token names the last key returned, so a page stays
 * correct when items are added or removed between calls (unlike an offset).
 */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number,
  token: string | undefined,
  order: 'ascending' | 'descending' = 'ascending',
): Page<T> {
  let start = 0;
  if (token !== undefined) {
    const after = decodeToken(token);
    start = sorted.findIndex((item) => (order === 'ascending' ? keyOf(item) > after : keyOf(item) < after));
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + maxResults);
  const last = items.at(-1);
  const more = start + maxResults < sorted.length;
  return more && last !== undefined ? { items, nextToken: encodeToken(keyOf(last)) } : { items };
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'after' in parsed &&
      typeof parsed.after === 'string'
    ) {
      return parsed.after;
    }
  } catch {
    // fall through to the AWS answer for a token it did not issue
  }
  throw invalidRequest('The pagination token is invalid.');
}
