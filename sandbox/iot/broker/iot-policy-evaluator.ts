import type { PolicyDocument, PolicyStatement } from '../../iam/iam-policy.js';

/**
 * AWS IoT policy evaluation for the data plane: explicit Deny wins, then any Allow, else deny.
 * Actions match case-insensitively with `*`/`?`; resources match case-sensitively with `*`/`?`
 * (MQTT's `+` and `#` are ordinary characters in a policy). Policy variables are substituted in
 * resources and condition values; a statement whose variable cannot be resolved does not apply.
 */

export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive';

/** The thing policy variables are taken from: attached to the certificate and named like the client id. */
export interface ConnectionThing {
  thingName: string;
  thingTypeName?: string;
  attributes: Record<string, string>;
}

export interface PolicyVariables {
  clientId: string;
  /** Undefined when no thing named after the client id is attached to the certificate. */
  thing?: ConnectionThing;
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

const VARIABLE = /\$\{([^}]*)\}/g;

/** The value of one policy variable or condition key, or undefined when it does not resolve. */
export function variableValue(name: string, variables: PolicyVariables): string | undefined {
  const { thing } = variables;
  switch (name) {
    case '*':
    case '?':
    case '$':
      return name;
    case 'iot:ClientId':
      return variables.clientId;
    case 'iot:Connection.Thing.IsAttached':
      return thing ? 'true' : 'false';
    case 'iot:Connection.Thing.ThingName':
      return thing?.thingName;
    case 'iot:Connection.Thing.ThingTypeName':
      return thing?.thingTypeName;
  }
  const attribute = /^iot:Connection\.Thing\.Attributes\[(.+)\]$/.exec(name);
  if (attribute) return thing?.attributes[attribute[1] as string];
  return undefined;
}

/** Substitutes `${…}` variables; undefined when one does not resolve. */
export function substituteVariables(text: string, variables: PolicyVariables): string | undefined {
  let unresolved = false;
  const result = text.replace(VARIABLE, (_whole, name: string) => {
    const value = variableValue(name, variables);
    if (value === undefined) unresolved = true;
    // `*` and `?` produced by ${*} / ${?} must stay literal in the pattern.
    return value === undefined ? '' : escapeGlobLiterals(value);
  });
  return unresolved ? undefined : result;
}

const ESCAPE = '\u0000';
function escapeGlobLiterals(value: string): string {
  return value.replace(/[*?]/g, (character) => `${ESCAPE}${character}`);
}

/** Glob match: `*` any run of characters, `?` one character, escaped literals stay literal. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  let source = '^';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index] as string;
    if (character === ESCAPE && index + 1 < pattern.length) {
      index++;
      source += escapeRegExp(pattern[index] as string);
    } else if (character === '*') source += '[\\s\\S]*';
    else if (character === '?') source += '[\\s\\S]';
    else source += escapeRegExp(character);
  }
  return new RegExp(`${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function conditionHolds(
  operator: string,
  key: string,
  expected: string[],
  variables: PolicyVariables,
): boolean | 'unknown' {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const actual = variableValue(key, variables);
  if (actual === undefined) return ifExists;
  const values = expected
    .map((value) => substituteVariables(value, variables))
    .filter((value): value is string => value !== undefined);
  switch (base) {
    case 'StringEquals':
      return values.some((value) => unescape(value) === actual);
    case 'StringNotEquals':
      return values.every((value) => unescape(value) !== actual);
    case 'StringEqualsIgnoreCase':
      return values.some((value) => unescape(value).toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return values.every((value) => unescape(value).toLowerCase() !== actual.toLowerCase());
    case 'StringLike':
      return values.some((value) => globMatches(value, actual));
    case 'StringNotLike':
      return values.every((value) => !globMatches(value, actual));
    case 'Bool':
      return values.some((value) => unescape(value).toLowerCase() === actual.toLowerCase());
    default:
      // An operator the sandbox cannot evaluate: the caller fails closed for Allow and Deny alike.
      return 'unknown';
  }
}

function unescape(value: string): string {
  return value.replaceAll(ESCAPE, '');
}

function statementApplies(
  statement: PolicyStatement,
  action: IotAction,
  resource: string,
  variables: PolicyVariables,
): boolean {
  if (!asList(statement.Action).some((pattern) => globMatches(pattern, action, true))) return false;
  const resourceMatches = asList(statement.Resource).some((pattern) => {
    const substituted = substituteVariables(pattern, variables);
    return substituted !== undefined && globMatches(substituted, resource);
  });
  if (!resourceMatches) return false;
  let unknown = false;
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const holds = conditionHolds(operator, key, asList(expected), variables);
      if (holds === false) return false;
      if (holds === 'unknown') unknown = true;
    }
  }
  // Fail closed: a condition the sandbox cannot evaluate never grants an Allow, and never voids a Deny.
  return unknown ? statement.Effect === 'Deny' : true;
}

export function evaluatePolicies(
  documents: readonly PolicyDocument[],
  action: IotAction,
  resource: string,
  variables: PolicyVariables,
): PolicyDecision {
  let allowed = false;
  for (const document of documents) {
    for (const statement of asList(document.Statement)) {
      if (!statementApplies(statement, action, resource, variables)) continue;
      if (statement.Effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}
