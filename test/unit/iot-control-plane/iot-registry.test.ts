import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { IotRegistry, IotRegistryError, type ProvisioningChange } from '../../../sandbox/iot/iot-registry.js';

const region = 'eu-central-1';
const accountId = '123456789012';
const roleArn = `arn:aws:iam::${accountId}:role/IoTProvisioningRole`;
const certId = (n: number) => n.toString(16).padStart(64, '0');
const start = Date.UTC(2026, 10, 26, 8, 0, 0);

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function statePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iot-registry-'));
  directories.push(dir);
  return join(dir, 'registry.json');
}

function newRegistry(path?: string, clock = new ManualClock(start)): IotRegistry {
  return new IotRegistry({ region, accountId, clock, ...(path ? { statePath: path } : {}) });
}

function errorOf(action: () => unknown): IotRegistryError {
  try {
    action();
  } catch (error) {
    if (error instanceof IotRegistryError) return error;
    throw error;
  }
  throw new Error('expected an IotRegistryError');
}

describe('IotRegistry templates', () => {
  it('creates, reads, updates and lists templates with AWS ARNs and defaults', () => {
    const clock = new ManualClock(start);
    const registry = newRegistry(undefined, clock);
    const created = registry.createTemplate({
      templateName: 'B-template',
      templateBody: '{}',
      provisioningRoleArn: roleArn,
    });
    expect(created).toMatchObject({
      templateArn: `arn:aws:iot:${region}:${accountId}:provisioningtemplate/B-template`,
      enabled: false,
      type: 'FLEET_PROVISIONING',
      defaultVersionId: 1,
      creationDate: start,
    });
    registry.createTemplate({
      templateName: 'A_template',
      templateBody: '{}',
      provisioningRoleArn: roleArn,
      enabled: true,
    });
    clock.advance(5000);
    const updated = registry.updateTemplate('B-template', { enabled: true, description: 'bench' });
    expect(updated).toMatchObject({ enabled: true, description: 'bench', lastModifiedDate: start + 5000 });
    expect(registry.listTemplates().map((t) => t.templateName)).toEqual(['A_template', 'B-template']);
    expect(registry.getTemplate('missing')).toBeUndefined();
  });

  it('refuses bad names, bodies, role ARNs, hooks and duplicates with AWS error names', () => {
    const registry = newRegistry();
    const base = { templateName: 'T', templateBody: '{}', provisioningRoleArn: roleArn };
    expect(errorOf(() => registry.createTemplate({ ...base, templateName: 'x'.repeat(37) })).code).toBe(
      'InvalidRequestException',
    );
    expect(errorOf(() => registry.createTemplate({ ...base, templateName: 'bad name' })).code).toBe(
      'InvalidRequestException',
    );
    expect(errorOf(() => registry.createTemplate({ ...base, templateBody: '{' })).message).toMatch(
      /not valid JSON/,
    );
    expect(errorOf(() => registry.createTemplate({ ...base, templateBody: '[]' })).message).toMatch(
      /JSON object/,
    );
    expect(
      errorOf(() =>
        registry.createTemplate({ ...base, templateBody: JSON.stringify({ a: 'x'.repeat(10240) }) }),
      ).message,
    ).toMatch(/10240/);
    expect(
      errorOf(() => registry.createTemplate({ ...base, provisioningRoleArn: 'arn:aws:iam::1:role/x' })).code,
    ).toBe('InvalidRequestException');
    const hook = { targetArn: `arn:aws:lambda:${region}:${accountId}:function:hook` };
    expect(
      errorOf(() =>
        registry.createTemplate({ ...base, preProvisioningHook: { ...hook, payloadVersion: '2019' } }),
      ).message,
    ).toMatch(/payloadVersion/);
    expect(
      errorOf(() => registry.createTemplate({ ...base, type: 'JITP', preProvisioningHook: hook })).message,
    ).toMatch(/FLEET_PROVISIONING/);
    registry.createTemplate({ ...base, preProvisioningHook: { ...hook, payloadVersion: '2020-04-01' } });
    const duplicate = errorOf(() => registry.createTemplate(base));
    expect(duplicate.code).toBe('ResourceAlreadyExistsException');
    expect(duplicate.resource?.resourceArn).toBe(registry.templateArn('T'));
    expect(errorOf(() => registry.updateTemplate('nope', { enabled: true })).code).toBe(
      'ResourceNotFoundException',
    );
    expect(
      registry.updateTemplate('T', { removePreProvisioningHook: true }).preProvisioningHook,
    ).toBeUndefined();
  });
});

