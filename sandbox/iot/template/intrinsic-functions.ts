import { isJsonObject, type JsonObject, type JsonValue } from './json-value.js';
import { invalidParameters, invalidTemplate } from './template-error.js';

/** The intrinsic functions AWS documents for provisioning templates; anything else is refused. */
export const SUPPORTED_INTRINSICS = [
  'Ref',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::FindInMap',
] as const;
export type IntrinsicName = (typeof SUPPORTED_INTRINSICS)[number];

/** Value of a Mappings leaf: a string or a list of strings. */
export type MappingValue = string | string[];
export type TemplateMappings = Record<string, Record<string, Record<string, MappingValue>>>;

/** The parameter the service supplies on every fleet RegisterThing. */
export const CERTIFICATE_ID_PARAMETER = 'AWS::IoT::Certificate::Id';

/** CloudFormation pseudo parameters that provisioning templates cannot resolve (AWS answers InvalidParameters). */
export const UNSUPPORTED_PSEUDO_PARAMETERS = [
  'AWS::Region',
  'AWS::AccountId',
  'AWS::Partition',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
  'AWS::NoValue',
];

export interface EvaluationContext {
  /** Device parameters, hook overrides, service parameters and defaults, already merged. */
  parameters: ReadonlyMap<string, string>;
  mappings: TemplateMappings;
}

/**
 * If `node` is an intrinsic call (`{"Ref": …}` or `{"Fn::…": …}` as the only key), its name and argument.
 * An object whose single key merely looks like a function (`Fn::If`) is reported as such, so callers can refuse it.
 */
export function asIntrinsicCall(node: JsonValue): { name: string; argument: JsonValue } | undefined {
  if (!isJsonObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  if (name !== 'Ref' && !name.startsWith('Fn::') && name !== 'Condition') return undefined;
  return { name, argument: node[name] as JsonValue };
}

function isSupported(name: string): name is IntrinsicName {
  return (SUPPORTED_INTRINSICS as readonly string[]).includes(name);
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function resolveReference(name: string, context: EvaluationContext): string {
  const value = context.parameters.get(name);
  if (value === undefined) throw invalidParameters(`Cannot resolve reference value: ${name}`);
  return value;
}

function expectString(value: JsonValue, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameters(`${where} must evaluate to a string, got ${describe(value)}`);
}

function expectStringList(value: JsonValue, where: string): string[] {
  if (!Array.isArray(value))
    throw invalidParameters(`${where} must evaluate to a list, got ${describe(value)}`);
  return value.map((item, index) => expectString(item, `${where}[${index}]`));
}

function expectArguments(name: string, argument: JsonValue, count: number): JsonValue[] {
  if (!Array.isArray(argument) || argument.length !== count) {
    throw invalidTemplate(`${name} takes a list of ${count} arguments, got ${describe(argument)}`);
  }
  return argument;
}

/** `${Name}` placeholders of an Fn::Sub string; `${!Literal}` stays literal as `${Literal}`. */
const SUB_PLACEHOLDER = /\$\{([^}]*)\}/g;

export function subPlaceholders(text: string): string[] {
  return [...text.matchAll(SUB_PLACEHOLDER)]
    .map((match) => (match[1] ?? '').trim())
    .filter((name) => !name.startsWith('!'));
}

function substitute(text: string, lookup: (name: string) => string): string {
  return text.replace(SUB_PLACEHOLDER, (_whole, inner: string) => {
    const name = inner.trim();
    return name.startsWith('!') ? `\${${name.slice(1)}}` : lookup(name);
  });
}

function evaluateCall(name: string, argument: JsonValue, context: EvaluationContext): JsonValue {
  if (!isSupported(name)) {
    throw invalidTemplate(
      `${name} is not supported in provisioning templates (supported: ${SUPPORTED_INTRINSICS.join(', ')})`,
    );
  }
  switch (name) {
    case 'Ref': {
      if (typeof argument !== 'string')
        throw invalidTemplate(`Ref takes a parameter name, got ${describe(argument)}`);
      return resolveReference(argument, context);
    }
    case 'Fn::Join': {
      const [delimiter, list] = expectArguments(name, argument, 2);
      if (typeof delimiter !== 'string') throw invalidTemplate('Fn::Join delimiter must be a string');
      const items = expectStringList(evaluateNode(list as JsonValue, context), 'Fn::Join list');
      return items.join(delimiter);
    }
    case 'Fn::Select': {
      const [indexNode, list] = expectArguments(name, argument, 2);
      const indexText = expectString(evaluateNode(indexNode as JsonValue, context), 'Fn::Select index');
      const index = Number(indexText);
      if (!/^\d+$/.test(indexText.trim()) || !Number.isSafeInteger(index)) {
        throw invalidParameters(`Fn::Select index must be a non-negative integer, got "${indexText}"`);
      }
      const items = evaluateNode(list as JsonValue, context);
      if (!Array.isArray(items))
        throw invalidParameters(`Fn::Select list must evaluate to a list, got ${describe(items)}`);
      if (index >= items.length) {
        throw invalidParameters(
          `Fn::Select index ${index} is out of range for a list of ${items.length} item(s)`,
        );
      }
      return items[index] as JsonValue;
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArguments(name, argument, 2);
      if (typeof delimiter !== 'string' || delimiter === '') {
        throw invalidTemplate('Fn::Split delimiter must be a non-empty string');
      }
      return expectString(evaluateNode(source as JsonValue, context), 'Fn::Split source').split(delimiter);
    }
    case 'Fn::Sub': {
      if (typeof argument === 'string') return substitute(argument, (key) => resolveReference(key, context));
      const [text, variables] = expectArguments(name, argument, 2);
      if (typeof text !== 'string') throw invalidTemplate('Fn::Sub first argument must be a string');
      if (!isJsonObject(variables as JsonValue))
        throw invalidTemplate('Fn::Sub second argument must be a map');
      const resolved = new Map<string, string>();
      for (const [key, value] of Object.entries(variables as JsonObject)) {
        resolved.set(key, expectString(evaluateNode(value, context), `Fn::Sub variable ${key}`));
      }
      return substitute(text, (key) => resolved.get(key) ?? resolveReference(key, context));
    }
    case 'Fn::FindInMap': {
      const [mapNode, topNode, secondNode] = expectArguments(name, argument, 3);
      const mapName = expectString(evaluateNode(mapNode as JsonValue, context), 'Fn::FindInMap map name');
      const topKey = expectString(evaluateNode(topNode as JsonValue, context), 'Fn::FindInMap top-level key');
      const secondKey = expectString(
        evaluateNode(secondNode as JsonValue, context),
        'Fn::FindInMap second-level key',
      );
      const map = context.mappings[mapName];
      if (!map)
        throw invalidTemplate(`Fn::FindInMap refers to mapping "${mapName}", which is not in Mappings`);
      const value = map[topKey]?.[secondKey];
      if (value === undefined) {
        throw invalidParameters(
          `Fn::FindInMap found no value for ["${mapName}", "${topKey}", "${secondKey}"]`,
        );
      }
      return Array.isArray(value) ? [...value] : value;
    }
  }
}

/** Evaluates every intrinsic in a template fragment; plain JSON is returned as is (copied). */
export function evaluateNode(node: JsonValue, context: EvaluationContext): JsonValue {
  const call = asIntrinsicCall(node);
  if (call) return evaluateCall(call.name, call.argument, context);
  if (Array.isArray(node)) return node.map((item) => evaluateNode(item, context));
  if (isJsonObject(node)) {
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(node)) result[key] = evaluateNode(value, context);
    return result;
  }
  return node;
}
