import {
  CreatePolicyCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  ListCertificatesCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  UpdateCertificateCommand,
  paginateListThings,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import {
  accountId,
  region,
  sdkError,
  signedFetch,
  startFixture,
  type Fixture,
} from './control-plane-fixture.js';

/** The registry reads the station verifies with, plus policies and the data endpoint, through the SDK. */

// Near real time: the SDK signs with the real clock and the control plane allows 5 minutes of skew.
const clock = new ManualClock(Date.now());
let fixture: Fixture;
let installer: IoTClient;
let admin: IoTClient;
let deviceCertificateId: string;
let deviceCertificatePem: string;

beforeAll(async () => {
  fixture = await startFixture({ clock, dataEndpointHost: 'localhost' });
  installer = fixture.client('installer');
  admin = fixture.client('admin');
  // What a RegisterThing leaves behind: a device certificate, its thing, the link between them.
  const device = await fixture.ca.issueDeviceCertificate();
  deviceCertificateId = device.certificateId;
  deviceCertificatePem = device.certificatePem;
  fixture.registry.addCertificate({
    certificateId: device.certificateId,
    certificatePem: device.certificatePem,
    status: 'PENDING_ACTIVATION',
  });
  const certificateArn = fixture.registry.certificateArn(device.certificateId);
  fixture.registry.applyProvisioning([
    {
      kind: 'putThing',
      thing: {
        thingName: 'dev_0001',
        attributes: { serial: 'SN-0001', site: 'Bench A' },
        thingTypeName: 'Sensor',
      },
    },
    { kind: 'setCertificateStatus', certificateId: device.certificateId, status: 'ACTIVE' },
    { kind: 'attachThingPrincipal', thingName: 'dev_0001', principalArn: certificateArn },
  ]);
  for (let n = 2; n <= 7; n++) {
    fixture.registry.putThing({ thingName: `dev_000${n}`, attributes: { serial: `SN-000${n}` } });
  }
  fixture.registry.putThing({ thingName: 'gateway_1', attributes: { serial: 'GW-1' } });
});
afterAll(async () => {
  await fixture.close();
});

describe('DescribeThing / ListThings / ListThingPrincipals', () => {
  it('describes a thing as AWS does', async () => {
    const thing = await installer.send(new DescribeThingCommand({ thingName: 'dev_0001' }));
    expect(thing).toMatchObject({
      defaultClientId: 'dev_0001',
      thingName: 'dev_0001',
      thingArn: `arn:aws:iot:${region}:${accountId}:thing/dev_0001`,
      thingTypeName: 'Sensor',
      attributes: { serial: 'SN-0001', site: 'Bench A' },
      version: 1,
    });
    expect(thing.thingId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 for an unknown thing and 400 for an impossible name', async () => {
    const missing = await sdkError(installer.send(new DescribeThingCommand({ thingName: 'dev_9999' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('Thing dev_9999 cannot be found.');
    const invalid = await sdkError(installer.send(new DescribeThingCommand({ thingName: 'dev 1' })));
    expect(invalid.name).toBe('InvalidRequestException');
  });

  it('lists things with attribute filters', async () => {
    const exact = await installer.send(
      new ListThingsCommand({ attributeName: 'serial', attributeValue: 'GW-1' }),
    );
    expect(exact.things?.map((t) => t.thingName)).toEqual(['gateway_1']);
    const prefix = await installer.send(
      new ListThingsCommand({
        attributeName: 'serial',
        attributeValue: 'SN-',
        usePrefixAttributeValue: true,
      }),
    );
    expect(prefix.things).toHaveLength(7);
    const typed = await installer.send(new ListThingsCommand({ thingTypeName: 'Sensor' }));
    expect(typed.things).toEqual([
      {
        thingName: 'dev_0001',
        thingTypeName: 'Sensor',
        thingArn: `arn:aws:iot:${region}:${accountId}:thing/dev_0001`,
        attributes: { serial: 'SN-0001', site: 'Bench A' },
        version: 1,
      },
    ]);
    const valueWithoutName = await sdkError(installer.send(new ListThingsCommand({ attributeValue: 'x' })));
    expect(valueWithoutName.name).toBe('InvalidRequestException');
  });

  it('pages through things with nextToken / maxResults (SDK paginator)', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListThings({ client: installer, pageSize: 3 }, {})) {
      pages.push((page.things ?? []).map((t) => t.thingName ?? ''));
    }
    expect(pages).toEqual([
      ['dev_0001', 'dev_0002', 'dev_0003'],
      ['dev_0004', 'dev_0005', 'dev_0006'],
      ['dev_0007', 'gateway_1'],
    ]);
    const tooMany = await sdkError(installer.send(new ListThingsCommand({ maxResults: 251 })));
    expect(tooMany.message).toMatch(/value less than or equal to 250/);
  });

  it('lists the certificate attached to a thing', async () => {
    const principals = await installer.send(new ListThingPrincipalsCommand({ thingName: 'dev_0001' }));
    expect(principals.principals).toEqual([`arn:aws:iot:${region}:${accountId}:cert/${deviceCertificateId}`]);
    const none = await installer.send(new ListThingPrincipalsCommand({ thingName: 'dev_0002' }));
    expect(none.principals).toEqual([]);
    const missing = await sdkError(installer.send(new ListThingPrincipalsCommand({ thingName: 'nobody' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});

describe('DescribeCertificate / UpdateCertificate / ListCertificates', () => {
  it('describes a device certificate with its PEM, status and validity', async () => {
    const { certificateDescription } = await installer.send(
      new DescribeCertificateCommand({ certificateId: deviceCertificateId }),
    );
    expect(certificateDescription).toMatchObject({
      certificateArn: `arn:aws:iot:${region}:${accountId}:cert/${deviceCertificateId}`,
      certificateId: deviceCertificateId,
      status: 'ACTIVE',
      certificatePem: deviceCertificatePem,
      ownedBy: accountId,
      certificateMode: 'DEFAULT',
    });
    expect(certificateDescription?.validity?.notAfter?.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(certificateDescription?.creationDate?.getTime()).toBe(clock.now());
  });

  it('moves a certificate to INACTIVE and back, and keeps a revoked one revoked', async () => {
    clock.advance(1000);
    await admin.send(
      new UpdateCertificateCommand({ certificateId: deviceCertificateId, newStatus: 'INACTIVE' }),
    );
    const described = await installer.send(
      new DescribeCertificateCommand({ certificateId: deviceCertificateId }),
    );
    expect(described.certificateDescription?.status).toBe('INACTIVE');
    expect(described.certificateDescription?.lastModifiedDate?.getTime()).toBe(clock.now());
    await admin.send(
      new UpdateCertificateCommand({ certificateId: deviceCertificateId, newStatus: 'ACTIVE' }),
    );

    const other = await fixture.ca.issueDeviceCertificate();
    fixture.registry.addCertificate({
      certificateId: other.certificateId,
      certificatePem: other.certificatePem,
      status: 'ACTIVE',
    });
    await admin.send(
      new UpdateCertificateCommand({ certificateId: other.certificateId, newStatus: 'REVOKED' }),
    );
    const revoked = await sdkError(
      admin.send(new UpdateCertificateCommand({ certificateId: other.certificateId, newStatus: 'ACTIVE' })),
    );
    expect(revoked.name).toBe('CertificateStateException');
    expect(revoked.$metadata.httpStatusCode).toBe(406);
  });

  it('refuses statuses only the service sets, unknown certificates and malformed ids', async () => {
    const pending = await sdkError(
      admin.send(
        new UpdateCertificateCommand({ certificateId: deviceCertificateId, newStatus: 'PENDING_ACTIVATION' }),
      ),
    );
    expect(pending.name).toBe('InvalidRequestException');
    expect(pending.message).toMatch(/enum value set/);
    const unknown = await sdkError(
      installer.send(new DescribeCertificateCommand({ certificateId: 'ab'.repeat(32) })),
    );
    expect(unknown.name).toBe('ResourceNotFoundException');
    const malformed = await sdkError(
      installer.send(new DescribeCertificateCommand({ certificateId: 'xyz' })),
    );
    expect(malformed.name).toBe('InvalidRequestException');
  });

  it('lists account certificates, newest first by default', async () => {
    const listed = await installer.send(new ListCertificatesCommand({}));
    const ids = listed.certificates?.map((c) => c.certificateId) ?? [];
    expect(ids).toHaveLength(2);
    expect(ids.at(-1)).toBe(deviceCertificateId);
    const ascending = await installer.send(
      new ListCertificatesCommand({ ascendingOrder: true, pageSize: 1 }),
    );
    expect(ascending.certificates?.map((c) => c.certificateId)).toEqual([deviceCertificateId]);
    const next = await installer.send(
      new ListCertificatesCommand({ ascendingOrder: true, pageSize: 1, marker: ascending.nextMarker }),
    );
    expect(next.certificates?.map((c) => c.certificateId)).toEqual([ids[0]]);
    expect(next.nextMarker).toBeUndefined();
  });
});

describe('CreatePolicy / GetPolicy', () => {
  const document = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `arn:aws:iot:${region}:${accountId}:client/\${iot:Connection.Thing.ThingName}`,
      },
    ],
  });

  it('creates a policy and reads it back', async () => {
    const created = await admin.send(
      new CreatePolicyCommand({ policyName: 'DevicePolicy', policyDocument: document }),
    );
    expect(created).toMatchObject({
      policyName: 'DevicePolicy',
      policyArn: `arn:aws:iot:${region}:${accountId}:policy/DevicePolicy`,
      policyDocument: document,
      policyVersionId: '1',
    });
    const read = await admin.send(new GetPolicyCommand({ policyName: 'DevicePolicy' }));
    expect(JSON.parse(read.policyDocument ?? '')).toEqual(JSON.parse(document));
    expect(read.defaultVersionId).toBe('1');
  });

  it('refuses duplicates, malformed documents and unknown names', async () => {
    const duplicate = await sdkError(
      admin.send(new CreatePolicyCommand({ policyName: 'DevicePolicy', policyDocument: document })),
    );
    expect(duplicate.name).toBe('ResourceAlreadyExistsException');
    const notJson = await sdkError(
      admin.send(new CreatePolicyCommand({ policyName: 'Broken', policyDocument: '{' })),
    );
    expect(notJson.name).toBe('MalformedPolicyException');
    const noStatement = await sdkError(
      admin.send(new CreatePolicyCommand({ policyName: 'Empty', policyDocument: '{}' })),
    );
    expect(noStatement.name).toBe('MalformedPolicyException');
    const missing = await sdkError(admin.send(new GetPolicyCommand({ policyName: 'Nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});

describe('DescribeEndpoint and unknown routes', () => {
  it('returns the broker host (no port, as AWS) for iot:Data-ATS and refuses other endpoint types', async () => {
    const ats = await installer.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    expect(ats.endpointAddress).toBe('localhost');
    const legacy = await sdkError(installer.send(new DescribeEndpointCommand({ endpointType: 'iot:Data' })));
    expect(legacy.name).toBe('InvalidRequestException');
    const unspecified = await sdkError(installer.send(new DescribeEndpointCommand({})));
    expect(unspecified.message).toMatch(/iot:Data-ATS/);
  });

  it('answers a signed request to an unknown route with 404 UnknownOperationException', async () => {
    const response = await signedFetch(fixture.running.url, fixture.issue('installer'), {
      method: 'GET',
      path: '/jobs',
    });
    expect(response.status).toBe(404);
    expect(response.errorType).toBe('UnknownOperationException');
    expect(response.body).toEqual({ message: 'No operation matches GET /jobs.' });
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await signedFetch(fixture.running.url, fixture.issue('admin'), {
      method: 'POST',
      path: '/policies/Whatever',
      body: '{"policyDocument":',
    });
    expect(response.status).toBe(400);
    expect(response.errorType).toBe('SerializationException');
  });
});