describe('IotRegistry certificates and claims', () => {
  it('keeps claims apart from account certificates', () => {
    const registry = newRegistry();
    registry.createTemplate({ templateName: 'T', templateBody: '{}', provisioningRoleArn: roleArn });
    registry.recordClaim({ certificateId: certId(1), templateName: 'T', expiration: start + 300_000 });
    expect(registry.getClaim(certId(1))).toEqual({
      certificateId: certId(1),
      templateName: 'T',
      expiration: start + 300_000,
    });
    expect(registry.listCertificates()).toEqual([]);
    expect(registry.getCertificate(certId(1))).toBeUndefined();
    expect(
      errorOf(() => registry.recordClaim({ certificateId: certId(2), templateName: 'nope', expiration: 0 }))
        .code,
    ).toBe('ResourceNotFoundException');
    // A claim certificate id can never become an account certificate.
    expect(
      errorOf(() =>
        registry.addCertificate({ certificateId: certId(1), certificatePem: 'pem', status: 'ACTIVE' }),
      ).code,
    ).toBe('ResourceAlreadyExistsException');
  });

  it('adds certificates, finds them by ownership token and moves their status as UpdateCertificate does', () => {
    const registry = newRegistry();
    registry.addCertificate({
      certificateId: certId(2),
      certificatePem: 'pem',
      status: 'PENDING_ACTIVATION',
      ownershipToken: 'token-2',
      ownershipTokenExpiresAt: start + 3_600_000,
    });
    expect(registry.findCertificateByOwnershipToken('token-2')?.certificateId).toBe(certId(2));
    expect(registry.findCertificateByOwnershipToken('')).toBeUndefined();
    expect(registry.findCertificateByOwnershipToken('other')).toBeUndefined();
    expect(registry.markRegistered(certId(2)).registered).toBe(true);
    expect(registry.setCertificateStatus(certId(2), 'ACTIVE').status).toBe('ACTIVE');
    expect(registry.setCertificateStatus(certId(2), 'REVOKED').status).toBe('REVOKED');
    expect(errorOf(() => registry.setCertificateStatus(certId(2), 'ACTIVE')).code).toBe(
      'CertificateStateException',
    );
    expect(errorOf(() => registry.setCertificateStatus(certId(9), 'ACTIVE')).code).toBe(
      'ResourceNotFoundException',
    );
    expect(
      errorOf(() => registry.addCertificate({ certificateId: 'ABC', certificatePem: 'p', status: 'ACTIVE' }))
        .code,
    ).toBe('InvalidRequestException');
  });

  it('deletes a certificate together with its attachments', () => {
    const registry = newRegistry();
    registry.addCertificate({ certificateId: certId(3), certificatePem: 'pem', status: 'ACTIVE' });
    registry.putThing({ thingName: 'dev_3' });
    registry.createPolicy('DevicePolicy', {
      Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
    });
    const arn = registry.certificateArn(certId(3));
    registry.attachThingPrincipal('dev_3', arn);
    registry.attachPolicy('DevicePolicy', arn);
    registry.deleteCertificate(certId(3));
    expect(registry.listThingPrincipals('dev_3')).toEqual([]);
    expect(registry.listAttachedPolicies(arn)).toEqual([]);
    expect(registry.getCertificate(certId(3))).toBeUndefined();
  });
});

describe('IotRegistry things and policies', () => {
  it('versions things, filters them and records principals both ways', () => {
    const registry = newRegistry();
    const first = registry.putThing({
      thingName: 'dev_1',
      attributes: { serial: 'SN-001', site: 'Bench A' },
    });
    expect(first).toMatchObject({ version: 1, thingArn: `arn:aws:iot:${region}:${accountId}:thing/dev_1` });
    const second = registry.putThing({
      thingName: 'dev_1',
      attributes: { serial: 'SN-001' },
      thingTypeName: 'Sensor',
    });
    expect(second.version).toBe(2);
    expect(second.thingId).toBe(first.thingId);
    registry.putThing({ thingName: 'dev_2', attributes: { serial: 'SN-002' } });
    registry.putThing({ thingName: 'other', attributes: { serial: 'XX-1' } });
    expect(
      registry
        .listThings({ attributeName: 'serial', attributeValue: 'SN-', usePrefixAttributeValue: true })
        .map((t) => t.thingName),
    ).toEqual(['dev_1', 'dev_2']);
    expect(
      registry.listThings({ attributeName: 'serial', attributeValue: 'SN-002' }).map((t) => t.thingName),
    ).toEqual(['dev_2']);
    expect(registry.listThings({ thingTypeName: 'Sensor' }).map((t) => t.thingName)).toEqual(['dev_1']);
    expect(errorOf(() => registry.putThing({ thingName: 'has space' })).code).toBe('InvalidRequestException');
    expect(
      errorOf(() => registry.putThing({ thingName: 'ok', attributes: { serial: 'bad"quote' } })).code,
    ).toBe('InvalidRequestException');

    registry.addCertificate({ certificateId: certId(4), certificatePem: 'pem', status: 'ACTIVE' });
    const arn = registry.certificateArn(certId(4));
    registry.attachThingPrincipal('dev_1', arn);
    registry.attachThingPrincipal('dev_1', arn);
    registry.attachThingPrincipal('dev_2', arn);
    expect(registry.listThingPrincipals('dev_1')).toEqual([arn]);
    expect(registry.listPrincipalThings(arn)).toEqual(['dev_1', 'dev_2']);
    expect(errorOf(() => registry.listThingPrincipals('nope')).code).toBe('ResourceNotFoundException');
    expect(
      errorOf(() => registry.attachThingPrincipal('dev_1', registry.certificateArn(certId(5)))).code,
    ).toBe('ResourceNotFoundException');
  });

  it('creates, reads and attaches policies', () => {
    const registry = newRegistry();
    const document = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow' as const, Action: 'iot:Connect', Resource: '*' }],
    };
    expect(registry.createPolicy('DevicePolicy', document).policyArn).toBe(
      `arn:aws:iot:${region}:${accountId}:policy/DevicePolicy`,
    );
    expect(registry.getPolicy('DevicePolicy')?.policyDocument).toEqual(document);
    expect(errorOf(() => registry.createPolicy('DevicePolicy', document)).code).toBe(
      'ResourceAlreadyExistsException',
    );
    expect(errorOf(() => registry.createPolicy('bad name', document)).code).toBe('InvalidRequestException');
    expect(errorOf(() => registry.attachPolicy('Nope', registry.certificateArn(certId(1)))).code).toBe(
      'ResourceNotFoundException',
    );
  });

  it('returns copies, so callers cannot change the registry behind its back', () => {
    const registry = newRegistry();
    const thing = registry.putThing({ thingName: 'dev_1', attributes: { a: '1' } });
    thing.attributes.a = 'changed';
    expect(registry.getThing('dev_1')?.attributes.a).toBe('1');
  });
});

