import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/main/core/aws/aws-call-error.js';
import type { IotRegistryClient } from '../../../src/main/core/aws/iot-registry-client.js';
import { startAwsSandbox, type AwsSandbox } from './aws-sandbox-fixture.js';

/**
 * Registry verification, crash-recovery reads and certificate retirement with the operator's own
 * credentials, against devices provisioned for real: claim from the registry client, Fleet
 * Provisioning with AWS's device SDK (CSR flow over MQTT 3.1.1), then the station's checks.
 */

let env: AwsSandbox;
let installer: IotRegistryClient;
let visitor: IotRegistryClient;
const run = Date.now() % 1_000_000;

beforeAll(async () => {
  env = await startAwsSandbox();
  ({ registry: installer } = await env.registryFor('installer'));
  ({ registry: visitor } = await env.registryFor('visitor'));
});
afterAll(async () => {
  await env.close();
});

const certificateArn = (id: string) => env.sandbox.registry.certificateArn(id);

describe('a device provisioned, then provisioned again after a reset', () => {
  const serialNumber = `SBX-VERIFY-${run}`;
  let first: { thingName: string; certificateId: string };
  let second: { thingName: string; certificateId: string };

  it('verifies: Thing exists, certificate ACTIVE, attached and hashing to the fingerprint', async () => {
    first = await env.provisionDevice(installer, serialNumber, {
      BatchId: 'B-7',
      StationId: 'bench-2',
      Operator: 'installer',
    });
    expect(first.thingName).toBe(serialNumber);
    const outcome = await installer.verifyProvisioned({ ...first, fingerprint: first.certificateId });
    expect(outcome).toEqual({
      ok: true,
      thingArn: env.sandbox.registry.thingArn(serialNumber),
      certificateArn: certificateArn(first.certificateId),
      otherCertificateIds: [],
    });
    // The seeded template records who made the Thing.
    expect(env.sandbox.registry.getThing(serialNumber)?.attributes).toEqual({
      serialNumber,
      model: 'generic',
      batchId: 'B-7',
      stationId: 'bench-2',
      operator: 'installer',
    });
  });

  it('FINGERPRINT_MISMATCH when the device reports another fingerprint', async () => {
    const outcome = await installer.verifyProvisioned({ ...first, fingerprint: 'e'.repeat(64) });
    expect(outcome).toMatchObject({ ok: false, code: 'FINGERPRINT_MISMATCH' });
    if (!outcome.ok) expect(outcome.message).toContain(first.certificateId);
  });

  it('THING_MISSING and CERTIFICATE_MISSING for a Thing or certificate the registry does not have', async () => {
    await expect(
      installer.verifyProvisioned({
        ...first,
        fingerprint: first.certificateId,
        thingName: `SBX-NEVER-${run}`,
      }),
    ).resolves.toMatchObject({ ok: false, code: 'THING_MISSING' });
    const unknown = 'a'.repeat(64);
    await expect(
      installer.verifyProvisioned({ thingName: serialNumber, certificateId: unknown, fingerprint: unknown }),
    ).resolves.toMatchObject({ ok: false, code: 'CERTIFICATE_MISSING' });
  });

  it('THING_MISSING, naming the template as the cause, for an identity without a Thing name', async () => {
    const outcome = await installer.verifyProvisioned({
      ...first,
      fingerprint: first.certificateId,
      thingName: '',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'THING_MISSING' });
    if (!outcome.ok) expect(outcome.hint).toMatch(/AWS::IoT::Thing/);
  });

  it('passes a Thing with two certificates after a reset mid-provisioning, and reports the other one', async () => {
    second = await env.provisionDevice(installer, serialNumber);
    expect(second.certificateId).not.toBe(first.certificateId);
    const outcome = await installer.verifyProvisioned({ ...second, fingerprint: second.certificateId });
    expect(outcome).toMatchObject({ ok: true, otherCertificateIds: [first.certificateId] });
    const held = await installer.thingCertificates(serialNumber);
    expect(held?.sort((a, b) => a.certificateId.localeCompare(b.certificateId))).toEqual(
      [
        { certificateId: first.certificateId, status: 'ACTIVE' },
        { certificateId: second.certificateId, status: 'ACTIVE' },
      ].sort((a, b) => a.certificateId.localeCompare(b.certificateId)),
    );
    await expect(installer.thingCertificates(`SBX-NEVER-${run}`)).resolves.toBeNull();
  });

  it('leaves the old certificate for an administrator when the role may not retire it (visitor)', async () => {
    const outcome = await visitor.retireCertificate({
      thingName: serialNumber,
      certificateId: first.certificateId,
    });
    expect(outcome).toMatchObject({ outcome: 'left-for-admin' });
    if (outcome.outcome === 'left-for-admin') {
      expect(outcome.reason).toContain('AccessDeniedException');
      expect(outcome.reason).toContain(
        `An AWS administrator has to set certificate ${first.certificateId} INACTIVE and detach it from Thing ${serialNumber}.`,
      );
    }
    expect(env.sandbox.registry.getCertificate(first.certificateId)?.status).toBe('ACTIVE');
    expect(env.sandbox.registry.listThingPrincipals(serialNumber)).toContain(
      certificateArn(first.certificateId),
    );
  });

  it('retires the old certificate with the installer role: INACTIVE and detached; the new one verifies alone', async () => {
    await expect(
      installer.retireCertificate({ thingName: serialNumber, certificateId: first.certificateId }),
    ).resolves.toEqual({ outcome: 'retired' });
    expect(env.sandbox.registry.getCertificate(first.certificateId)?.status).toBe('INACTIVE');
    expect(env.sandbox.registry.listThingPrincipals(serialNumber)).toEqual([
      certificateArn(second.certificateId),
    ]);
    await expect(
      installer.verifyProvisioned({ ...second, fingerprint: second.certificateId }),
    ).resolves.toMatchObject({ ok: true, otherCertificateIds: [] });
    // Retiring again (a retry after a crash) finds nothing left to do.
    await expect(
      installer.retireCertificate({ thingName: serialNumber, certificateId: first.certificateId }),
    ).resolves.toEqual({ outcome: 'retired' });
  });
});

describe('a certificate deactivated and detached behind the station', () => {
  it('CERTIFICATE_NOT_ACTIVE, then CERTIFICATE_NOT_ATTACHED', async () => {
    const serialNumber = `SBX-TAMPER-${run}`;
    const device = await env.provisionDevice(installer, serialNumber);
    const expected = { ...device, fingerprint: device.certificateId };
    env.sandbox.registry.setCertificateStatus(device.certificateId, 'INACTIVE');
    const inactive = await installer.verifyProvisioned(expected);
    expect(inactive).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_ACTIVE' });
    if (!inactive.ok) expect(inactive.message).toContain('INACTIVE');

    env.sandbox.registry.detachThingPrincipal(serialNumber, certificateArn(device.certificateId));
    await expect(installer.verifyProvisioned(expected)).resolves.toMatchObject({
      ok: false,
      code: 'CERTIFICATE_NOT_ATTACHED',
    });
    await expect(installer.thingCertificates(serialNumber)).resolves.toEqual([]);
  });
});

describe('a non-installer', () => {
  it('cannot verify: AccessDenied, with the hint to check the installers group', async () => {
    const error = await visitor
      .verifyProvisioned({ thingName: 'SN-1', certificateId: 'a'.repeat(64), fingerprint: 'a'.repeat(64) })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ kind: 'access-denied', awsName: 'AccessDeniedException', httpStatus: 403 });
    expect((error as AwsCallError).hint).toMatch(/installers group/);
  });
});
