import { DetachThingPrincipalCommand, ListThingPrincipalsCommand, type IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkError, signedFetch, startFixture, type Fixture } from './control-plane-fixture.js';

/** DetachThingPrincipal: `DELETE /things/{thingName}/principals` with the principal in `x-amzn-principal`. */

let fixture: Fixture;
let admin: IoTClient;
let certificateArn: string;

beforeAll(async () => {
  fixture = await startFixture();
  admin = fixture.client('admin');
  const device = await fixture.ca.issueDeviceCertificate();
  fixture.registry.addCertificate({
    certificateId: device.certificateId,
    certificatePem: device.certificatePem,
    status: 'ACTIVE',
  });
  certificateArn = fixture.registry.certificateArn(device.certificateId);
  fixture.registry.putThing({ thingName: 'dev_detach' });
  fixture.registry.attachThingPrincipal('dev_detach', certificateArn);
});
afterAll(async () => {
  await fixture.close();
});

describe('DetachThingPrincipal', () => {
  it('detaches the certificate; detaching it again succeeds and changes nothing', async () => {
    await admin.send(new DetachThingPrincipalCommand({ thingName: 'dev_detach', principal: certificateArn }));
    const { principals } = await admin.send(new ListThingPrincipalsCommand({ thingName: 'dev_detach' }));
    expect(principals).toEqual([]);
    await expect(
      admin.send(new DetachThingPrincipalCommand({ thingName: 'dev_detach', principal: certificateArn })),
    ).resolves.toBeDefined();
    expect(fixture.log.at(-1)).toMatchObject({
      operation: 'DetachThingPrincipal',
      method: 'DELETE',
      status: 200,
    });
  });

  it('answers 404 for an unknown thing and 400 without the x-amzn-principal header', async () => {
    const missing = await sdkError(
      admin.send(new DetachThingPrincipalCommand({ thingName: 'nobody', principal: certificateArn })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('Thing nobody cannot be found.');
    const response = await signedFetch(fixture.running.url, fixture.issue('admin'), {
      method: 'DELETE',
      path: '/things/dev_detach/principals',
    });
    expect(response.status).toBe(400);
    expect(response.errorType).toBe('InvalidRequestException');
    expect(JSON.stringify(response.body)).toContain("at 'principal' failed to satisfy constraint");
  });

  it('is authorized on the certificate, not the thing: a role with only List/Describe is refused', async () => {
    fixture.registry.attachThingPrincipal('dev_detach', certificateArn);
    const error = await sdkError(
      fixture
        .client('installer')
        .send(new DetachThingPrincipalCommand({ thingName: 'dev_detach', principal: certificateArn })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`to perform: iot:DetachThingPrincipal on resource: ${certificateArn}`);
    expect(fixture.registry.listThingPrincipals('dev_detach')).toEqual([certificateArn]);
  });
});
