import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { ErrorCode, ProgressStage } from '../../src/main/core/device-link/protocol-constants.js';
import type { ProvisioningFailure } from '../../src/main/core/device-link/protocol-messages.js';
import type { DeviceIdentity, ProvisionInput, ProvisionOutcome, Provisioner } from './provisioner.js';

const rejectedSchema = z.object({
  statusCode: z.number().int().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});
const createAcceptedSchema = z.object({
  certificateId: z.string().regex(/^[0-9a-f]{64}$/),
  certificatePem: z.string().min(1),
  privateKey: z.string().optional(),
  certificateOwnershipToken: z.string().min(1),
});
const registerAcceptedSchema = z.object({
  thingName: z.string().optional(),
  deviceConfiguration: z.record(z.string(), z.unknown()).optional(),
});

class ProvisioningStop extends Error {
  constructor(readonly failure: ProvisioningFailure) {
    super(failure.message);
  }
}

export interface FleetProvisioningClientOptions {
  /** Per-step limit for MQTT round trips. */
  stepTimeoutMs?: number;
  /** Saves the permanent identity to the device's flash before it is proven. */
  persist: (identity: DeviceIdentity) => void;
}

/**
 * A device's Fleet Provisioning over MQTT with the delivered claim, as firmware does it: mutual TLS
 * with the claim certificate, SUBSCRIBE (and wait for SUBACK) on accepted/rejected, create the
 * certificate (CSR: key made here and never sent; keys: AWS makes the key), RegisterThing, persist,
 * then reconnect with the new certificate to prove it works.
 */
export class FleetProvisioningClient implements Provisioner {
  private readonly stepTimeoutMs: number;

