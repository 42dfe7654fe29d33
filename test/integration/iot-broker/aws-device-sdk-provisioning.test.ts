import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { once } from 'node:events';
import { webcrypto } from 'node:crypto';
import { iot, iotidentity, mqtt, mqtt5 } from 'aws-iot-device-sdk-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_POLICY,
  TEMPLATE,
  connectMqtt,
  closed,
  endQuietly,
  nextMessage,
  startSandbox,
  type Sandbox,
} from './broker-fixture.js';

/**
 * AWS's own device SDK (aws-iot-device-sdk-v2, aws-crt) provisions against the sandbox broker over
 * MQTT 5 and MQTT 3.1.1, with both the keys flow and the CSR flow, then reconnects with its new
 * certificate. If the broker strays from AWS's wire behaviour, these clients notice.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

interface Credentials {
  certificatePem: string;
  privateKeyPem: string;
}

/** An SDK connection, whichever protocol, reduced to what the tests need. */
interface SdkConnection {
  identity: iotidentity.IotIdentityClient;
  /** Publishes and waits for the broker to acknowledge (QoS 1). */
  publish(topic: string, payload: string): Promise<void>;
  subscribe(topic: string, onMessage: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

async function connectMqtt5(credentials: Credentials, clientId: string): Promise<SdkConnection> {
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
    '127.0.0.1',
    credentials.certificatePem,
    credentials.privateKeyPem,
  );
  builder.withCertificateAuthority(sandbox.ca.caCertificatePem);
  builder.withPort(sandbox.port);
  builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 60 });
  const client = new mqtt5.Mqtt5Client(builder.build());
  const success = once(client, 'connectionSuccess');
  const failure = once(client, 'connectionFailure').then(([event]) => {
    throw new Error(`MQTT 5 connection failed: ${String((event as mqtt5.ConnectionFailureEvent).error)}`);
  });
  client.start();
  await Promise.race([success, failure]);
  return {
    identity: iotidentity.IotIdentityClient.newFromMqtt5Client(client),
    async publish(topic, payload) {
      await client.publish({ topicName: topic, payload, qos: mqtt5.QoS.AtLeastOnce });
    },
    async subscribe(topic, onMessage) {
      client.on('messageReceived', (event) => {
        if (event.message.topicName === topic && event.message.payload) {
          onMessage(Buffer.from(event.message.payload as ArrayBuffer).toString());
        }
      });
      await client.subscribe({ subscriptions: [{ topicFilter: topic, qos: mqtt5.QoS.AtLeastOnce }] });
    },
    async close() {
      const stopped = once(client, 'stopped');
      client.stop();
      await stopped;
      client.close();
    },
  };
}

async function connectMqtt311(credentials: Credentials, clientId: string): Promise<SdkConnection> {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(
    credentials.certificatePem,
    credentials.privateKeyPem,
  )
    .with_certificate_authority(sandbox.ca.caCertificatePem)
    .with_endpoint('127.0.0.1')
    .with_port(sandbox.port)
    .with_client_id(clientId)
    .with_clean_session(true)
    .build();
  const connection = new mqtt.MqttClient().new_connection(config);
  await connection.connect();
  return {
    identity: new iotidentity.IotIdentityClient(connection),
    async publish(topic, payload) {
      await connection.publish(topic, payload, mqtt.QoS.AtLeastOnce);
    },
    async subscribe(topic, onMessage) {
      await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_topic, payload) =>
        onMessage(Buffer.from(payload).toString()),
      );
    },
    async close() {
      await connection.disconnect();
    },
  };
}