describe('IotRegistry.applyProvisioning', () => {
  function seeded(path?: string): IotRegistry {
    const registry = newRegistry(path);
    registry.addCertificate({
      certificateId: certId(7),
      certificatePem: 'pem',
      status: 'PENDING_ACTIVATION',
    });
    return registry;
  }
  const arn7 = `arn:aws:iot:${region}:${accountId}:cert/${certId(7)}`;
  const good: ProvisioningChange[] = [
    { kind: 'putThing', thing: { thingName: 'dev_7', attributes: { serial: '7' } } },
    { kind: 'setCertificateStatus', certificateId: certId(7), status: 'ACTIVE' },
    {
      kind: 'createPolicy',
      policyName: 'P7',
      policyDocument: { Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } },
    },
    { kind: 'attachThingPrincipal', thingName: 'dev_7', principalArn: arn7 },
    { kind: 'attachPolicy', policyName: 'P7', targetArn: arn7 },
    { kind: 'markRegistered', certificateId: certId(7) },
  ];

  it('applies every change and reports the things written', () => {
    const registry = seeded();
    const result = registry.applyProvisioning(good);
    expect(result.things.map((t) => t.thingName)).toEqual(['dev_7']);
    expect(registry.getCertificate(certId(7))).toMatchObject({ status: 'ACTIVE', registered: true });
    expect(registry.listThingPrincipals('dev_7')).toEqual([arn7]);
    expect(registry.listAttachedPolicies(arn7).map((p) => p.policyName)).toEqual(['P7']);
  });

  it('leaves memory and disk exactly as before when one change fails', () => {
    const path = statePath();
    const registry = seeded(path);
    const before = readFileSync(path, 'utf8');
    const failing: ProvisioningChange[] = [
      ...good.slice(0, 4),
      { kind: 'attachPolicy', policyName: 'MissingPolicy', targetArn: arn7 },
    ];
    expect(() => registry.applyProvisioning(failing)).toThrow(IotRegistryError);
    expect(registry.getThing('dev_7')).toBeUndefined();
    expect(registry.getPolicy('P7')).toBeUndefined();
    expect(registry.getCertificate(certId(7))?.status).toBe('PENDING_ACTIVATION');
    expect(readFileSync(path, 'utf8')).toBe(before);
    // And the registry still works normally afterwards.
    registry.applyProvisioning(good);
    expect(newRegistry(path).getThing('dev_7')?.version).toBe(1);
  });
});

describe('IotRegistry persistence', () => {
  it('survives a restart with the same state path', () => {
    const path = statePath();
    const registry = newRegistry(path);
    registry.createTemplate({
      templateName: 'T',
      templateBody: '{}',
      provisioningRoleArn: roleArn,
      enabled: true,
    });
    registry.recordClaim({ certificateId: certId(1), templateName: 'T', expiration: start + 300_000 });
    registry.addCertificate({ certificateId: certId(2), certificatePem: 'pem', status: 'ACTIVE' });
    registry.putThing({ thingName: 'dev_1' });
    registry.attachThingPrincipal('dev_1', registry.certificateArn(certId(2)));

    const restarted = newRegistry(path);
    expect(restarted.getTemplate('T')?.enabled).toBe(true);
    expect(restarted.getClaim(certId(1))?.templateName).toBe('T');
    expect(restarted.listCertificates().map((c) => c.certificateId)).toEqual([certId(2)]);
    expect(restarted.listThingPrincipals('dev_1')).toEqual([restarted.certificateArn(certId(2))]);
  });

  it('refuses a state file that is not a registry, saying what to do', () => {
    const path = statePath();
    writeFileSync(path, JSON.stringify({ version: 1, templates: 'oops' }));
    expect(() => newRegistry(path)).toThrow(/does not hold a registry.*Move it away/s);
    writeFileSync(path, '{not json');
    expect(() => newRegistry(path)).toThrow(/unreadable/);
  });
});