  constructor(private readonly options: FleetProvisioningClientOptions) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
  }

  async provision(input: ProvisionInput): Promise<ProvisionOutcome> {
    const { claim } = input;
    let client: MqttClient | undefined;
    let stage: number = ProgressStage.Connecting;
    const progress = (next: number, detail?: string) => {
      stage = next;
      input.onProgress(next, detail);
    };
    try {
      progress(ProgressStage.Connecting, `${claim.endpoint.host}:${claim.endpoint.port}`);
      client = await this.connect(
        claim.endpoint,
        claim.certificatePem,
        claim.privateKeyPem,
        claim.rootCaPem,
        `${input.serialNumber}-claim`,
        input.signal,
      );
      progress(ProgressStage.Connected);
      const createTopic =
        input.mode === 'csr' ? '$aws/certificates/create-from-csr/json' : '$aws/certificates/create/json';
      const registerTopic = `$aws/provisioning-templates/${claim.templateName}/provision/json`;
      const responses = new ResponseInbox(client);
      await this.subscribe(client, [
        `${createTopic}/accepted`,
        `${createTopic}/rejected`,
        `${registerTopic}/accepted`,
        `${registerTopic}/rejected`,
      ]);
      progress(ProgressStage.Subscribed);

      let privateKeyPem: string | undefined;
      let createPayload = '{}';
      if (input.mode === 'csr') {
        const generated = await this.makeKeyAndCsr(input.serialNumber);
        privateKeyPem = generated.privateKeyPem;
        createPayload = JSON.stringify({ certificateSigningRequest: generated.csrPem });
        progress(ProgressStage.KeyGenerated, 'EC P-256');
      }
      progress(ProgressStage.CertificateRequested);
      const created = await this.call(
        client,
        responses,
        createTopic,
        createPayload,
        ErrorCode.CreateRejected,
        stage,
        input.signal,
      );
      const certificate = createAcceptedSchema.safeParse(created);
      if (!certificate.success)
        throw stop(ErrorCode.CreateRejected, 'create accepted payload is malformed', stage);
      privateKeyPem = privateKeyPem ?? certificate.data.privateKey;
      if (!privateKeyPem) throw stop(ErrorCode.CreateRejected, 'keys mode answer has no private key', stage);
      progress(ProgressStage.CertificateReceived, certificate.data.certificateId.slice(0, 12));

      const token = input.tamperOwnershipToken
        ? `${certificate.data.certificateOwnershipToken.slice(0, -4)}XXXX`
        : certificate.data.certificateOwnershipToken;
      progress(ProgressStage.RegisterRequested);
      const registered = await this.call(
        client,
        responses,
        registerTopic,
        JSON.stringify({ certificateOwnershipToken: token, parameters: claim.templateParameters }),
        ErrorCode.RegisterRejected,
        stage,
        input.signal,
      );
      const registration = registerAcceptedSchema.safeParse(registered);
      if (!registration.success)
        throw stop(ErrorCode.RegisterRejected, 'register accepted payload is malformed', stage);
      const thingName = registration.data.thingName ?? '';
      progress(ProgressStage.Registered, thingName);
      await client.endAsync();
      client = undefined;

      const identity: DeviceIdentity = {
        thingName,
        certificateId: certificate.data.certificateId,
        certificatePem: certificate.data.certificatePem,
        privateKeyPem,
      };
      try {
        this.options.persist(identity);
      } catch (error) {
        throw stop(ErrorCode.StoreFailed, `could not store the identity: ${(error as Error).message}`, stage);
      }
      progress(ProgressStage.CredentialsStored);

      progress(ProgressStage.Verifying);
      try {
        const proof = await this.connect(
          claim.endpoint,
          identity.certificatePem,
          identity.privateKeyPem,
          claim.rootCaPem,
          thingName || input.serialNumber,
          input.signal,
        );
        await proof.endAsync();
      } catch (error) {
        if (error instanceof ProvisioningStop) {
          throw stop(
            ErrorCode.VerifyFailed,
            `reconnect with the new certificate failed: ${error.failure.message}`,
            stage,
          );
        }
        throw error;
      }
      progress(ProgressStage.Verified);
      const fingerprint = new X509Certificate(identity.certificatePem).fingerprint256
        .replaceAll(':', '')
        .toLowerCase();
      return {
        ok: true,
        identity,
        result: { thingName, certificateId: identity.certificateId, fingerprint },
      };
    } catch (error) {
      if (error instanceof ProvisioningStop) return { ok: false, failure: error.failure };
      return {
        ok: false,
        failure: { code: ErrorCode.Internal, message: (error as Error).message.slice(0, 300), stage },
      };
    } finally {
      client?.end(true);
    }
  }

  private async connect(
    endpoint: { host: string; port: number },
    certificatePem: string,
    privateKeyPem: string,
    rootCaPem: string,
    clientId: string,
    signal: AbortSignal,
  ): Promise<MqttClient> {
    const client = mqtt.connect({
      protocol: 'mqtts',
      host: endpoint.host,
      port: endpoint.port,
      clientId,
      protocolVersion: 4,
      cert: certificatePem,
      key: privateKeyPem,
      ca: rootCaPem,
      rejectUnauthorized: true,
      reconnectPeriod: 0,
      connectTimeout: this.stepTimeoutMs,
      keepalive: 60,
      clean: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new ProvisioningStop({ code: ErrorCode.Internal, message: 'aborted' }));
        signal.addEventListener('abort', onAbort, { once: true });
        client.once('connect', () => resolve());
        client.once('error', (error) =>
          reject(
            new ProvisioningStop({ code: ErrorCode.ConnectFailed, message: error.message.slice(0, 300) }),
          ),
        );
        client.once('close', () =>
          reject(
            new ProvisioningStop({
              code: ErrorCode.ConnectFailed,
              message: 'connection closed before CONNACK',
            }),
          ),
        );
      });
      return client;
    } catch (error) {
      client.end(true);
      throw error;
    }
  }

  private async subscribe(client: MqttClient, topics: string[]): Promise<void> {
    try {
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const refused = granted.filter((grant) => grant.qos === 128);
      if (refused.length > 0) {
        throw stop(
          ErrorCode.SubscribeFailed,
          `subscription refused: ${refused.map((g) => g.topic).join(', ')}`,
          ProgressStage.Connected,
        );
      }
    } catch (error) {
      if (error instanceof ProvisioningStop) throw error;
      throw stop(ErrorCode.SubscribeFailed, (error as Error).message, ProgressStage.Connected);
    }
  }

  /** Publishes a request and waits for its accepted or rejected answer. */
  private async call(
    client: MqttClient,
    inbox: ResponseInbox,
    topic: string,
    payload: string,
    rejectedCode: number,
    stage: number,
    signal: AbortSignal,
  ): Promise<unknown> {
    const answer = inbox.next(topic, this.stepTimeoutMs, signal);
    await client.publishAsync(topic, payload, { qos: 1 });
    const response = await answer;
    if (response === 'timeout')
      throw stop(ErrorCode.AwsTimeout, `no answer on ${topic}/accepted|rejected`, stage);
    if (response === 'aborted') throw stop(ErrorCode.Internal, 'aborted', stage);
    if (response.outcome === 'rejected') {
      const rejected = rejectedSchema.safeParse(response.body);
      const aws = rejected.success ? rejected.data : {};
      throw new ProvisioningStop({
        code: rejectedCode,
        message: `${topic} rejected`,
        stage,
        aws: {
          ...(aws.statusCode !== undefined ? { statusCode: aws.statusCode } : {}),
          ...(aws.errorCode ? { errorCode: aws.errorCode.slice(0, 128) } : {}),
          ...(aws.errorMessage ? { errorMessage: aws.errorMessage.slice(0, 1024) } : {}),
        },
      });
    }
    return response.body;
  }

  private async makeKeyAndCsr(serialNumber: string): Promise<{ privateKeyPem: string; csrPem: string }> {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=${serialNumber}`,
      keys,
      signingAlgorithm: algorithm,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const privateKeyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
    pkcs8.fill(0);
    return { privateKeyPem, csrPem: csr.toString('pem') };
  }
}

function stop(code: number, message: string, stage: number): ProvisioningStop {
  return new ProvisioningStop({ code, message, stage });
}

/** Collects accepted/rejected answers so none is missed between publish and wait. */
class ResponseInbox {
  private readonly waiting = new Map<
    string,
    (answer: { outcome: 'accepted' | 'rejected'; body: unknown }) => void
  >();

  constructor(client: MqttClient) {
    client.on('message', (topic, payload) => {
      const match = /^(.*)\/(accepted|rejected)$/.exec(topic);
      if (!match) return;
      const deliver = this.waiting.get(match[1] as string);
      if (!deliver) return;
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        body = undefined;
      }
      deliver({ outcome: match[2] as 'accepted' | 'rejected', body });
    });
  }

  next(
    topic: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ outcome: 'accepted' | 'rejected'; body: unknown } | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      const finish = (value: { outcome: 'accepted' | 'rejected'; body: unknown } | 'timeout' | 'aborted') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(topic);
        resolve(value);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(topic, finish);
    });
  }
}
