import {
  asIntrinsicCall,
  CERTIFICATE_ID_PARAMETER,
  subPlaceholders,
  SUPPORTED_INTRINSICS,
  UNSUPPORTED_PSEUDO_PARAMETERS,
  type MappingValue,
  type TemplateMappings,
} from './intrinsic-functions.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.js';
import { invalidTemplate } from './template-error.js';

/**
 * Static reading of a Fleet Provisioning template: its structure, resource types, properties,
 * override settings and intrinsic calls. The control plane uses `validateProvisioningTemplate` at
 * CreateProvisioningTemplate time; RegisterThing uses `parseProvisioningTemplate` before evaluating.
 */

export const MAX_TEMPLATE_BODY_LENGTH = 10240;

export type ResourceType = 'AWS::IoT::Thing' | 'AWS::IoT::Certificate' | 'AWS::IoT::Policy';
export type OverrideSetting = 'DO_NOTHING' | 'REPLACE' | 'FAIL' | 'MERGE';

export interface TemplateParameter {
  type: 'String';
  default?: string;
}

export interface TemplateResource {
  logicalId: string;
  type: ResourceType;
  /** Unevaluated: intrinsics are resolved per RegisterThing. */
  properties: JsonObject;
  overrideSettings: Partial<Record<string, OverrideSetting>>;
}

export interface ProvisioningTemplate {
  parameters: Record<string, TemplateParameter>;
  mappings: TemplateMappings;
  resources: TemplateResource[];
  deviceConfiguration: JsonObject;
}

export type TemplateValidation =
  { valid: true; template: ProvisioningTemplate } | { valid: false; errors: string[] };

const TOP_LEVEL_KEYS = ['Parameters', 'Resources', 'Mappings', 'DeviceConfiguration'];
const PARAMETER_KEYS = ['Type', 'Default', 'Description'];
const RESOURCE_KEYS = ['Type', 'Properties', 'OverrideSettings'];

/** Properties and the override settings each resource type accepts in a fleet template. */
const RESOURCE_RULES: Record<
  ResourceType,
  { properties: string[]; required: string[]; overrides: Record<string, OverrideSetting[]> }
> = {
  'AWS::IoT::Thing': {
    properties: [
      'ThingName',
      'AttributePayload',
      'ThingTypeName',
      'ThingGroups',
      'BillingGroup',
      'PackageVersions',
    ],
    required: ['ThingName'],
    overrides: {
      AttributePayload: ['DO_NOTHING', 'REPLACE', 'FAIL', 'MERGE'],
      ThingTypeName: ['DO_NOTHING', 'REPLACE', 'FAIL'],
      ThingGroups: ['DO_NOTHING', 'REPLACE', 'FAIL', 'MERGE'],
    },
  },
  'AWS::IoT::Certificate': {
    properties: ['CertificateId', 'Status'],
    required: ['CertificateId'],
    overrides: { Status: ['DO_NOTHING', 'REPLACE', 'FAIL'] },
  },
  'AWS::IoT::Policy': { properties: ['PolicyName', 'PolicyDocument'], required: [], overrides: {} },
};

/** Statically checks a template body (JSON text or parsed). Collects every problem, not just the first. */
export function validateProvisioningTemplate(body: string | unknown): TemplateValidation {
  const inspection = inspectTemplate(body);
  const errors = [...inspection.errors, ...inspection.referenceErrors];
  if (errors.length > 0 || !inspection.template) return { valid: false, errors };
  return { valid: true, template: inspection.template };
}

/**
 * Reads a stored template for RegisterThing. Structural problems throw `InvalidTemplate`; references
 * that cannot resolve (`AWS::Region`, undeclared names) are left for evaluation, which answers
 * them as AWS does at RegisterThing time: InvalidParameters "Cannot resolve reference value: …".
 */
export function parseProvisioningTemplate(body: string | unknown): ProvisioningTemplate {
  const inspection = inspectTemplate(body);
  if (inspection.errors.length > 0 || !inspection.template) {
    throw invalidTemplate(`The provisioning template is invalid: ${inspection.errors.join(' ')}`);
  }
  return inspection.template;
}

interface Inspection {
  template?: ProvisioningTemplate;
  /** Structure, types, functions: the template cannot be used at all. */
  errors: string[];
  /** References that will not resolve when a device provisions. */
  referenceErrors: string[];
}

