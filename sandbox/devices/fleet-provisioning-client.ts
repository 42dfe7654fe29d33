import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { ErrorCode, ProgressStage, Timing } from '../../src/main/core/device-link/protocol-constants.js';
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

/** The device's flash, as the provisioning run needs it: the new identity can be rolled back. */
export interface IdentitySlot {
  load(): DeviceIdentity | undefined;
  save(identity: DeviceIdentity): void;
  erase(): void;
}

export interface FleetProvisioningClientOptions {
  /** Per-step limit for MQTT round trips (CONNACK, SUBACK, accepted/rejected). */
  stepTimeoutMs?: number;
  /**
   * Where the permanent identity lives. The new one is saved before it is proven; if the proof
   * fails (VERIFY_FAILED) the previous one is put back, so HELLO still names it (section 3.2).
   */
  store: IdentitySlot;
}

/**
 * A device's Fleet Provisioning over MQTT with the delivered claim, as firmware does it: mutual TLS
 * with the claim certificate (a client id new for every attempt), SUBSCRIBE at QoS 1 (and wait for
 * SUBACK) on accepted/rejected, create the certificate (CSR: key made here and never sent; keys: AWS
 * makes the key), RegisterThing with exactly the station's parameters, persist, then reconnect with
 * the new certificate to prove it works, rolling the identity back if it does not.
 */
export class FleetProvisioningClient implements Provisioner {
  private readonly stepTimeoutMs: number;
  /** performance.now() of the last CONNECT per client id: AWS takes one per second per id. */
  private readonly lastConnect = new Map<string, number>();

