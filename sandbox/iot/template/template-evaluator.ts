import type { PolicyDocument } from '../../iam/iam-policy.js';
import { CERTIFICATE_ID_PARAMETER, evaluateNode, type EvaluationContext } from './intrinsic-functions.js';
import { isJsonObject, type JsonValue } from './json-value.js';
import type { OverrideSetting, ProvisioningTemplate, TemplateResource } from './provisioning-template.js';
import { invalidParameters, invalidTemplate } from './template-error.js';

/**
 * Evaluates a parsed provisioning template for one RegisterThing: merges the parameters, resolves
 * every intrinsic and returns plain resource descriptions. Pure: it reads no registry and writes none.
 */

export interface EvaluatedThing {
  logicalId: string;
  thingName: string;
  attributes?: Record<string, string>;
  thingTypeName?: string;
  thingGroups?: string[];
  billingGroupName?: string;
  overrideSettings: Partial<Record<'AttributePayload' | 'ThingTypeName' | 'ThingGroups', OverrideSetting>>;
}

export interface EvaluatedCertificate {
  logicalId: string;
  certificateId: string;
  status: 'ACTIVE' | 'INACTIVE';
  overrideSettings: Partial<Record<'Status', OverrideSetting>>;
}

export type EvaluatedPolicy =
  { logicalId: string; policyName: string } | { logicalId: string; policyDocument: PolicyDocument };

export interface EvaluatedTemplate {
  thing?: EvaluatedThing;
  certificate?: EvaluatedCertificate;
  policies: EvaluatedPolicy[];
  deviceConfiguration: Record<string, string>;
}

export interface EvaluationInput {
  /** Device `parameters`, already overlaid with the hook's `parameterOverrides`. */
  parameters: Readonly<Record<string, string>>;
  /** The certificate being registered (the service parameter AWS::IoT::Certificate::Id). */
  certificateId: string;
}

/** Merged parameters: supplied values, then the service's certificate id, then declared Defaults. */
export function mergeParameters(template: ProvisioningTemplate, input: EvaluationInput): Map<string, string> {
  const merged = new Map<string, string>(Object.entries(input.parameters));
  merged.set(CERTIFICATE_ID_PARAMETER, input.certificateId);
  for (const [name, declaration] of Object.entries(template.parameters)) {
    if (!merged.has(name) && declaration.default !== undefined) merged.set(name, declaration.default);
  }
  return merged;
}

export function evaluateTemplate(template: ProvisioningTemplate, input: EvaluationInput): EvaluatedTemplate {
  const context: EvaluationContext = {
    parameters: mergeParameters(template, input),
    mappings: template.mappings,
  };
  const result: EvaluatedTemplate = { policies: [], deviceConfiguration: {} };
  for (const resource of template.resources) {
    if (resource.type === 'AWS::IoT::Thing') result.thing = evaluateThing(resource, context);
    else if (resource.type === 'AWS::IoT::Certificate')
      result.certificate = evaluateCertificate(resource, context);
    else result.policies.push(evaluatePolicy(resource, context));
  }
  for (const [key, value] of Object.entries(template.deviceConfiguration)) {
    result.deviceConfiguration[key] = scalarString(
      evaluateNode(value, context),
      `DeviceConfiguration.${key}`,
    );
  }
  return result;
}

function scalarString(value: JsonValue, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameters(
    `${where} must evaluate to a string, got ${Array.isArray(value) ? 'a list' : typeof value}`,
  );
}

function optionalString(
  resource: TemplateResource,
  key: string,
  context: EvaluationContext,
): string | undefined {
  const node = resource.properties[key];
  if (node === undefined) return undefined;
  return scalarString(evaluateNode(node, context), `${resource.logicalId}.${key}`);
}

function evaluateThing(resource: TemplateResource, context: EvaluationContext): EvaluatedThing {
  const where = resource.logicalId;
  const thingName = optionalString(resource, 'ThingName', context);
  if (thingName === undefined) throw invalidTemplate(`${where}: ThingName is required`);
  if (!/^[a-zA-Z0-9:_-]{1,128}$/.test(thingName)) {
    throw invalidParameters(
      `${where}: thing name "${thingName}" is invalid; a thing name is 1-128 characters of [a-zA-Z0-9:_-]`,
    );
  }
  const thing: EvaluatedThing = { logicalId: where, thingName, overrideSettings: {} };
  const attributesNode = resource.properties['AttributePayload'];
  if (attributesNode !== undefined) {
    const attributes = evaluateNode(attributesNode, context);
    if (!isJsonObject(attributes))
      throw invalidParameters(`${where}.AttributePayload must evaluate to an object`);
    thing.attributes = {};
    for (const [name, value] of Object.entries(attributes)) {
      thing.attributes[name] = scalarString(value, `${where}.AttributePayload.${name}`);
    }
  }
  const thingTypeName = optionalString(resource, 'ThingTypeName', context);
  if (thingTypeName !== undefined) thing.thingTypeName = thingTypeName;
  const billingGroupName = optionalString(resource, 'BillingGroup', context);
  if (billingGroupName !== undefined) thing.billingGroupName = billingGroupName;
  const groupsNode = resource.properties['ThingGroups'];
  if (groupsNode !== undefined) {
    const groups = evaluateNode(groupsNode, context);
    if (!Array.isArray(groups)) throw invalidParameters(`${where}.ThingGroups must evaluate to a list`);
    thing.thingGroups = groups.map((group, index) => scalarString(group, `${where}.ThingGroups[${index}]`));
  }
  for (const key of ['AttributePayload', 'ThingTypeName', 'ThingGroups'] as const) {
    const setting = resource.overrideSettings[key];
    if (setting) thing.overrideSettings[key] = setting;
  }
  return thing;
}

function evaluateCertificate(resource: TemplateResource, context: EvaluationContext): EvaluatedCertificate {
  const where = resource.logicalId;
  const certificateId = optionalString(resource, 'CertificateId', context);
  if (certificateId === undefined) throw invalidTemplate(`${where}: CertificateId is required`);
  const status = (optionalString(resource, 'Status', context) ?? 'ACTIVE').toUpperCase();
  if (status !== 'ACTIVE' && status !== 'INACTIVE') {
    throw invalidParameters(`${where}: Status must be ACTIVE or INACTIVE, got "${status}"`);
  }
  const certificate: EvaluatedCertificate = { logicalId: where, certificateId, status, overrideSettings: {} };
  const setting = resource.overrideSettings['Status'];
  if (setting) certificate.overrideSettings.Status = setting;
  return certificate;
}

function evaluatePolicy(resource: TemplateResource, context: EvaluationContext): EvaluatedPolicy {
  const where = resource.logicalId;
  const policyName = optionalString(resource, 'PolicyName', context);
  if (policyName !== undefined) return { logicalId: where, policyName };
  const documentNode = resource.properties['PolicyDocument'];
  if (documentNode === undefined) throw invalidTemplate(`${where}: give PolicyName or PolicyDocument`);
  let document = evaluateNode(documentNode, context);
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document) as JsonValue;
    } catch {
      throw invalidTemplate(`${where}: PolicyDocument is not valid JSON`);
    }
  }
  if (!isJsonObject(document) || document['Statement'] === undefined) {
    throw invalidTemplate(`${where}: PolicyDocument must be a policy document with a Statement`);
  }
  return { logicalId: where, policyDocument: document as unknown as PolicyDocument };
}