function inspectTemplate(body: string | unknown): Inspection {
  const errors: string[] = [];
  const referenceErrors: string[] = [];
  let parsed: unknown = body;
  if (typeof body === 'string') {
    if (body.length > MAX_TEMPLATE_BODY_LENGTH) {
      return {
        errors: [`The template body is longer than ${MAX_TEMPLATE_BODY_LENGTH} characters.`],
        referenceErrors,
      };
    }
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return {
        errors: [`The template body is not valid JSON: ${(error as Error).message}`],
        referenceErrors,
      };
    }
  }
  if (!isJsonObject(parsed as JsonValue))
    return { errors: ['The template must be a JSON object.'], referenceErrors };
  const root = parsed as JsonObject;
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      errors.push(`Unknown top-level section "${key}"; allowed: ${TOP_LEVEL_KEYS.join(', ')}.`);
    }
  }
  const parameters = readParameters(root['Parameters'], errors);
  const mappings = readMappings(root['Mappings'], errors);
  const scope: ExpressionScope = { parameters: new Set(Object.keys(parameters)), mappings, referenceErrors };
  const resources = readResources(root['Resources'], scope, errors);
  const deviceConfiguration = readDeviceConfiguration(root['DeviceConfiguration'], scope, errors);
  return { template: { parameters, mappings, resources, deviceConfiguration }, errors, referenceErrors };
}

function readParameters(node: JsonValue | undefined, errors: string[]): Record<string, TemplateParameter> {
  const parameters: Record<string, TemplateParameter> = {};
  if (node === undefined) return parameters;
  if (!isJsonObject(node)) {
    errors.push('Parameters must be an object of parameter declarations.');
    return parameters;
  }
  for (const [name, declaration] of Object.entries(node)) {
    if (!isJsonObject(declaration)) {
      errors.push(`Parameter ${name} must be an object like {"Type":"String"}.`);
      continue;
    }
    for (const key of Object.keys(declaration)) {
      if (!PARAMETER_KEYS.includes(key)) errors.push(`Parameter ${name} has unknown key "${key}".`);
    }
    if (declaration['Type'] !== 'String') {
      errors.push(
        `Parameter ${name} must have "Type": "String" (got ${JSON.stringify(declaration['Type'])}).`,
      );
    }
    const fallback = declaration['Default'];
    if (fallback !== undefined && typeof fallback !== 'string') {
      errors.push(`Parameter ${name} has a Default that is not a string.`);
      continue;
    }
    parameters[name] = { type: 'String', ...(fallback !== undefined ? { default: fallback } : {}) };
  }
  return parameters;
}

function readMappings(node: JsonValue | undefined, errors: string[]): TemplateMappings {
  const mappings: TemplateMappings = {};
  if (node === undefined) return mappings;
  if (!isJsonObject(node)) {
    errors.push('Mappings must be an object of maps.');
    return mappings;
  }
  for (const [mapName, map] of Object.entries(node)) {
    if (!isJsonObject(map)) {
      errors.push(`Mapping ${mapName} must be an object of top-level keys.`);
      continue;
    }
    const top: Record<string, Record<string, MappingValue>> = {};
    for (const [topKey, second] of Object.entries(map)) {
      if (!isJsonObject(second)) {
        errors.push(`Mapping ${mapName}.${topKey} must be an object of second-level keys.`);
        continue;
      }
      const leaves: Record<string, MappingValue> = {};
      for (const [secondKey, value] of Object.entries(second)) {
        if (typeof value === 'string') leaves[secondKey] = value;
        else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
          leaves[secondKey] = value as string[];
        } else {
          errors.push(
            `Mapping value ${mapName}.${topKey}.${secondKey} must be a string or a list of strings (no parameters or functions in Mappings).`,
          );
        }
      }
      top[topKey] = leaves;
    }
    mappings[mapName] = top;
  }
  return mappings;
}

