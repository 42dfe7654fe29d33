import {
  CreateProvisioningClaimCommand,
  CreateProvisioningTemplateCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  ListThingsCommand,
  type IoTClientConfig,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import {
  accountId,
  minimalTemplateBody,
  provisioningRoleArn,
  region,
  sdkError,
  startFixture,
  templateArn,
  templateName,
  type Fixture,
} from './control-plane-fixture.js';

describe('authorization by the caller role policies', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
    await fixture.client('admin').send(
      new CreateProvisioningTemplateCommand({
        templateName,
        templateBody: minimalTemplateBody,
        provisioningRoleArn,
        enabled: true,
      }),
    );
    fixture.registry.createTemplate({
      templateName: 'OtherTemplate',
      templateBody: minimalTemplateBody,
      provisioningRoleArn,
    });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('lets the installer claim on its template and read the registry', async () => {
    const installer = fixture.client('installer');
    const claim = await installer.send(new CreateProvisioningClaimCommand({ templateName }));
    expect(claim.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect((await installer.send(new ListThingsCommand({}))).things).toEqual([]);
  });

  it('denies the installer a claim on another template, naming the assumed role and the resource', async () => {
    const error = await sdkError(
      fixture.client('installer').send(new CreateProvisioningClaimCommand({ templateName: 'OtherTemplate' })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: arn:aws:sts::${accountId}:assumed-role/StationInstaller/CognitoIdentityCredentials is not authorized ` +
        `to perform: iot:CreateProvisioningClaim on resource: arn:aws:iot:${region}:${accountId}:provisioningtemplate/OtherTemplate ` +
        'because no identity-based policy allows the iot:CreateProvisioningClaim action',
    );
  });

  it('denies actions the installer has no statement for (implicit deny)', async () => {
    const error = await sdkError(
      fixture.client('installer').send(
        new CreateProvisioningTemplateCommand({
          templateName: 'Sneaky',
          templateBody: '{}',
          provisioningRoleArn,
        }),
      ),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(fixture.registry.getTemplate('Sneaky')).toBeUndefined();
  });

  it('lets an explicit Deny win over the viewer role iot:* Allow', async () => {
    const viewer = fixture.client('viewer');
    const error = await sdkError(viewer.send(new CreateProvisioningClaimCommand({ templateName })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`on resource: ${templateArn} with an explicit deny`);
    // ... while its other permissions still work.
    const missing = await sdkError(viewer.send(new DescribeThingCommand({ thingName: 'nobody' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('denies credentials whose role the control plane does not know', async () => {
    const stranger = fixture.credentialStore.issue({
      roleArn: `arn:aws:iam::${accountId}:role/Unknown`,
      identityId: `${region}:stranger`,
      lifetimeSeconds: 600,
    });
    const error = await sdkError(fixture.client(stranger).send(new ListThingsCommand({})));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('assumed-role/Unknown/');
  });
});

describe('throttling', () => {
  const clock = new ManualClock(Date.now());
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({
      clock,
      throttle: { defaultTps: 100, operations: { DescribeEndpoint: 2 } },
    });
  });
  afterAll(async () => {
    await fixture.close();
  });
  const call = () => new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' });

  it('answers requests over the rate with 400 ThrottlingException "Rate exceeded", per operation', async () => {
    const client = fixture.client('installer');
    await client.send(call());
    await client.send(call());
    const error = await sdkError(client.send(call()));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata.httpStatusCode).toBe(400);
    // Other operations have their own bucket.
    await client.send(new ListThingsCommand({}));
    clock.advance(1000);
    await client.send(call());
  });

  it('is classified by the SDK as throttling and retried', async () => {
    clock.advance(1000);
    const errorTypes: string[] = [];
    // A retry strategy that records the SDK's classification and lets time pass before retrying.
    const retryStrategy: IoTClientConfig['retryStrategy'] = {
      acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
      refreshRetryTokenForRetry: async (token, info) => {
        errorTypes.push(info.errorType);
        if (errorTypes.length > 3) throw new Error('too many retries');
        clock.advance(500);
        return { getRetryCount: () => token.getRetryCount() + 1, getRetryDelay: () => 0 };
      },
      recordSuccess: () => undefined,
    };
    const issued = fixture.issue('installer');
    const client = fixture.client(issued);
    await client.send(call());
    await client.send(call());
    const retrying = fixture.client(issued, { retryStrategy });
    const output = await retrying.send(call());
    expect(errorTypes).toEqual(['THROTTLING']);
    expect(output.$metadata.attempts).toBe(2);
  });

  it('is retried by the SDK default strategy too (the clock stands still, so the retry is throttled again)', async () => {
    clock.advance(1000);
    const issued = fixture.issue('installer');
    await fixture.client(issued).send(call());
    await fixture.client(issued).send(call());
    const error = await sdkError(fixture.client(issued, { maxAttempts: 2 }).send(call()));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.attempts).toBe(2);
  });
});
