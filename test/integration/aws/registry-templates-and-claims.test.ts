import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/main/core/aws/aws-call-error.js';
import type { AwsCallGovernor } from '../../../src/main/core/aws/aws-call-governor.js';
import { createIotClient } from '../../../src/main/core/aws/iot-client.js';
import { IotRegistryClient } from '../../../src/main/core/aws/iot-registry-client.js';
import { TemplateBodyError } from '../../../src/main/core/aws/template-parameters.js';
import { newGovernor, startAwsSandbox, type AwsSandbox } from './aws-sandbox-fixture.js';

/** Templates, claims and the mapping of AWS refusals, through @aws-sdk/client-iot against the sandbox. */

let env: AwsSandbox;
let installer: IotRegistryClient;
let installerGovernor: AwsCallGovernor;

beforeAll(async () => {
  env = await startAwsSandbox();
  ({ registry: installer, governor: installerGovernor } = await env.registryFor('installer'));
});
afterAll(async () => {
  await env.close();
});

async function failure(promise: Promise<unknown>): Promise<AwsCallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AwsCallError)) throw new Error(`expected an AwsCallError, got ${String(error)}`);
  return error;
}

describe('templates', () => {
  it('lists every template across pages', async () => {
    const { registry, arns } = env.sandbox;
    const body = JSON.stringify({ Parameters: { SerialNumber: { Type: 'String' } }, Resources: {} });
    for (let n = 0; n < 251; n++) {
      registry.createTemplate({
        templateName: `Extra-${String(n).padStart(3, '0')}`,
        templateBody: body,
        provisioningRoleArn: arns.provisioningRole,
        ...(n === 0 ? { description: 'first extra', enabled: true } : {}),
      });
    }
    const templates = await installer.listTemplates();
    expect(templates).toHaveLength(252);
    expect(templates.find((t) => t.name === 'TrustedUserProvisioningTemplate')).toEqual({
      name: 'TrustedUserProvisioningTemplate',
      description: expect.stringContaining('Provisioning Station') as string,
      enabled: true,
    });
    expect(templates.find((t) => t.name === 'Extra-000')).toEqual({
      name: 'Extra-000',
      description: 'first extra',
      enabled: true,
    });
    expect(templates.find((t) => t.name === 'Extra-250')).toEqual({
      name: 'Extra-250',
      description: null,
      enabled: false,
    });
    // 252 templates at 250 a page: two pages, two calls.
    expect(installerGovernor.stats().ListProvisioningTemplates.calls).toBe(2);
  });

  it("describes the seeded template with its parameters and defaults, without AWS's pseudo parameters", async () => {
    const template = await installer.describeTemplate('TrustedUserProvisioningTemplate');
    expect(template).toEqual({
      name: 'TrustedUserProvisioningTemplate',
      enabled: true,
      description: expect.any(String) as string,
      parameters: [
        { name: 'SerialNumber', type: 'String', default: null },
        { name: 'Model', type: 'String', default: 'generic' },
        { name: 'BatchId', type: 'String', default: 'unassigned' },
        { name: 'StationId', type: 'String', default: 'unassigned' },
        { name: 'Operator', type: 'String', default: 'unassigned' },
      ],
    });
  });

  it('names a template that does not exist, and refuses one the role may not read', async () => {
    const missing = await failure(installer.describeTemplate('NoSuchTemplate'));
    // IAM decides before existence is checked: the installer may describe only its own template.
    expect(missing).toMatchObject({ kind: 'access-denied', awsName: 'AccessDeniedException' });
    expect(missing.awsMessage).toContain('provisioningtemplate/NoSuchTemplate');
  });

  it("explains the station's template when it is missing or its body cannot be read", async () => {
    // A second account whose admin has not created the template yet, then creates a broken one.
    const other = await startAwsSandbox({ seed: { iot: false } });
    try {
      const { registry } = await other.registryFor('installer');
      const missing = await failure(registry.describeTemplate('TrustedUserProvisioningTemplate'));
      expect(missing).toMatchObject({
        kind: 'not-found',
        awsName: 'ResourceNotFoundException',
        httpStatus: 404,
      });
      expect(missing.hint).toMatch(/Template TrustedUserProvisioningTemplate does not exist/);
      const noClaim = await failure(registry.createProvisioningClaim('TrustedUserProvisioningTemplate'));
      expect(noClaim.hint).toMatch(/check the template name in the station profile/);

      other.sandbox.registry.createTemplate({
        templateName: 'TrustedUserProvisioningTemplate',
        templateBody: '{"Parameters":["SerialNumber"],"Resources":{}}',
        provisioningRoleArn: other.sandbox.arns.provisioningRole,
      });
      const broken = registry.describeTemplate('TrustedUserProvisioningTemplate');
      await expect(broken).rejects.toThrow(TemplateBodyError);
      await expect(broken).rejects.toThrow(
        'The provisioning template TrustedUserProvisioningTemplate cannot be read: its Parameters section is not an object. ' +
          'Ask your AWS admin to fix the template body of TrustedUserProvisioningTemplate.',
      );
    } finally {
      await other.close();
    }
  });
});