function readResources(
  node: JsonValue | undefined,
  scope: ExpressionScope,
  errors: string[],
): TemplateResource[] {
  if (node === undefined) {
    errors.push('The template has no Resources section.');
    return [];
  }
  if (!isJsonObject(node)) {
    errors.push('Resources must be an object of logical id → resource.');
    return [];
  }
  const resources: TemplateResource[] = [];
  for (const [logicalId, resource] of Object.entries(node)) {
    const where = `Resource ${logicalId}`;
    if (!isJsonObject(resource)) {
      errors.push(`${where} must be an object with Type and Properties.`);
      continue;
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.includes(key)) errors.push(`${where} has unknown key "${key}".`);
    }
    const type = resource['Type'];
    if (typeof type !== 'string' || !(type in RESOURCE_RULES)) {
      errors.push(
        `${where} has Type ${JSON.stringify(type)}; fleet templates support ${Object.keys(RESOURCE_RULES).join(', ')}.`,
      );
      continue;
    }
    const rules = RESOURCE_RULES[type as ResourceType];
    const properties = resource['Properties'] ?? {};
    if (!isJsonObject(properties)) {
      errors.push(`${where}: Properties must be an object.`);
      continue;
    }
    for (const [key, value] of Object.entries(properties)) {
      if (!rules.properties.includes(key)) {
        const hint =
          type === 'AWS::IoT::Certificate'
            ? ' (fleet provisioning templates accept only CertificateId and Status)'
            : '';
        errors.push(`${where}: unknown property ${key}${hint}.`);
        continue;
      }
      checkExpression(value, `${where}.Properties.${key}`, scope, errors);
    }
    for (const key of rules.required) {
      if (properties[key] === undefined) errors.push(`${where}: property ${key} is required.`);
    }
    checkResourceSpecifics(type as ResourceType, properties, where, errors);
    const overrideSettings = readOverrideSettings(
      resource['OverrideSettings'],
      rules.overrides,
      where,
      errors,
    );
    resources.push({ logicalId, type: type as ResourceType, properties, overrideSettings });
  }
  for (const single of ['AWS::IoT::Thing', 'AWS::IoT::Certificate'] as const) {
    const count = resources.filter((r) => r.type === single).length;
    if (count > 1) errors.push(`A template can hold at most one ${single} resource (found ${count}).`);
  }
  const policies = resources.filter((r) => r.type === 'AWS::IoT::Policy').length;
  if (policies > 10)
    errors.push(`A certificate can have at most 10 policies (the template has ${policies}).`);
  return resources;
}

function checkResourceSpecifics(
  type: ResourceType,
  properties: JsonObject,
  where: string,
  errors: string[],
): void {
  if (type === 'AWS::IoT::Policy') {
    const byName = properties['PolicyName'] !== undefined;
    const byDocument = properties['PolicyDocument'] !== undefined;
    if (byName === byDocument) errors.push(`${where}: give exactly one of PolicyName or PolicyDocument.`);
    const document = properties['PolicyDocument'];
    if (typeof document === 'string') {
      try {
        if (!isJsonObject(JSON.parse(document) as JsonValue)) throw new Error('not an object');
      } catch {
        errors.push(`${where}: PolicyDocument is a string but not a JSON policy document.`);
      }
    }
  }
  if (type === 'AWS::IoT::Certificate') {
    const status = properties['Status'];
    if (typeof status === 'string' && !['ACTIVE', 'INACTIVE'].includes(status.toUpperCase())) {
      errors.push(`${where}: Status must be ACTIVE or INACTIVE (got "${status}").`);
    }
  }
  if (type === 'AWS::IoT::Thing') {
    const attributes = properties['AttributePayload'];
    if (attributes !== undefined && !isJsonObject(attributes)) {
      errors.push(`${where}: AttributePayload must be an object of attribute name → value.`);
    }
    const groups = properties['ThingGroups'];
    if (groups !== undefined && !Array.isArray(groups) && !asIntrinsicCall(groups)) {
      errors.push(`${where}: ThingGroups must be a list of group names.`);
    }
  }
}

function readOverrideSettings(
  node: JsonValue | undefined,
  allowed: Record<string, OverrideSetting[]>,
  where: string,
  errors: string[],
): Partial<Record<string, OverrideSetting>> {
  const settings: Partial<Record<string, OverrideSetting>> = {};
  if (node === undefined) return settings;
  if (!isJsonObject(node)) {
    errors.push(`${where}: OverrideSettings must be an object.`);
    return settings;
  }
  for (const [key, value] of Object.entries(node)) {
    const choices = allowed[key];
    if (!choices) {
      const keys = Object.keys(allowed);
      errors.push(
        `${where}: OverrideSettings cannot name ${key}${keys.length > 0 ? ` (allowed: ${keys.join(', ')})` : ' (this resource type has none)'}.`,
      );
    } else if (typeof value !== 'string' || !(choices as string[]).includes(value)) {
      errors.push(
        `${where}: OverrideSettings.${key} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)}).`,
      );
    } else {
      settings[key] = value as OverrideSetting;
    }
  }
  return settings;
}

function readDeviceConfiguration(
  node: JsonValue | undefined,
  scope: ExpressionScope,
  errors: string[],
): JsonObject {
  if (node === undefined) return {};
  if (!isJsonObject(node)) {
    errors.push('DeviceConfiguration must be an object of key → value.');
    return {};
  }
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' || asIntrinsicCall(value)) {
      checkExpression(value, `DeviceConfiguration.${key}`, scope, errors);
    } else {
      errors.push(
        `DeviceConfiguration.${key} must be a string or an intrinsic function (devices receive a string map).`,
      );
    }
  }
  return node;
}

