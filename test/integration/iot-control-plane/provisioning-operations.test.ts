import {
  CreateProvisioningClaimCommand,
  CreateProvisioningTemplateCommand,
  DescribeCertificateCommand,
  DescribeProvisioningTemplateCommand,
  ListCertificatesCommand,
  ListProvisioningTemplatesCommand,
  ResourceAlreadyExistsException,
  UpdateProvisioningTemplateCommand,
  paginateListProvisioningTemplates,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import {
  minimalTemplateBody,
  provisioningRoleArn,
  region,
  accountId,
  scratchDir,
  sdkError,
  signedFetch,
  startFixture,
  templateArn,
  templateName,
  type Fixture,
} from './control-plane-fixture.js';

const start = Math.floor(Date.now() / 1000) * 1000 + 250;
const clock = new ManualClock(start);
let fixture: Fixture;
let admin: IoTClient;
let installer: IoTClient;

beforeAll(async () => {
  fixture = await startFixture({ clock });
  admin = fixture.client('admin');
  installer = fixture.client('installer');
});
afterAll(async () => {
  await fixture.close();
});

const create = (
  overrides: Partial<ConstructorParameters<typeof CreateProvisioningTemplateCommand>[0]> = {},
) =>
  new CreateProvisioningTemplateCommand({
    templateName,
    templateBody: minimalTemplateBody,
    provisioningRoleArn,
    enabled: true,
    ...overrides,
  });

describe('CreateProvisioningTemplate / Describe / List / Update', () => {
  it('creates a template and describes it back', async () => {
    const created = await admin.send(create({ description: 'Bench devices' }));
    expect(created).toMatchObject({ templateArn, templateName, defaultVersionId: 1 });
    const described = await installer.send(new DescribeProvisioningTemplateCommand({ templateName }));
    expect(described).toMatchObject({
      templateArn,
      templateName,
      description: 'Bench devices',
      templateBody: minimalTemplateBody,
      enabled: true,
      provisioningRoleArn,
      type: 'FLEET_PROVISIONING',
      defaultVersionId: 1,
    });
    expect(described.creationDate?.getTime()).toBe(start);
  });

  it('refuses a second template of the same name with 409 and the existing ARN', async () => {
    const error = await sdkError(admin.send(create()));
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect((error as ResourceAlreadyExistsException).resourceArn).toBe(templateArn);
  });

  it.each([
    ['a name with a space', { templateName: 'bad name' }, /regular expression pattern: \[0-9A-Za-z_-\]\+/],
    ['a 37-character name', { templateName: 'x'.repeat(37) }, /length less than or equal to 36/],
    ['a body over 10240 characters', { templateName: 'Big', templateBody: 'x'.repeat(10241) }, /10240/],
    ['a body that is not JSON', { templateName: 'NotJson', templateBody: '{"Resources":' }, /not valid JSON/],
    [
      'a body with an unknown resource type',
      { templateName: 'BadType', templateBody: '{"Resources":{"x":{"Type":"AWS::S3::Bucket"}}}' },
      /invalid/,
    ],
    [
      'a short role ARN',
      { templateName: 'ShortRole', provisioningRoleArn: 'arn:aws:iam::1:r' },
      /length greater than or equal to 20/,
    ],
    [
      'a hook payload version other than 2020-04-01',
      {
        templateName: 'Hooked',
        preProvisioningHook: {
          targetArn: `arn:aws:lambda:${region}:${accountId}:function:hook`,
          payloadVersion: '2021-01-01',
        },
      },
      /payloadVersion/,
    ],
  ])('refuses %s with InvalidRequestException', async (_label, overrides, message) => {
    const error = await sdkError(admin.send(create(overrides)));
    expect(error.name).toBe('InvalidRequestException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('updates enabled and description, and answers 404 for an unknown template', async () => {
    clock.advance(2000);
    await admin.send(
      new UpdateProvisioningTemplateCommand({ templateName, enabled: false, description: 'paused' }),
    );
    const described = await installer.send(new DescribeProvisioningTemplateCommand({ templateName }));
    expect(described).toMatchObject({ enabled: false, description: 'paused' });
    expect(described.lastModifiedDate?.getTime()).toBe(start + 2000);
    await admin.send(new UpdateProvisioningTemplateCommand({ templateName, enabled: true }));
    const missing = await sdkError(
      admin.send(new UpdateProvisioningTemplateCommand({ templateName: 'Nope', enabled: true })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const notDescribed = await sdkError(
      installer.send(new DescribeProvisioningTemplateCommand({ templateName: 'Nope' })),
    );
    expect(notDescribed.name).toBe('ResourceNotFoundException');
  });

  it('lists templates page by page with the SDK paginator', async () => {
    for (const name of ['Extra1', 'Extra2', 'Extra3', 'Extra4']) {
      fixture.registry.createTemplate({
        templateName: name,
        templateBody: minimalTemplateBody,
        provisioningRoleArn,
      });
    }
    const pages: string[][] = [];
    for await (const page of paginateListProvisioningTemplates({ client: installer, pageSize: 2 }, {})) {
      pages.push((page.templates ?? []).map((t) => t.templateName ?? ''));
    }
    expect(pages).toEqual([['Extra1', 'Extra2'], ['Extra3', 'Extra4'], [templateName]]);
    const bad = await sdkError(installer.send(new ListProvisioningTemplatesCommand({ maxResults: 0 })));
    expect(bad.name).toBe('InvalidRequestException');
    const badToken = await sdkError(
      installer.send(new ListProvisioningTemplatesCommand({ nextToken: 'forged' })),
    );
    expect(badToken.name).toBe('InvalidRequestException');
  });
});

describe('CreateProvisioningClaim', () => {
  beforeAll(() => {
    // Independent of the template tests above, so this block also runs on its own (-t).
    if (!fixture.registry.getTemplate(templateName)) {
      fixture.registry.createTemplate({
        templateName,
        templateBody: minimalTemplateBody,
        provisioningRoleArn,
        enabled: true,
      });
    }
  });

  it('issues a claim certificate valid 300 s, with a key pair that belongs to it', async () => {
    const claim = await installer.send(new CreateProvisioningClaimCommand({ templateName }));
    const certificate = new X509Certificate(claim.certificatePem ?? '');
    expect(claim.certificateId).toBe(createHash('sha256').update(certificate.raw).digest('hex'));
    expect(claim.expiration?.getTime()).toBe((Math.floor(clock.now() / 1000) + 300) * 1000);
    expect(certificate.validToDate.getTime()).toBe(claim.expiration?.getTime());
    expect(certificate.verify(new X509Certificate(fixture.ca.caCertificatePem).publicKey)).toBe(true);
    expect(claim.keyPair?.PrivateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(certificate.checkPrivateKey(createPrivateKey(claim.keyPair?.PrivateKey ?? ''))).toBe(true);
    expect(createPublicKey(claim.keyPair?.PublicKey ?? '').export({ type: 'spki', format: 'der' })).toEqual(
      certificate.publicKey.export({ type: 'spki', format: 'der' }),
    );
    // The request log records the call, never the key.
    const logged = JSON.stringify(fixture.log);
    expect(logged).toContain('CreateProvisioningClaim');
    expect(logged).not.toContain('PRIVATE KEY');
    expect(fixture.registry.getClaim(claim.certificateId ?? '')).toEqual({
      certificateId: claim.certificateId,
      templateName,
      expiration: claim.expiration?.getTime(),
    });
  });

  it('sends keyPair members in PascalCase on the wire', async () => {
    const raw = await fetchClaimJson();
    expect(Object.keys(raw.keyPair)).toEqual(['PublicKey', 'PrivateKey']);
    expect(typeof raw.expiration).toBe('number');
  });

  it('keeps claims out of the account certificates', async () => {
    const claim = await installer.send(new CreateProvisioningClaimCommand({ templateName }));
    const listed = await installer.send(new ListCertificatesCommand({}));
    expect(listed.certificates?.map((c) => c.certificateId)).not.toContain(claim.certificateId);
    const described = await sdkError(
      installer.send(new DescribeCertificateCommand({ certificateId: claim.certificateId })),
    );
    expect(described.name).toBe('ResourceNotFoundException');
  });

  it('answers 404 for a template that does not exist', async () => {
    // The admin may claim on any template, so the answer is about existence, not permission.
    const error = await sdkError(
      fixture.client('admin').send(new CreateProvisioningClaimCommand({ templateName: 'Missing' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('uses the configured claim lifetime', async () => {
    const short = await startFixture({ clock, claimValiditySeconds: 60 });
    try {
      short.registry.createTemplate({
        templateName,
        templateBody: minimalTemplateBody,
        provisioningRoleArn,
        enabled: true,
      });
      const claim = await short
        .client('installer')
        .send(new CreateProvisioningClaimCommand({ templateName }));
      expect(claim.expiration?.getTime()).toBe((Math.floor(clock.now() / 1000) + 60) * 1000);
    } finally {
      await short.close();
    }
  });
});

describe('persistence', () => {
  it('keeps templates and claims across a restart with the same state path', async () => {
    const dir = scratchDir();
    try {
      const statePath = join(dir.path, 'iot-registry.json');
      const first = await startFixture({ clock, statePath });
      await first.client('admin').send(create());
      const claim = await first
        .client('installer')
        .send(new CreateProvisioningClaimCommand({ templateName }));
      await first.close();

      const second = await startFixture({ clock, statePath });
      try {
        const described = await second
          .client('installer')
          .send(new DescribeProvisioningTemplateCommand({ templateName }));
        expect(described.templateBody).toBe(minimalTemplateBody);
        expect(second.registry.getClaim(claim.certificateId ?? '')?.templateName).toBe(templateName);
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});

/** The raw JSON of a CreateProvisioningClaim response (signed with the SDK signer), to see the wire casing. */
async function fetchClaimJson(): Promise<{ keyPair: Record<string, string>; expiration: unknown }> {
  const response = await signedFetch(fixture.running.url, fixture.issue('installer'), {
    method: 'POST',
    path: `/provisioning-templates/${templateName}/provisioning-claim`,
  });
  expect(response.status).toBe(200);
  return response.body as { keyPair: Record<string, string>; expiration: unknown };
}