/** Subscribes to an accepted/rejected pair, then publishes; resolves with the answer or throws the rejection. */
function request<T>(
  subscribeAccepted: (
    handler: (error?: iotidentity.IotIdentityError, response?: T) => void,
  ) => Promise<unknown>,
  subscribeRejected: (
    handler: (error?: iotidentity.IotIdentityError, response?: iotidentity.model.ErrorResponse) => void,
  ) => Promise<unknown>,
  publish: () => Promise<unknown>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
    void (async () => {
      await subscribeAccepted((error, response) => {
        clearTimeout(timer);
        if (error || !response) reject(error ?? new Error('empty accepted response'));
        else resolve(response);
      });
      await subscribeRejected((error, response) => {
        clearTimeout(timer);
        reject(error ?? new Error(`rejected: ${JSON.stringify(response)}`));
      });
      await publish();
    })().catch(reject);
  });
}

async function newCsr(): Promise<{ csrPem: string; privateKeyPem: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: 'CN=bench-device', keys, signingAlgorithm: algorithm },
    webcrypto,
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { csrPem: csr.toString('pem'), privateKeyPem };
}

const connectors = { 'MQTT 5': connectMqtt5, 'MQTT 3.1.1': connectMqtt311 } as const;
const flows = ['keys', 'csr'] as const;

