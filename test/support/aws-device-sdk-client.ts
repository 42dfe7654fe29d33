import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { once } from 'node:events';
import { iot, iotidentity, mqtt, mqtt5 } from 'aws-iot-device-sdk-v2';

/**
 * A device as AWS's own device SDK (aws-iot-device-sdk-v2) makes one: connect with the claim over
 * MQTT 5 or MQTT 3.1.1, run Fleet Provisioning through the SDK's iotidentity client (keys or CSR
 * flow), reconnect with the permanent certificate. Only what a device is given is used: the broker's
 * host, port and CA. Tests that check each step call the step functions; the others call
 * provisionWithClaim.
 */

export interface DeviceEndpoint {
  host: string;
  port: number;
  caCertificatePem: string;
}

export interface DeviceCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

export type Protocol = 'mqtt5' | 'mqtt311';
export type Flow = 'keys' | 'csr';

/** One SDK connection, either protocol, reduced to what the tests use. */
export interface DeviceConnection {
  identity: iotidentity.IotIdentityClient;
  /** Publishes and waits for the broker to acknowledge (QoS 1). */
  publish(topic: string, payload: string): Promise<void>;
  subscribe(topic: string, onMessage: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** `host:port` from the profile's `iot.dataEndpoint`. */
export function parseDataEndpoint(dataEndpoint: string, caCertificatePem: string): DeviceEndpoint {
  const separator = dataEndpoint.lastIndexOf(':');
  return {
    host: dataEndpoint.slice(0, separator),
    port: Number(dataEndpoint.slice(separator + 1)),
    caCertificatePem,
  };
}

export async function connectDevice(
  protocol: Protocol,
  endpoint: DeviceEndpoint,
  credentials: DeviceCredentials,
  clientId: string,
): Promise<DeviceConnection> {
  return protocol === 'mqtt5'
    ? connectMqtt5(endpoint, credentials, clientId)
    : connectMqtt311(endpoint, credentials, clientId);
}

async function connectMqtt5(
  endpoint: DeviceEndpoint,
  credentials: DeviceCredentials,
  clientId: string,
): Promise<DeviceConnection> {
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
    endpoint.host,
    credentials.certificatePem,
    credentials.privateKeyPem,
  );
  builder.withCertificateAuthority(endpoint.caCertificatePem);
  builder.withPort(endpoint.port);
  builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 60 });
  const client = new mqtt5.Mqtt5Client(builder.build());
  const success = once(client, 'connectionSuccess');
  const failure = once(client, 'connectionFailure').then(([event]) => {
    throw new Error(`MQTT 5 connection failed: ${String((event as mqtt5.ConnectionFailureEvent).error)}`);
  });
  client.start();
  try {
    await Promise.race([success, failure]);
  } catch (error) {
    client.stop();
    client.close();
    throw error;
  }
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

