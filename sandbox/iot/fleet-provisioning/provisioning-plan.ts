import { createHash } from 'node:crypto';
import type { PolicyDocument } from '../../iam/iam-policy.js';
import type { IotRegistry, ProvisioningChange, ThingInput } from '../iot-registry.js';
import type { ThingRecord } from '../registry-model.js';
import type { OverrideSetting } from '../template/provisioning-template.js';
import type { EvaluatedTemplate, EvaluatedThing } from '../template/template-evaluator.js';
import { ProvisioningRejection } from './provisioning-rejection.js';

/**
 * Turns an evaluated template into the registry changes of one RegisterThing, applying the
 * template's OverrideSettings to resources that already exist. The result is handed to
 * `IotRegistry.applyProvisioning`, which applies it all or nothing.
 */

/** When OverrideSettings does not name a property of an existing thing, the existing value stays. */
const DEFAULT_OVERRIDE: OverrideSetting = 'DO_NOTHING';

function conflict(thingName: string, property: string): ProvisioningRejection {
  return new ProvisioningRejection(
    409,
    'ResourceConflict',
    `Thing ${thingName} already exists with a different ${property} and the template's OverrideSettings.${property} is FAIL.`,
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((value, index) => value === sortedB[index]);
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The thing to write, or undefined when the existing one stays exactly as it is. */
export function mergeThing(
  existing: ThingRecord | undefined,
  wanted: EvaluatedThing,
): ThingInput | undefined {
  if (!existing) {
    return {
      thingName: wanted.thingName,
      ...(wanted.thingTypeName !== undefined ? { thingTypeName: wanted.thingTypeName } : {}),
      ...(wanted.attributes ? { attributes: wanted.attributes } : {}),
      ...(wanted.thingGroups ? { thingGroups: wanted.thingGroups } : {}),
      ...(wanted.billingGroupName !== undefined ? { billingGroupName: wanted.billingGroupName } : {}),
    };
  }
  let attributes = existing.attributes;
  if (wanted.attributes) {
    const setting = wanted.overrideSettings.AttributePayload ?? DEFAULT_OVERRIDE;
    if (setting === 'REPLACE') attributes = wanted.attributes;
    else if (setting === 'MERGE') attributes = { ...existing.attributes, ...wanted.attributes };
    else if (setting === 'FAIL' && !sameAttributes(existing.attributes, wanted.attributes)) {
      throw conflict(existing.thingName, 'AttributePayload');
    }
  }
  let thingTypeName = existing.thingTypeName;
  if (wanted.thingTypeName !== undefined) {
    const setting = wanted.overrideSettings.ThingTypeName ?? DEFAULT_OVERRIDE;
    if (setting === 'REPLACE') thingTypeName = wanted.thingTypeName;
    else if (setting === 'FAIL' && existing.thingTypeName !== wanted.thingTypeName) {
      throw conflict(existing.thingName, 'ThingTypeName');
    }
  }
  let thingGroups = existing.thingGroups;
  if (wanted.thingGroups) {
    const setting = wanted.overrideSettings.ThingGroups ?? DEFAULT_OVERRIDE;
    if (setting === 'REPLACE') thingGroups = wanted.thingGroups;
    else if (setting === 'MERGE')
      thingGroups = [...new Set([...existing.thingGroups, ...wanted.thingGroups])];
    else if (setting === 'FAIL' && !sameList(existing.thingGroups, wanted.thingGroups)) {
      throw conflict(existing.thingName, 'ThingGroups');
    }
  }
  const unchanged =
    sameAttributes(attributes, existing.attributes) &&
    thingTypeName === existing.thingTypeName &&
    sameList(thingGroups, existing.thingGroups);
  if (unchanged) return undefined;
  return {
    thingName: existing.thingName,
    ...(thingTypeName !== undefined ? { thingTypeName } : {}),
    attributes,
    thingGroups,
    ...(existing.billingGroupName !== undefined ? { billingGroupName: existing.billingGroupName } : {}),
  };
}

/** AWS names a policy given by document after a hash of it; the sandbox uses SHA-256 of the JSON. */
export function policyNameForDocument(document: PolicyDocument): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}

export function planProvisioning(
  registry: IotRegistry,
  evaluated: EvaluatedTemplate,
  certificateId: string,
): ProvisioningChange[] {
  const certificateArn = registry.certificateArn(certificateId);
  const changes: ProvisioningChange[] = [];
  if (evaluated.certificate) {
    if (evaluated.certificate.certificateId !== certificateId) {
      throw new ProvisioningRejection(
        400,
        'InvalidParameters',
        `The template's certificate resource names certificate ${evaluated.certificate.certificateId}, not the one of the ownership token; use {"Ref": "AWS::IoT::Certificate::Id"}.`,
      );
    }
    changes.push({ kind: 'setCertificateStatus', certificateId, status: evaluated.certificate.status });
  }
  if (evaluated.thing) {
    const thingInput = mergeThing(registry.getThing(evaluated.thing.thingName), evaluated.thing);
    if (thingInput) changes.push({ kind: 'putThing', thing: thingInput });
    changes.push({
      kind: 'attachThingPrincipal',
      thingName: evaluated.thing.thingName,
      principalArn: certificateArn,
    });
  }
  for (const policy of evaluated.policies) {
    let policyName: string;
    if ('policyName' in policy) {
      policyName = policy.policyName;
      if (!registry.getPolicy(policyName)) {
        throw new ProvisioningRejection(
          400,
          'ResourceRegistrationFailure',
          `Policy ${policyName} named by the template does not exist; create it before provisioning.`,
        );
      }
    } else {
      policyName = policyNameForDocument(policy.policyDocument);
      if (!registry.getPolicy(policyName)) {
        changes.push({ kind: 'createPolicy', policyName, policyDocument: policy.policyDocument });
      }
    }
    changes.push({ kind: 'attachPolicy', policyName, targetArn: certificateArn });
  }
  changes.push({ kind: 'markRegistered', certificateId });
  return changes;
}
