import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ManualClock } from '../../../sandbox/clock.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';
import { IotBroker, type IotBrokerOptions } from '../../../sandbox/iot/broker/iot-broker.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';

/** A running sandbox broker with a registry, a CA, a device template and a device policy. */

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const TEMPLATE = 'BenchTemplate';
export const DEVICE_POLICY = 'BenchDevicePolicy';
const arn = (resource: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:${resource}`;

export const deviceTemplateBody = {
  Parameters: { SerialNumber: { Type: 'String' }, 'AWS::IoT::Certificate::Id': { Type: 'String' } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { 'Fn::Join': ['', ['bench-', { Ref: 'SerialNumber' }]] },
        AttributePayload: { serial: { Ref: 'SerialNumber' } },
      },
      OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'Active' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: DEVICE_POLICY } },
  },
  DeviceConfiguration: { FallbackUrl: 'https://example.com/fallback' },
};

/** The device policy most fleets use: a device may only touch its own thing's topics. */
export const devicePolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow' as const,
      Action: 'iot:Connect',
      Resource: arn('client/${iot:Connection.Thing.ThingName}'),
    },
    {
      Effect: 'Allow' as const,
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: arn('topic/devices/${iot:Connection.Thing.ThingName}/*'),
    },
    {
      Effect: 'Allow' as const,
      Action: 'iot:Subscribe',
      Resource: arn('topicfilter/devices/${iot:Connection.Thing.ThingName}/*'),
    },
  ],
};

export interface Sandbox {
  clock: ManualClock;
  registry: IotRegistry;
  ca: CertificateAuthority;
  broker: IotBroker;
  url: string;
  port: number;
  logs: string[];
  makeClaim(templateName?: string, validForSeconds?: number): Promise<DeviceCredentials>;
  stop(): Promise<void>;
}

export interface DeviceCredentials {
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
}

let sharedCa: Promise<CertificateAuthority> | undefined;

export async function startSandbox(
  overrides: Partial<IotBrokerOptions> = {},
  templateBody: unknown = deviceTemplateBody,
): Promise<Sandbox> {
  const clock = new ManualClock(Date.now());
  const registry = new IotRegistry({ region: REGION, accountId: ACCOUNT, clock });
  // One CA per test file: RSA root generation is the slow part; the clock it holds is only for validity dates.
  sharedCa ??= CertificateAuthority.create({ clock: { now: () => Date.now() } });
  const ca = await sharedCa;
  registry.createTemplate({
    templateName: TEMPLATE,
    templateBody: JSON.stringify(templateBody),
    provisioningRoleArn: `arn:aws:iam::${ACCOUNT}:role/ProvisioningRole`,
    enabled: true,
  });
  registry.createPolicy(DEVICE_POLICY, devicePolicyDocument);
  const logs: string[] = [];
  const broker = new IotBroker({
    registry,
    ca,
    clock,
    subackDelayMs: 20,
    log: (line) => logs.push(line),
    ...overrides,
  });
  const { host, port } = await broker.start();
  return {
    clock,
    registry,
    ca,
    broker,
    url: `mqtts://${host}:${port}`,
    port,
    logs,
    async makeClaim(templateName = TEMPLATE, validForSeconds = 300) {
      const claim = await ca.issueClaimCertificate({ validForSeconds });
      registry.recordClaim({
        certificateId: claim.certificateId,
        templateName,
        expiration: clock.now() + validForSeconds * 1000,
      });
      return {
        certificateId: claim.certificateId,
        certificatePem: claim.certificatePem,
        privateKeyPem: claim.privateKeyPem,
      };
    },
    stop: () => broker.stop(),
  };
}

export function connectMqtt(
  sandbox: Sandbox,
  credentials: { certificatePem: string; privateKeyPem: string },
  options: IClientOptions = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(sandbox.url, {
    key: credentials.privateKeyPem,
    cert: credentials.certificatePem,
    ca: sandbox.ca.caCertificatePem,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    protocolVersion: 4,
    ...options,
  });
}

/** Resolves with the first message on `topic`, or `undefined` after `ms`. */
export function nextMessage(client: MqttClient, topic: string, ms = 3000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      resolve(undefined);
    }, ms);
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes (the server hung up), or false after `ms`. */
export function closed(client: MqttClient, ms = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected && client.disconnected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function endQuietly(client: MqttClient | undefined): Promise<void> {
  if (!client) return;
  await client.endAsync(true).catch(() => undefined);
}
