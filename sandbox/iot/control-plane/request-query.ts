import { AwsApiError } from './aws-api-error.js';

/** Query parameters decoded the way the signer expects them (it re-encodes for the canonical form). */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const key = decodeQueryPart(separator < 0 ? pair : pair.slice(0, separator));
    const value = separator < 0 ? '' : decodeQueryPart(pair.slice(separator + 1));
    const existing = query[key];
    query[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new AwsApiError(400, 'InvalidRequestException', `The query string has a malformed escape: ${part}`);
  }
}
