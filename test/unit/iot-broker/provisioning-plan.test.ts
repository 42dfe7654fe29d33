import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { ProvisioningRejection } from '../../../sandbox/iot/fleet-provisioning/provisioning-rejection.js';
import {
  mergeThing,
  planProvisioning,
  policyNameForDocument,
} from '../../../sandbox/iot/fleet-provisioning/provisioning-plan.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';
import type { ThingRecord } from '../../../sandbox/iot/registry-model.js';
import type { EvaluatedThing } from '../../../sandbox/iot/template/template-evaluator.js';

const existing: ThingRecord = {
  thingName: 'dev-1',
  thingId: 'id',
  thingArn: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
  thingTypeName: 'old-type',
  attributes: { a: '1', b: '2' },
  thingGroups: ['g1'],
  version: 3,
  creationDate: 0,
};

function wanted(overrides: Partial<EvaluatedThing> = {}): EvaluatedThing {
  return {
    logicalId: 'thing',
    thingName: 'dev-1',
    attributes: { b: '20', c: '3' },
    thingTypeName: 'new-type',
    thingGroups: ['g2'],
    overrideSettings: {},
    ...overrides,
  };
}

describe('mergeThing (OverrideSettings)', () => {
  it('creates a new thing with everything the template says', () => {
    expect(mergeThing(undefined, wanted())).toEqual({
      thingName: 'dev-1',
      thingTypeName: 'new-type',
      attributes: { b: '20', c: '3' },
      thingGroups: ['g2'],
    });
  });

  it('leaves an existing thing alone when no OverrideSettings are given (DO_NOTHING)', () => {
    expect(mergeThing(existing, wanted())).toBeUndefined();
  });

  it('REPLACE takes the template’s values', () => {
    const result = mergeThing(
      existing,
      wanted({
        overrideSettings: { AttributePayload: 'REPLACE', ThingTypeName: 'REPLACE', ThingGroups: 'REPLACE' },
      }),
    );
    expect(result).toEqual({
      thingName: 'dev-1',
      thingTypeName: 'new-type',
      attributes: { b: '20', c: '3' },
      thingGroups: ['g2'],
    });
  });

  it('MERGE combines attributes (template wins) and groups', () => {
    const result = mergeThing(
      existing,
      wanted({ overrideSettings: { AttributePayload: 'MERGE', ThingGroups: 'MERGE' } }),
    );
    expect(result).toEqual({
      thingName: 'dev-1',
      thingTypeName: 'old-type',
      attributes: { a: '1', b: '20', c: '3' },
      thingGroups: ['g1', 'g2'],
    });
  });

  it('FAIL refuses a difference with 409 ResourceConflict, and accepts an identical value', () => {
    let error: unknown;
    try {
      mergeThing(existing, wanted({ overrideSettings: { ThingTypeName: 'FAIL' } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProvisioningRejection);
    expect((error as ProvisioningRejection).toPayload()).toMatchObject({
      statusCode: 409,
      errorCode: 'ResourceConflict',
    });
    expect(
      mergeThing(
        existing,
        wanted({ thingTypeName: 'old-type', overrideSettings: { ThingTypeName: 'FAIL' } }),
      ),
    ).toBeUndefined();
  });
});

describe('planProvisioning', () => {
  const certificateId = 'c'.repeat(64);
  function registry() {
    const clock = new ManualClock(1_000_000);
    const created = new IotRegistry({ region: 'eu-west-1', accountId: '123456789012', clock });
    created.addCertificate({
      certificateId,
      certificatePem: 'pem',
      status: 'PENDING_ACTIVATION',
      ownershipToken: 't',
      ownershipTokenExpiresAt: 2_000_000,
    });
    created.createPolicy('Existing', {
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
    });
    return created;
  }
  const document = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow' as const, Action: 'iot:*', Resource: '*' }],
  };

  it('activates, creates and attaches everything, then marks the token used', () => {
    const target = registry();
    const changes = planProvisioning(
      target,
      {
        thing: wanted(),
        certificate: { logicalId: 'cert', certificateId, status: 'ACTIVE', overrideSettings: {} },
        policies: [
          { logicalId: 'p1', policyName: 'Existing' },
          { logicalId: 'p2', policyDocument: document },
        ],
        deviceConfiguration: {},
      },
      certificateId,
    );
    target.applyProvisioning(changes);
    const arn = target.certificateArn(certificateId);
    expect(target.getCertificate(certificateId)).toMatchObject({ status: 'ACTIVE', registered: true });
    expect(target.listThingPrincipals('dev-1')).toEqual([arn]);
    expect(target.listAttachedPolicies(arn).map((p) => p.policyName)).toEqual([
      'Existing',
      policyNameForDocument(document),
    ]);
  });

  it('reuses a policy created earlier from the same document', () => {
    const target = registry();
    target.createPolicy(policyNameForDocument(document), document);
    const changes = planProvisioning(
      target,
      { policies: [{ logicalId: 'p', policyDocument: document }], deviceConfiguration: {} },
      certificateId,
    );
    expect(changes.map((change) => change.kind)).toEqual(['attachPolicy', 'markRegistered']);
  });

  it('refuses a policy name that does not exist, and a certificate id other than the token’s', () => {
    const target = registry();
    expect(() =>
      planProvisioning(
        target,
        { policies: [{ logicalId: 'p', policyName: 'Missing' }], deviceConfiguration: {} },
        certificateId,
      ),
    ).toThrow(/Policy Missing named by the template does not exist/);
    expect(() =>
      planProvisioning(
        target,
        {
          certificate: {
            logicalId: 'c',
            certificateId: 'd'.repeat(64),
            status: 'ACTIVE',
            overrideSettings: {},
          },
          policies: [],
          deviceConfiguration: {},
        },
        certificateId,
      ),
    ).toThrow(/not the one of the ownership token/);
  });
});
