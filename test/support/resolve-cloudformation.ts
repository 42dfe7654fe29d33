import { createHash } from 'node:crypto';
import type {
  CloudFormationResource,
  StackRole,
  SynthesizedBackend,
  SynthesizedStack,
} from './synthesize-backend.js';

/**
 * Evaluates CloudFormation intrinsics in a synthesized backend the way a deploy into one account
 * would, with fixed stand-ins for what only a deploy knows. Lets a test compare what the templates
 * will become (ARNs, policy documents, the template body, the custom outputs) with plain values:
 * - pseudo parameters from the given partition, region and account;
 * - `Ref` to a resource: `physicalNames[logicalId]` if given, else the resource's own name property
 *   (PolicyName, TemplateName, GroupName, ...), else a stand-in shaped like the real id (user pools
 *   `<region>_<id>`, identity pools `<region>:<uuid>`), else the logical id;
 * - `Fn::GetAtt` `Arn` (and the like) built from that name, `Outputs.X` of a nested stack by
 *   evaluating that stack's output, anything else from `attributes['LogicalId.Attribute']`;
 * - a nested stack's parameters from what its parent passes.
 * Anything it cannot evaluate throws, naming the expression: a test never compares a half-resolved value.
 */

export interface CloudFormationEnvironment {
  partition: string;
  region: string;
  accountId: string;
}

export interface ResolveOptions extends CloudFormationEnvironment {
  /** logical id → what `Ref` gives for that resource (its physical name or id). */
  physicalNames?: Readonly<Record<string, string>>;
  /** `LogicalId.Attribute` → what `Fn::GetAtt` gives, for attributes only a deploy knows (custom resources). */
  attributes?: Readonly<Record<string, string>>;
}

export interface CloudFormationResolver {
  /** The value with every intrinsic evaluated, as seen from inside the given stack. */
  resolve(role: StackRole, value: unknown): unknown;
  /** `resolve` for a value that must come out a string. */
  resolveString(role: StackRole, value: unknown): string;
  /** What `Ref` gives for a resource of the given stack. */
  ref(role: StackRole, logicalId: string): string;
  /** What `Fn::GetAtt [logicalId, attribute]` gives. */
  getAtt(role: StackRole, logicalId: string, attribute: string): string;
  /** The ARN of an IAM role, Lambda function, IoT policy or template of the given stack. */
  arn(role: StackRole, logicalId: string): string;
}

/** Names of resources whose `Ref` is the name they are given (when they are given one). */
const nameProperties: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IoT::Policy': 'PolicyName',
  'AWS::IoT::ProvisioningTemplate': 'TemplateName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Cognito::UserPoolGroup': 'GroupName',
};

