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

export type Answer =
  { outcome: 'accepted' | 'rejected'; body: Record<string, unknown> } | { outcome: 'none'; body?: undefined };

/**
 * Publishes a Fleet Provisioning request and waits for its accepted/rejected answer, the way a
 * device should: subscribe to both response topics and wait for SUBACK first (unless told not to).
 */
export async function ask(
  client: MqttClient,
  requestTopic: string,
  payload: string | Buffer,
  options: {
    subscribeFirst?: boolean;
    format?: 'json' | 'cbor';
    waitMs?: number;
    decode?: (raw: Buffer) => unknown;
  } = {},
): Promise<Answer> {
  const accepted = `${requestTopic}/accepted`;
  const rejected = `${requestTopic}/rejected`;
  if (options.subscribeFirst !== false) await client.subscribeAsync([accepted, rejected], { qos: 1 });
  const decode = options.decode ?? ((raw: Buffer) => JSON.parse(raw.toString('utf8')) as unknown);
  const answer = new Promise<Answer>((resolve) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      resolve({ outcome: 'none' });
    }, options.waitMs ?? 3000);
    const onMessage = (topic: string, raw: Buffer) => {
      if (topic !== accepted && topic !== rejected) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({
        outcome: topic === accepted ? 'accepted' : 'rejected',
        body: decode(raw) as Record<string, unknown>,
      });
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(requestTopic, payload, { qos: 1 });
  return answer;
}

export const CREATE_KEYS_TOPIC = '$aws/certificates/create/json';
export const CREATE_FROM_CSR_TOPIC = '$aws/certificates/create-from-csr/json';
export const registerTopic = (templateName: string = TEMPLATE, format: 'json' | 'cbor' = 'json') =>
  `$aws/provisioning-templates/${templateName}/provision/${format}`;

/** CreateKeysAndCertificate over an open claim connection; throws unless accepted. */
export async function createKeys(client: MqttClient): Promise<{
  certificateId: string;
  certificatePem: string;
  privateKey: string;
  certificateOwnershipToken: string;
}> {
  const answer = await ask(client, CREATE_KEYS_TOPIC, '');
  if (answer.outcome !== 'accepted') throw new Error(`CreateKeysAndCertificate: ${JSON.stringify(answer)}`);
  return answer.body as {
    certificateId: string;
    certificatePem: string;
    privateKey: string;
    certificateOwnershipToken: string;
  };
}

/** How a connection attempt ended: CONNACK success, a refusal (error), or the server hanging up. */
export function connectOutcome(
  sandbox: Sandbox,
  credentials: { certificatePem?: string; privateKeyPem?: string },
  options: IClientOptions = {},
): Promise<{ outcome: 'connected' | 'error' | 'closed'; detail: string }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(sandbox.url, {
      ...(credentials.privateKeyPem ? { key: credentials.privateKeyPem } : {}),
      ...(credentials.certificatePem ? { cert: credentials.certificatePem } : {}),
      ca: sandbox.ca.caCertificatePem,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...options,
    });
    const finish = (outcome: 'connected' | 'error' | 'closed', detail: string) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      resolve({ outcome, detail });
    };
    client.once('connect', () => finish('connected', ''));
    client.once('error', (error) => finish('error', error.message));
    client.once('close', () => finish('closed', 'connection closed before CONNACK'));
  });
}

/**
 * An ACTIVE account certificate, as RegisterThing would leave it: the thing exists, is attached,
 * and the given policies (default: the device policy) are attached to the certificate.
 */
export async function registerDevice(
  sandbox: Sandbox,
  thingName: string,
  policyNames: string[] = [DEVICE_POLICY],
): Promise<DeviceCredentials> {
  const issued = await sandbox.ca.issueDeviceCertificate();
  const record = sandbox.registry.addCertificate({
    certificateId: issued.certificateId,
    certificatePem: issued.certificatePem,
    status: 'ACTIVE',
  });
  if (!sandbox.registry.getThing(thingName)) sandbox.registry.putThing({ thingName });
  sandbox.registry.attachThingPrincipal(thingName, record.certificateArn);
  for (const policyName of policyNames) sandbox.registry.attachPolicy(policyName, record.certificateArn);
  return {
    certificateId: issued.certificateId,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem ?? '',
  };
}

export const iotArn = arn;