  constructor(private readonly options: FleetProvisioningClientOptions) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? Timing.mqttAnswer;
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
        input.claimClientId,
        input.signal,
      );
      progress(ProgressStage.Connected);
      // From CONNACK until this exchange is over, a closed connection is CONNECTION_LOST.
      const lost = whenClosed(client, () => stage);
      const createTopic =
        input.mode === 'csr' ? '$aws/certificates/create-from-csr/json' : '$aws/certificates/create/json';
      const registerTopic = `$aws/provisioning-templates/${claim.templateName}/provision/json`;
      const responses = new ResponseInbox(client);
      await Promise.race([
        this.subscribe(client, [
          `${createTopic}/accepted`,
          `${createTopic}/rejected`,
          `${registerTopic}/accepted`,
          `${registerTopic}/rejected`,
        ]),
        lost,
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
        lost,
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
        lost,
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
      const previous = this.options.store.load();
      try {
        // Atomic (writeFileAtomically): a failed write leaves the previous identity intact.
        this.options.store.save(identity);
      } catch (error) {
        throw stop(ErrorCode.StoreFailed, `could not store the identity: ${(error as Error).message}`, stage);
      }
      progress(ProgressStage.CredentialsStored);

      progress(ProgressStage.Verifying);
      try {
        // Client id = thing name (device policies often demand it); no thing → the serial number.
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
        // An ABORT keeps what is stored (section 4.6); a failed proof puts the previous identity back.
        if (input.signal.aborted) throw error;
        if (previous) this.options.store.save(previous);
        else this.options.store.erase();
        const why = error instanceof ProvisioningStop ? error.failure.message : (error as Error).message;
        throw stop(
          ErrorCode.VerifyFailed,
          `reconnect with the new certificate failed (${why}); the previous identity was restored`,
          stage,
        );
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
      // Every FAILURE carries the last stage reached (section 4.9).
      if (error instanceof ProvisioningStop)
        return { ok: false, failure: { ...error.failure, stage: error.failure.stage ?? stage } };
      return {
        ok: false,
        failure: { code: ErrorCode.Internal, message: (error as Error).message.slice(0, 300), stage },
      };
    } finally {
      client?.end(true);
    }
  }

  /**
   * TLS + MQTT CONNECT, waiting for CONNACK. Refused or closed before CONNACK → CONNECT_FAILED; the
   * TLS connection stands but no CONNACK within the step timeout → CONNACK_TIMEOUT.
   */
  private async connect(
    endpoint: { host: string; port: number },
    certificatePem: string,
    privateKeyPem: string,
    rootCaPem: string,
    clientId: string,
    signal: AbortSignal,
  ): Promise<MqttClient> {
    await this.spaceConnects(clientId, signal);
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
      // Our own timer below decides; mqtt.js's would not tell a TLS hang from a missing CONNACK.
      connectTimeout: this.stepTimeoutMs * 3,
      keepalive: 60,
      clean: true,
    });
    this.lastConnect.set(clientId, performance.now());
    let tlsUp = false;
    (client.stream as EventEmitter | undefined)?.once('secureConnect', () => (tlsUp = true));
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (code: number, message: string) => {
          done();
          reject(new ProvisioningStop({ code, message: message.slice(0, 300) }));
        };
        const onAbort = () => fail(ErrorCode.Internal, 'aborted');
        const timer = setTimeout(() => {
          const seconds = this.stepTimeoutMs / 1000;
          if (tlsUp) fail(ErrorCode.ConnackTimeout, `no CONNACK within ${seconds} s`);
          else fail(ErrorCode.ConnectFailed, `no TLS connection within ${seconds} s`);
        }, this.stepTimeoutMs);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        client.once('connect', () => {
          done();
          resolve();
        });
        client.once('error', (error) => fail(ErrorCode.ConnectFailed, error.message));
        client.once('close', () => fail(ErrorCode.ConnectFailed, 'connection closed before CONNACK'));
      });
      return client;
    } catch (error) {
      client.end(true);
      throw error;
    }
  }

  /** Never two CONNECTs with one client id within a second (AWS refuses the second). */
  private async spaceConnects(clientId: string, signal: AbortSignal): Promise<void> {
    const now = performance.now();
    for (const [id, at] of this.lastConnect)
      if (now - at >= Timing.sameClientIdConnectSpacing) this.lastConnect.delete(id);
    const last = this.lastConnect.get(clientId);
    if (last === undefined) return;
    const waitMs = last + Timing.sameClientIdConnectSpacing - now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (signal.aborted) throw new ProvisioningStop({ code: ErrorCode.Internal, message: 'aborted' });
  }

  /** QoS 1, as AWS's samples do; a grant of 0 or 1 is success, 0x80 a refusal. */
  private async subscribe(client: MqttClient, topics: string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const noSuback = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(stop(ErrorCode.AwsTimeout, 'no SUBACK', ProgressStage.Connected)),
        this.stepTimeoutMs,
      );
    });
    try {
      const granted = await Promise.race([client.subscribeAsync(topics, { qos: 1 }), noSuback]);
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
      if (!client.connected) {
        throw stop(
          ErrorCode.ConnectionLost,
          'the broker closed the connection mid-exchange',
          ProgressStage.Connected,
        );
      }
      throw stop(ErrorCode.SubscribeFailed, (error as Error).message, ProgressStage.Connected);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes a request (QoS 1) and waits for its accepted or rejected answer. */
  private async call(
    client: MqttClient,
    lost: Promise<never>,
    inbox: ResponseInbox,
    topic: string,
    payload: string,
    rejectedCode: number,
    stage: number,
    signal: AbortSignal,
  ): Promise<unknown> {
    const answer = inbox.next(topic, this.stepTimeoutMs, signal);
    // A QoS 1 PUBLISH whose connection closes is never settled by mqtt.js (no reconnect): race it.
    await Promise.race([client.publishAsync(topic, payload, { qos: 1 }), lost]);
    const response = await Promise.race([answer, lost]);
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

/**
 * Rejects with CONNECTION_LOST (at the stage reached) when the connection closes: AWS IoT drops a
 * connection whose policy forbids a SUBSCRIBE or PUBLISH. Never rejects unobserved.
 */
function whenClosed(client: MqttClient, stage: () => number): Promise<never> {
  const lost = new Promise<never>((_, reject) => {
    client.once('close', () =>
      reject(stop(ErrorCode.ConnectionLost, 'the broker closed the connection mid-exchange', stage())),
    );
  });
  lost.catch(() => undefined);
  return lost;
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