export function cloudFormationResolver(
  backend: Pick<SynthesizedBackend, 'stacks'>,
  options: ResolveOptions,
): CloudFormationResolver {
  const { partition, region, accountId } = options;
  const stacks = backend.stacks;
  const urlSuffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';

  const stackOf = (role: StackRole): SynthesizedStack => stacks[role];
  const resourceOf = (role: StackRole, logicalId: string): CloudFormationResource => {
    const resource = stackOf(role).template.Resources[logicalId];
    if (!resource) throw new Error(`${role} stack has no resource ${logicalId}`);
    return resource;
  };
  const nestedRoleOf = (logicalId: string): StackRole | undefined =>
    (Object.values(stacks) as SynthesizedStack[]).find((stack) => stack.nestedStackLogicalId === logicalId)
      ?.role;

  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::URLSuffix': urlSuffix,
  };

  function ref(role: StackRole, name: string): string {
    const pseudoValue = pseudo[name];
    if (pseudoValue !== undefined) return pseudoValue;
    const template = stackOf(role).template;
    if (template.Parameters?.[name]) return parameter(role, name);
    const resource = resourceOf(role, name);
    const given = options.physicalNames?.[name];
    if (given !== undefined) return given;
    const nameProperty = nameProperties[resource.Type];
    const ownName = nameProperty ? resource.Properties?.[nameProperty] : undefined;
    if (ownName !== undefined) return resolveString(role, ownName);
    switch (resource.Type) {
      case 'AWS::Cognito::UserPool':
        return `${region}_${name.replace(/[^0-9A-Za-z]/g, '')}`;
      case 'AWS::Cognito::IdentityPool':
        return `${region}:${uuidFrom(name)}`;
      default:
        return name;
    }
  }

  function parameter(role: StackRole, name: string): string {
    const stack = stackOf(role);
    if (!stack.nestedStackLogicalId) throw new Error(`root parameter ${name} has no value in a test`);
    const passed = resourceOf('root', stack.nestedStackLogicalId).Properties?.Parameters as
      Record<string, unknown> | undefined;
    if (!passed || !(name in passed)) throw new Error(`the root passes no ${name} to the ${role} stack`);
    return resolveString('root', passed[name]);
  }

  function getAtt(role: StackRole, logicalId: string, attribute: string): string {
    const given = options.attributes?.[`${logicalId}.${attribute}`];
    if (given !== undefined) return given;
    const resource = resourceOf(role, logicalId);
    if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const nested = nestedRoleOf(logicalId);
      const output = nested && stackOf(nested).template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!nested || !output) throw new Error(`no ${attribute} in nested stack ${logicalId}`);
      return resolveString(nested, output.Value);
    }
    if (attribute === 'Arn' || attribute === 'TemplateArn') return arn(role, logicalId);
    throw new Error(
      `cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}): give it in attributes`,
    );
  }

  function arn(role: StackRole, logicalId: string): string {
    const resource = resourceOf(role, logicalId);
    const name = ref(role, logicalId);
    const regional = (service: string, resourcePart: string) =>
      `arn:${partition}:${service}:${region}:${accountId}:${resourcePart}`;
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${accountId}:role/${name}`;
      case 'AWS::Lambda::Function':
        return regional('lambda', `function:${name}`);
      case 'AWS::IoT::Policy':
        return regional('iot', `policy/${name}`);
      case 'AWS::IoT::ProvisioningTemplate':
        return regional('iot', `provisioningtemplate/${name}`);
      case 'AWS::Cognito::UserPool':
        return regional('cognito-idp', `userpool/${name}`);
      default:
        throw new Error(`no ARN stand-in for ${logicalId} (${resource.Type})`);
    }
  }

  function condition(role: StackRole, name: string): boolean {
    const expression = stackOf(role).template.Conditions?.[name];
    if (expression === undefined) throw new Error(`${role} stack has no condition ${name}`);
    return truth(role, expression);
  }

  function truth(role: StackRole, expression: unknown): boolean {
    const [fn, args] = intrinsic(expression) ?? [];
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(resolve(role, list[0])) === JSON.stringify(resolve(role, list[1]));
      case 'Fn::Not':
        return !truth(role, list[0]);
      case 'Fn::And':
        return list.every((item) => truth(role, item));
      case 'Fn::Or':
        return list.some((item) => truth(role, item));
      case 'Condition':
        return condition(role, String(args));
      default:
        throw new Error(`not a condition: ${JSON.stringify(expression)}`);
    }
  }

  function sub(role: StackRole, args: unknown): string {
    const [text, variables] = Array.isArray(args) ? args : [args, {}];
    if (typeof text !== 'string') throw new Error(`Fn::Sub of ${JSON.stringify(args)}`);
    const given = (variables ?? {}) as Record<string, unknown>;
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in given) return resolveString(role, given[name]);
      const dot = name.indexOf('.');
      return dot > 0 ? getAtt(role, name.slice(0, dot), name.slice(dot + 1)) : ref(role, name);
    });
  }

  function resolve(role: StackRole, value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => resolve(role, item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const call = intrinsic(value);
    if (call) {
      const [fn, args] = call;
      switch (fn) {
        case 'Ref':
          return args === 'AWS::NoValue' ? NO_VALUE : ref(role, String(args));
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(args) ? args : String(args).split(/\.(.*)/);
          return getAtt(role, String(logicalId), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, items] = args as [string, unknown];
          const parts = resolve(role, items);
          if (!Array.isArray(parts)) throw new Error(`Fn::Join of ${JSON.stringify(items)}`);
          return parts.map((part) => asString(part, 'Fn::Join')).join(separator);
        }
        case 'Fn::Sub':
          return sub(role, args);
        case 'Fn::Select': {
          const [index, items] = args as [unknown, unknown];
          const list = resolve(role, items);
          const chosen = Array.isArray(list) ? list[Number(resolve(role, index))] : undefined;
          if (chosen === undefined) throw new Error(`Fn::Select out of range: ${JSON.stringify(args)}`);
          return chosen;
        }
        case 'Fn::Split': {
          const [separator, text] = args as [string, unknown];
          return resolveString(role, text).split(separator);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = args as [string, unknown, unknown];
          return resolve(role, condition(role, name) ? whenTrue : whenFalse);
        }
        case 'Fn::Base64':
          return Buffer.from(resolveString(role, args)).toString('base64');
        default:
          throw new Error(`cannot resolve ${fn}: ${JSON.stringify(value)}`);
      }
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const result = resolve(role, item);
      if (result !== NO_VALUE) resolved[key] = result;
    }
    return resolved;
  }

  function resolveString(role: StackRole, value: unknown): string {
    return asString(resolve(role, value), JSON.stringify(value));
  }

  return { resolve, resolveString, ref, getAtt, arn };
}

const NO_VALUE = Symbol('AWS::NoValue');

const intrinsicNames = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Contains',
]);

/** `[name, arguments]` when the value is a one-key object naming an intrinsic. */
function intrinsic(value: unknown): [string, unknown] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined || !intrinsicNames.has(key)) return undefined;
  return [key, (value as Record<string, unknown>)[key]];
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${what} did not resolve to a string: ${JSON.stringify(value)}`);
}

/** A UUID-shaped stand-in that is the same for the same name in every run. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
