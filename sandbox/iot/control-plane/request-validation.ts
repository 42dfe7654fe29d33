import { z } from 'zod';
import { invalidRequest } from './aws-api-error.js';

/**
 * Parses operation input with a zod schema and, when it does not fit, throws the
 * InvalidRequestException AWS sends for model validation failures:
 * `1 validation error detected: Value 'x' at 'templateName' failed to satisfy constraint: ...`.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => describeIssue(issue, input));
  const count = messages.length;
  throw invalidRequest(`${count} validation error${count === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.') || 'body';
  const value = valueAt(input, issue.path);
  const shown = value === undefined || value === null ? 'null' : `'${truncate(stringify(value))}'`;
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${constraint(issue, value)}`;
}

function constraint(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `Member must have length greater than or equal to ${issue.minimum}`
        : `Member must have value greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `Member must have length less than or equal to ${issue.maximum}`
        : `Member must have value less than or equal to ${issue.maximum}`;
    case 'invalid_format':
      return issue.pattern !== undefined
        ? `Member must satisfy regular expression pattern: ${modelPattern(issue.pattern)}`
        : `Member must be a valid ${issue.format}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_type':
      return value === undefined || value === null
        ? 'Member must not be null'
        : `Member must be a ${issue.expected}`;
    case 'unrecognized_keys':
      return `Unknown member(s): ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

/** zod reports `/^[a-z]+$/u`; the AWS model writes the bare expression `[a-z]+`. */
function modelPattern(pattern: string): string {
  return pattern.replace(/^\/?\^?/, '').replace(/\$?\/[a-z]*$|\$$/, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

/** A query parameter that may appear once; repeated parameters keep the first value, as AWS does. */
export function queryValue(query: Record<string, string | string[]>, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An integer query parameter (maxResults, pageSize); shape checks are the caller's schema's job. */
export const integerQuery = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number);

/** A boolean query parameter as the SDK writes it. */
export const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