// Intrinsic calls -------------------------------------------------------------------------------

interface ExpressionScope {
  parameters: ReadonlySet<string>;
  mappings: TemplateMappings;
  /** Where unresolvable references are reported (kept apart from structural errors). */
  referenceErrors: string[];
}

function checkReference(name: string, where: string, scope: ExpressionScope, extra?: Set<string>): void {
  const errors = scope.referenceErrors;
  if (UNSUPPORTED_PSEUDO_PARAMETERS.includes(name)) {
    errors.push(`${where}: ${name} cannot be resolved in provisioning templates.`);
  } else if (!scope.parameters.has(name) && name !== CERTIFICATE_ID_PARAMETER && !extra?.has(name)) {
    errors.push(`${where}: reference to "${name}", which is not declared in Parameters.`);
  }
}

function checkArguments(
  argument: JsonValue,
  count: number,
  name: string,
  where: string,
  errors: string[],
): JsonValue[] | undefined {
  if (Array.isArray(argument) && argument.length === count) return argument;
  errors.push(`${where}: ${name} takes a list of ${count} arguments.`);
  return undefined;
}

/** Checks the intrinsic calls inside a value: known functions, arity, declared references. */
function checkExpression(node: JsonValue, where: string, scope: ExpressionScope, errors: string[]): void {
  const call = asIntrinsicCall(node);
  if (!call) {
    if (Array.isArray(node))
      node.forEach((item, index) => checkExpression(item, `${where}[${index}]`, scope, errors));
    else if (isJsonObject(node)) {
      for (const [key, value] of Object.entries(node))
        checkExpression(value, `${where}.${key}`, scope, errors);
    }
    return;
  }
  const { name, argument } = call;
  const here = `${where} (${name})`;
  switch (name) {
    case 'Ref':
      if (typeof argument !== 'string') errors.push(`${here}: Ref takes a parameter name.`);
      else checkReference(argument, here, scope);
      return;
    case 'Fn::Join': {
      const args = checkArguments(argument, 2, name, here, errors);
      if (!args) return;
      if (typeof args[0] !== 'string') errors.push(`${here}: the delimiter must be a string.`);
      if (!Array.isArray(args[1]) && !asIntrinsicCall(args[1] as JsonValue)) {
        errors.push(`${here}: the second argument must be a list or a function returning one.`);
      }
      checkExpression(args[1] as JsonValue, here, scope, errors);
      return;
    }
    case 'Fn::Select': {
      const args = checkArguments(argument, 2, name, here, errors);
      if (!args) return;
      const index = args[0] as JsonValue;
      if (typeof index === 'number' || typeof index === 'string') {
        if (!/^\d+$/.test(String(index))) errors.push(`${here}: the index must be a non-negative integer.`);
      } else checkExpression(index, here, scope, errors);
      checkExpression(args[1] as JsonValue, here, scope, errors);
      return;
    }
    case 'Fn::Split': {
      const args = checkArguments(argument, 2, name, here, errors);
      if (!args) return;
      if (typeof args[0] !== 'string' || args[0] === '')
        errors.push(`${here}: the delimiter must be a non-empty string.`);
      checkExpression(args[1] as JsonValue, here, scope, errors);
      return;
    }
    case 'Fn::Sub': {
      if (typeof argument === 'string') {
        for (const placeholder of subPlaceholders(argument)) checkReference(placeholder, here, scope);
        return;
      }
      const args = checkArguments(argument, 2, name, here, errors);
      if (!args) return;
      const [text, variables] = args as [JsonValue, JsonValue];
      if (typeof text !== 'string' || !isJsonObject(variables)) {
        errors.push(`${here}: use "text" or ["text", {"Var": value}].`);
        return;
      }
      const local = new Set(Object.keys(variables));
      for (const placeholder of subPlaceholders(text)) checkReference(placeholder, here, scope, local);
      for (const [key, value] of Object.entries(variables))
        checkExpression(value, `${here}.${key}`, scope, errors);
      return;
    }
    case 'Fn::FindInMap': {
      const args = checkArguments(argument, 3, name, here, errors);
      if (!args) return;
      const [mapName] = args;
      if (typeof mapName === 'string' && !scope.mappings[mapName]) {
        errors.push(`${here}: mapping "${mapName}" is not in Mappings.`);
      }
      args.forEach((arg) => checkExpression(arg, here, scope, errors));
      return;
    }
    default:
      errors.push(
        `${here}: ${name} is not supported in provisioning templates (use ${SUPPORTED_INTRINSICS.join(', ')}).`,
      );
  }
}