describe('claims', () => {
  it('creates a claim: certificate, key and an expiry about five minutes out', async () => {
    const claim = await installer.createProvisioningClaim('TrustedUserProvisioningTemplate');
    expect(claim.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(new X509Certificate(claim.certificatePem ?? '').validToDate.getTime()).toBeGreaterThan(Date.now());
    expect(claim.keyPair?.PrivateKey).toContain('PRIVATE KEY');
    const left = (claim.expiration?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(290_000);
    expect(left).toBeLessThanOrEqual(300_000);
  });

  it('maps a visitor (not an installer) to AccessDenied with the installers-group hint', async () => {
    const { registry: visitor } = await env.registryFor('visitor');
    const error = await failure(visitor.createProvisioningClaim('TrustedUserProvisioningTemplate'));
    expect(error).toMatchObject({
      operation: 'CreateProvisioningClaim',
      awsName: 'AccessDeniedException',
      httpStatus: 403,
      kind: 'access-denied',
    });
    expect(error.awsMessage).toContain('assumed-role/StationSignedIn/');
    expect(error.awsMessage).toContain('iot:CreateProvisioningClaim');
    expect(error.message).toContain(`AccessDeniedException: ${error.awsMessage}`);
    expect(error.hint).toMatch(
      /for template TrustedUserProvisioningTemplate: you are not in the installers group/,
    );
    expect((await failure(visitor.listTemplates())).kind).toBe('access-denied');
  });
});

describe('credentials and network', () => {
  it('maps credentials the sandbox does not know to "sign in again"', async () => {
    const client = createIotClient(env.sandbox.profile, () =>
      Promise.resolve({
        accessKeyId: 'ASIAUNKNOWN000000000',
        secretAccessKey: 'x'.repeat(40),
        sessionToken: 'y',
      }),
    );
    try {
      const error = await failure(new IotRegistryClient(client, newGovernor()).listTemplates());
      expect(error).toMatchObject({ awsName: 'UnrecognizedClientException', kind: 'expired-credentials' });
      expect(error.hint).toMatch(/sign in again/);
    } finally {
      client.destroy();
    }
  });

  it('maps an endpoint nobody listens on to a network failure', async () => {
    const port = await freePort();
    const profile = {
      ...env.sandbox.profile,
      iot: { ...env.sandbox.profile.iot, controlPlaneEndpoint: `http://127.0.0.1:${port}` },
    };
    const client = createIotClient(profile, () =>
      Promise.resolve({ accessKeyId: 'ASIAX', secretAccessKey: 'x', sessionToken: 'y' }),
    );
    try {
      const error = await failure(new IotRegistryClient(client, newGovernor()).listTemplates());
      expect(error).toMatchObject({ kind: 'network', httpStatus: undefined, awsName: 'ECONNREFUSED' });
      expect(error.message).toMatch(/^Listing provisioning templates failed \(ECONNREFUSED: /);
    } finally {
      client.destroy();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