async function connectMqtt311(
  endpoint: DeviceEndpoint,
  credentials: DeviceCredentials,
  clientId: string,
): Promise<DeviceConnection> {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(
    credentials.certificatePem,
    credentials.privateKeyPem,
  )
    .with_certificate_authority(endpoint.caCertificatePem)
    .with_endpoint(endpoint.host)
    .with_port(endpoint.port)
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

/**
 * Subscribes to an accepted/rejected pair (waiting for both SUBACKs), then publishes; resolves with
 * the answer or throws the rejection.
 */
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
    const timer = setTimeout(() => reject(new Error('no Fleet Provisioning answer within 10 s')), 10_000);
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

/** CreateKeysAndCertificate: the broker makes the key pair and certificate. */
export function createKeysAndCertificate(
  identity: iotidentity.IotIdentityClient,
): Promise<iotidentity.model.CreateKeysAndCertificateResponse> {
  return request<iotidentity.model.CreateKeysAndCertificateResponse>(
    (handler) => identity.subscribeToCreateKeysAndCertificateAccepted({}, mqtt.QoS.AtLeastOnce, handler),
    (handler) => identity.subscribeToCreateKeysAndCertificateRejected({}, mqtt.QoS.AtLeastOnce, handler),
    () => identity.publishCreateKeysAndCertificate({}, mqtt.QoS.AtLeastOnce),
  );
}

/** CreateCertificateFromCsr: the device keeps its key and sends only the CSR. */
export function createCertificateFromCsr(
  identity: iotidentity.IotIdentityClient,
  csrPem: string,
): Promise<iotidentity.model.CreateCertificateFromCsrResponse> {
  return request<iotidentity.model.CreateCertificateFromCsrResponse>(
    (handler) => identity.subscribeToCreateCertificateFromCsrAccepted({}, mqtt.QoS.AtLeastOnce, handler),
    (handler) => identity.subscribeToCreateCertificateFromCsrRejected({}, mqtt.QoS.AtLeastOnce, handler),
    () =>
      identity.publishCreateCertificateFromCsr({ certificateSigningRequest: csrPem }, mqtt.QoS.AtLeastOnce),
  );
}

/** RegisterThing with the ownership token of a certificate just created. */
export function registerThing(
  identity: iotidentity.IotIdentityClient,
  input: { templateName: string; certificateOwnershipToken: string; parameters: Record<string, string> },
): Promise<iotidentity.model.RegisterThingResponse> {
  const { templateName } = input;
  return request<iotidentity.model.RegisterThingResponse>(
    (handler) => identity.subscribeToRegisterThingAccepted({ templateName }, mqtt.QoS.AtLeastOnce, handler),
    (handler) => identity.subscribeToRegisterThingRejected({ templateName }, mqtt.QoS.AtLeastOnce, handler),
    () =>
      identity.publishRegisterThing(
        {
          templateName,
          certificateOwnershipToken: input.certificateOwnershipToken,
          parameters: input.parameters,
        },
        mqtt.QoS.AtLeastOnce,
      ),
  );
}

/** An ECDSA P-256 key and a CSR for it, as firmware with a secure element would make. */
export async function newCsr(commonName: string): Promise<{ csrPem: string; privateKeyPem: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: `CN=${commonName}`, keys, signingAlgorithm: algorithm },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    csrPem: csr.toString('pem'),
    privateKeyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
  };
}

export interface ProvisioningOutcome {
  thingName: string;
  certificateId: string;
  credentials: DeviceCredentials;
  deviceConfiguration: Record<string, unknown>;
}

/** The whole device side of Fleet Provisioning over one claim connection, then DISCONNECT. */
export async function provisionWithClaim(input: {
  protocol: Protocol;
  flow: Flow;
  endpoint: DeviceEndpoint;
  claim: DeviceCredentials;
  templateName: string;
  parameters: Record<string, string>;
  clientId: string;
}): Promise<ProvisioningOutcome> {
  const connection = await connectDevice(input.protocol, input.endpoint, input.claim, input.clientId);
  try {
    const { identity } = connection;
    let credentials: DeviceCredentials;
    let created: { certificateId?: string; certificateOwnershipToken?: string };
    if (input.flow === 'keys') {
      const response = await createKeysAndCertificate(identity);
      credentials = {
        certificatePem: response.certificatePem ?? '',
        privateKeyPem: response.privateKey ?? '',
      };
      created = response;
    } else {
      const { csrPem, privateKeyPem } = await newCsr(input.clientId);
      const response = await createCertificateFromCsr(identity, csrPem);
      credentials = { certificatePem: response.certificatePem ?? '', privateKeyPem };
      created = response;
    }
    const registered = await registerThing(identity, {
      templateName: input.templateName,
      certificateOwnershipToken: created.certificateOwnershipToken ?? '',
      parameters: input.parameters,
    });
    return {
      thingName: registered.thingName ?? '',
      certificateId: created.certificateId ?? '',
      credentials,
      deviceConfiguration: (registered.deviceConfiguration ?? {}) as Record<string, unknown>,
    };
  } finally {
    await connection.close();
  }
}