describe.each(Object.entries(connectors))('aws-iot-device-sdk-v2 over %s', (_protocol, connect) => {
  it.each(flows)('provisions with the %s flow and reconnects with the new certificate', async (flow) => {
    const serial = `${_protocol.replace(/\W/g, '')}${flow}${Date.now() % 100000}`;
    const claim = await sandbox.makeClaim();
    const claimConnection = await connect(claim, `claim-${serial}`);
    let credentials: Credentials;
    let ownershipToken: string;
    let certificateId: string;
    const { identity } = claimConnection;
    if (flow === 'keys') {
      const created = await request<iotidentity.model.CreateKeysAndCertificateResponse>(
        (handler) => identity.subscribeToCreateKeysAndCertificateAccepted({}, mqtt.QoS.AtLeastOnce, handler),
        (handler) => identity.subscribeToCreateKeysAndCertificateRejected({}, mqtt.QoS.AtLeastOnce, handler),
        () => identity.publishCreateKeysAndCertificate({}, mqtt.QoS.AtLeastOnce),
      );
      expect(created.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      credentials = { certificatePem: created.certificatePem ?? '', privateKeyPem: created.privateKey ?? '' };
      ownershipToken = created.certificateOwnershipToken ?? '';
      certificateId = created.certificateId ?? '';
    } else {
      const { csrPem, privateKeyPem } = await newCsr();
      const created = await request<iotidentity.model.CreateCertificateFromCsrResponse>(
        (handler) => identity.subscribeToCreateCertificateFromCsrAccepted({}, mqtt.QoS.AtLeastOnce, handler),
        (handler) => identity.subscribeToCreateCertificateFromCsrRejected({}, mqtt.QoS.AtLeastOnce, handler),
        () =>
          identity.publishCreateCertificateFromCsr(
            { certificateSigningRequest: csrPem },
            mqtt.QoS.AtLeastOnce,
          ),
      );
      expect(created).not.toHaveProperty('privateKey');
      credentials = { certificatePem: created.certificatePem ?? '', privateKeyPem };
      ownershipToken = created.certificateOwnershipToken ?? '';
      certificateId = created.certificateId ?? '';
    }
    expect(sandbox.registry.getCertificate(certificateId)?.status).toBe('PENDING_ACTIVATION');
    expect(ownershipToken.length).toBeGreaterThan(0);
    expect(ownershipToken.length).toBeLessThanOrEqual(500);

    const registered = await request<iotidentity.model.RegisterThingResponse>(
      (handler) =>
        identity.subscribeToRegisterThingAccepted({ templateName: TEMPLATE }, mqtt.QoS.AtLeastOnce, handler),
      (handler) =>
        identity.subscribeToRegisterThingRejected({ templateName: TEMPLATE }, mqtt.QoS.AtLeastOnce, handler),
      () =>
        identity.publishRegisterThing(
          {
            templateName: TEMPLATE,
            certificateOwnershipToken: ownershipToken,
            parameters: { SerialNumber: serial },
          },
          mqtt.QoS.AtLeastOnce,
        ),
    );
    const thingName = `bench-${serial}`;
    expect(registered).toEqual({
      deviceConfiguration: { FallbackUrl: 'https://example.com/fallback' },
      thingName,
    });
    await claimConnection.close();

    // The registry now shows what the station's verification step will look for.
    const certificate = sandbox.registry.getCertificate(certificateId);
    expect(certificate?.status).toBe('ACTIVE');
    expect(sandbox.registry.getThing(thingName)?.attributes).toEqual({ serial });
    expect(sandbox.registry.listThingPrincipals(thingName)).toEqual([certificate?.certificateArn]);
    expect(
      sandbox.registry.listAttachedPolicies(certificate?.certificateArn ?? '').map((p) => p.policyName),
    ).toEqual([DEVICE_POLICY]);

    // The device reconnects with its permanent certificate, client id = thing name, and uses its topic.
    const device = await connect(credentials, thingName);
    const received: string[] = [];
    const topic = `devices/${thingName}/telemetry`;
    await device.subscribe(topic, (payload) => received.push(payload));
    await device.publish(topic, 'hello from the device');
    await expect.poll(() => received).toEqual(['hello from the device']);
    await device.close();
  });
});

describe('permanent certificate rights (policy variables)', () => {
  it('may publish on its own ${iot:Connection.Thing.ThingName} topic but not on another thing’s', async () => {
    const claim = await sandbox.makeClaim();
    const provisioned: Credentials[] = [];
    for (const serial of ['own-a', 'own-b']) {
      const connection = await connectMqtt5(claim, `claim-${serial}`);
      const created = await request<iotidentity.model.CreateKeysAndCertificateResponse>(
        (handler) =>
          connection.identity.subscribeToCreateKeysAndCertificateAccepted({}, mqtt.QoS.AtLeastOnce, handler),
        (handler) =>
          connection.identity.subscribeToCreateKeysAndCertificateRejected({}, mqtt.QoS.AtLeastOnce, handler),
        () => connection.identity.publishCreateKeysAndCertificate({}, mqtt.QoS.AtLeastOnce),
      );
      await request<iotidentity.model.RegisterThingResponse>(
        (handler) =>
          connection.identity.subscribeToRegisterThingAccepted(
            { templateName: TEMPLATE },
            mqtt.QoS.AtLeastOnce,
            handler,
          ),
        (handler) =>
          connection.identity.subscribeToRegisterThingRejected(
            { templateName: TEMPLATE },
            mqtt.QoS.AtLeastOnce,
            handler,
          ),
        () =>
          connection.identity.publishRegisterThing(
            {
              templateName: TEMPLATE,
              certificateOwnershipToken: created.certificateOwnershipToken ?? '',
              parameters: { SerialNumber: serial },
            },
            mqtt.QoS.AtLeastOnce,
          ),
      );
      await connection.close();
      provisioned.push({
        certificatePem: created.certificatePem ?? '',
        privateKeyPem: created.privateKey ?? '',
      });
    }
    const [deviceA] = provisioned as [Credentials, Credentials];
    const client = await connectMqtt(sandbox, deviceA, { clientId: 'bench-own-a' });
    try {
      await client.subscribeAsync('devices/bench-own-a/#');
      const echo = nextMessage(client, 'devices/bench-own-a/state');
      await client.publishAsync('devices/bench-own-a/state', 'mine', { qos: 1 });
      expect((await echo)?.toString()).toBe('mine');
      const hungUp = closed(client);
      client.publish('devices/bench-own-b/state', 'not mine', { qos: 1 });
      expect(await hungUp).toBe(true);
    } finally {
      await endQuietly(client);
    }
    // Thing policy variables resolve only when the client id is the attached thing's name.
    const wrongId = connectMqtt(sandbox, deviceA, { clientId: 'not-the-thing-name', protocolVersion: 5 });
    await expect(wrongId).rejects.toThrow(/Not authorized/i);
  });
});
