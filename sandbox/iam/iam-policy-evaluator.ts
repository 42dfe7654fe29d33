import type { PolicyDocument, PolicyStatement } from './iam-policy.js';

/**
 * IAM policy evaluation for one identity's policies, in AWS's order: an explicit Deny wins, then
 * any Allow, else the request is implicitly denied. Actions match case-insensitively, resources
 * case-sensitively; both take `*` (any run of characters) and `?` (one character).
 *
 * Conditions support the string operators (StringEquals, StringNotEquals, StringEqualsIgnoreCase,
 * StringNotEqualsIgnoreCase, StringLike, StringNotLike) and the ARN operators (ArnEquals, ArnLike,
 * ArnNotEquals, ArnNotLike), each with an `IfExists` form, against the request's context keys. An operator the sandbox does not know fails closed: the Allow
 * statement does not apply, the Deny statement does.
 */

export interface AuthorizationRequest {
  /** `service:Operation`, e.g. `iot:CreateProvisioningClaim`. */
  action: string;
  /** The resource ARN, or `*` for actions without a resource type (List calls). */
  resource: string;
  /** Condition keys of the request (`aws:RequestedRegion`, ...); key names are case-insensitive. */
  context?: Record<string, string>;
}

export type AuthorizationDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export function evaluatePolicies(
  policies: readonly PolicyDocument[],
  request: AuthorizationRequest,
): AuthorizationDecision {
  const context = lowerCaseKeys(request.context ?? {});
  let allowed = false;
  for (const policy of policies) {
    for (const statement of asList(policy.Statement)) {
      if (!statementMatches(statement, request)) continue;
      const conditions = conditionsHold(statement.Condition, context);
      if (statement.Effect === 'Deny' && conditions !== false) return 'ExplicitDeny';
      if (statement.Effect === 'Allow' && conditions === true) allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function statementMatches(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const actionMatches = asList(statement.Action).some((pattern) =>
    wildcardMatch(pattern.toLowerCase(), request.action.toLowerCase()),
  );
  if (!actionMatches) return false;
  return asList(statement.Resource).some((pattern) => wildcardMatch(pattern, request.resource));
}

/** true: all conditions hold; false: one fails; 'unknown': an operator the sandbox cannot evaluate. */
function conditionsHold(
  condition: PolicyStatement['Condition'],
  context: Record<string, string>,
): boolean | 'unknown' {
  if (!condition) return true;
  let result: boolean | 'unknown' = true;
  for (const [operator, entries] of Object.entries(condition)) {
    const evaluate = stringOperator(operator);
    if (!evaluate) {
      result = 'unknown';
      continue;
    }
    for (const [key, expected] of Object.entries(entries)) {
      if (!evaluate(context[key.toLowerCase()], asList(expected))) return false;
    }
  }
  return result;
}

type ConditionTest = (actual: string | undefined, expected: string[]) => boolean;

function stringOperator(operator: string): ConditionTest | undefined {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const compare = stringComparisons[base];
  if (!compare) return undefined;
  return (actual, expected) => {
    if (actual === undefined) return ifExists;
    return compare(actual, expected);
  };
}

const stringComparisons: Record<string, (actual: string, expected: string[]) => boolean> = {
  StringEquals: (actual, expected) => expected.includes(actual),
  StringNotEquals: (actual, expected) => !expected.includes(actual),
  StringEqualsIgnoreCase: (actual, expected) =>
    expected.some((e) => e.toLowerCase() === actual.toLowerCase()),
  StringNotEqualsIgnoreCase: (actual, expected) =>
    !expected.some((e) => e.toLowerCase() === actual.toLowerCase()),
  StringLike: (actual, expected) => expected.some((pattern) => wildcardMatch(pattern, actual)),
  StringNotLike: (actual, expected) => !expected.some((pattern) => wildcardMatch(pattern, actual)),
  // AWS documents ArnEquals and ArnLike alike: both take wildcards, per ARN component.
  ArnEquals: (actual, expected) => expected.some((pattern) => arnMatch(pattern, actual)),
  ArnLike: (actual, expected) => expected.some((pattern) => arnMatch(pattern, actual)),
  ArnNotEquals: (actual, expected) => !expected.some((pattern) => arnMatch(pattern, actual)),
  ArnNotLike: (actual, expected) => !expected.some((pattern) => arnMatch(pattern, actual)),
};

/**
 * An ARN condition: each of the six colon-separated components (`arn`, partition, service, region,
 * account, resource) matched on its own, so a wildcard never spans a colon between them; a value
 * that is not an ARN matches nothing.
 */
function arnMatch(pattern: string, value: string): boolean {
  const patternParts = arnComponents(pattern);
  const valueParts = arnComponents(value);
  if (!patternParts || !valueParts) return false;
  return patternParts.every((part, index) => wildcardMatch(part, valueParts[index] ?? ''));
}

/** The six components; the resource keeps any further colons. */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** `*` matches any run of characters (also none), `?` exactly one; everything else literally. */
export function wildcardMatch(pattern: string, value: string): boolean {
  // Iterative matcher with backtracking to the last `*`: linear-ish, no regex built from input.
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const char = pattern[p];
    if (char === '*') {
      starP = p++;
      starV = v;
    } else if (char !== undefined && (char === '?' || char === value[v])) {
      p++;
      v++;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}
