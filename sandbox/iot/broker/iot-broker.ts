import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type {
  IConnectPacket,
  IPublishPacket,
  ISubscribePacket,
  IUnsubscribePacket,
  Packet,
} from 'mqtt-packet';
import type { Clock } from '../../clock.js';
import type { CertificateAuthority } from '../certificate-authority.js';
import type { IotRegistry } from '../iot-registry.js';
import { FleetProvisioningService } from '../fleet-provisioning/fleet-provisioning-service.js';
import type { PreProvisioningHookTarget } from '../fleet-provisioning/pre-provisioning-hook.js';
import {
  isProvisioningTopic,
  parseProvisioningRequestTopic,
} from '../fleet-provisioning/provisioning-topics.js';
import { ClientCertificateCheck } from './client-certificate-check.js';
import { ClientSession } from './client-session.js';
import { ConnectionAuthorizer, type ConnectionPrincipal } from './connection-authorizer.js';
import { MAX_PACKET_BYTES, MqttConnection } from './mqtt-connection.js';
import { isSharedSubscription, topicFilterProblem, topicNameProblem } from './mqtt-topic.js';
import { KeyedRateLimiter } from './rate-limiter.js';
import { explainHandshakeFailure } from './tls-handshake-failure.js';

/**
 * The sandbox's AWS IoT Core data plane: an MQTT 3.1.1 + 5 broker over mutual TLS on loopback,
 * with AWS IoT's authorization (claim certificates, IoT policies) and Fleet Provisioning. Devices
 * and AWS's own device SDK connect to it unchanged, trusting the sandbox CA.
 */

export interface IotBrokerOptions {
  registry: IotRegistry;
  /** The sandbox CA: signs the broker's server certificate and device certificates, verifies clients. */
  ca: Pick<CertificateAuthority, 'caCertificatePem' | 'issueServerCertificate' | 'issueDeviceCertificate'>;
  clock: Clock;
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Pre-provisioning hooks by template `preProvisioningHook.targetArn`: a function or a loopback URL. */
  templateHooks?: Readonly<Record<string, PreProvisioningHookTarget>>;
  rates?: {
    /** CONNECTs per second per client id (AWS: 1). */
    connectsPerSecondPerClientId?: number;
    /** RegisterThing requests per second for the broker (default 10); excess → 429 Throttling. */
    registerThingPerSecond?: number;
  };
  /** AWS IoT raises keep-alives below 30 s to 30 and caps them at 1200 s; tests may lower the floor. */
  keepAlive?: { minimumSeconds?: number; maximumSeconds?: number };
  /** How long after SUBSCRIBE the subscription becomes active and SUBACK is sent (AWS: tens of ms). */
  subackDelayMs?: number;
  /** Pre-provisioning hook time limit (AWS: 5 s). */
  hookTimeoutMs?: number;
  /** Time a client has to send CONNECT after the TLS handshake. */
  connectTimeoutMs?: number;
  /** One line per connection event and refusal; never receives keys, tokens or payloads. */
  log?: (line: string) => void;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** AWS IoT Core's payload limit. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;
const MAX_CLIENT_ID_LENGTH = 128;
/** AWS IoT Core's default quota of subscriptions per connection. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

/** MQTT 5 reason codes the broker sends. */
const Reason = {
  success: 0x00,
  noSubscriptionExisted: 0x11,
  unspecified: 0x80,
  protocolError: 0x82,
  clientIdNotValid: 0x85,
  notAuthorized: 0x87,
  sessionTakenOver: 0x8e,
  topicFilterInvalid: 0x8f,
  topicNameInvalid: 0x90,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  qosNotSupported: 0x9b,
  sharedSubscriptionsNotSupported: 0x9e,
  connectionRateExceeded: 0x9f,
  quotaExceeded: 0x97,
  retainNotSupported: 0x9a,
  serverShuttingDown: 0x8b,
} as const;

export class IotBroker {
  private readonly authorizer: ConnectionAuthorizer;
  private readonly clientCertificates: ClientCertificateCheck;
  private readonly provisioning: FleetProvisioningService;
  private readonly connectLimiter: KeyedRateLimiter;
  private readonly sessions = new Map<string, ClientSession>();
  private readonly connections = new Set<MqttConnection>();
  private readonly log: (line: string) => void;
  private server: Server | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: IotBrokerOptions) {
    this.log = options.log ?? (() => {});
    this.authorizer = new ConnectionAuthorizer(options.registry, options.clock);
    this.clientCertificates = new ClientCertificateCheck(
      options.ca.caCertificatePem,
      options.registry,
      options.clock,
    );
    this.connectLimiter = new KeyedRateLimiter(options.rates?.connectsPerSecondPerClientId ?? 1);
    this.provisioning = new FleetProvisioningService({
      registry: options.registry,
      ca: options.ca,
      clock: options.clock,
      log: this.log,
      ...(options.templateHooks ? { hooks: options.templateHooks } : {}),
      ...(options.rates?.registerThingPerSecond !== undefined
        ? { registerThingPerSecond: options.rates.registerThingPerSecond }
        : {}),
      ...(options.hookTimeoutMs !== undefined ? { hookTimeoutMs: options.hookTimeoutMs } : {}),
    });
  }

  /** Fleet Provisioning, for callers that want to sweep expired certificates on their own schedule. */
  get fleetProvisioning(): FleetProvisioningService {
    return this.provisioning;
  }

  /** Client ids connected right now (for diagnostics and tests). */
  connectedClientIds(): string[] {
    return [...this.sessions.keys()].sort();
  }

  async start(): Promise<BrokerAddress> {
    if (this.server) throw new Error('The IoT broker is already started.');
    const host = this.options.host ?? '127.0.0.1';
    const isIp = /^[\d.]+$/.test(host) || host.includes(':');
    const serverCertificate = await this.options.ca.issueServerCertificate({
      dnsNames: ['localhost', ...(isIp ? [] : [host])],
      ipAddresses: ['127.0.0.1', ...(isIp && host !== '127.0.0.1' ? [host] : [])],
    });
    const server = createServer({
      key: serverCertificate.privateKeyPem,
      cert: serverCertificate.certificatePem,
      ca: [this.options.ca.caCertificatePem],
      requestCert: true,
      // Node would only hang up on a certificate it rejects ("socket hang up", whatever the cause);
      // accept() checks it itself and closes the connection before reading a byte, saying why.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      // AWS serves MQTT on 443 behind ALPN x-amzn-mqtt-ca; accept it (and any other offer) here.
      ALPNCallback: ({ protocols }) =>
        protocols.includes('x-amzn-mqtt-ca')
          ? 'x-amzn-mqtt-ca'
          : protocols.includes('mqtt')
            ? 'mqtt'
            : protocols[0],
    });
    server.on('secureConnection', (socket) => this.accept(socket));
    server.on('tlsClientError', (error, socket) => {
      const from = socket.remoteAddress === undefined ? '' : ` with ${socket.remoteAddress}`;
      this.log(`TLS handshake failed${from}: ${explainHandshakeFailure(error)}`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.sweepTimer = setInterval(() => this.provisioning.sweepExpiredCertificates(), 60_000);
    this.sweepTimer.unref();
    const address = server.address() as AddressInfo;
    this.log(`listening on ${host}:${address.port}`);
    return { host, port: address.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.sweepTimer);
    for (const connection of this.connections) connection.close('broker stopping', Reason.serverShuttingDown);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // Connections --------------------------------------------------------------------------------

  private accept(socket: TLSSocket): void {
    // MQTT acknowledgements are small: without this, Nagle's algorithm delays them by ~40 ms.
    socket.setNoDelay(true);
    const certificate = socket.getPeerCertificate(false);
    if (!certificate.raw) {
      this.log(
        'connection refused: the client sent no certificate (AWS IoT needs mutual TLS: the claim, then the device certificate)',
      );
      socket.destroy();
      return;
    }
    // AWS refuses these during the TLS handshake; here the client sees the connection end right after it.
    const verdict = this.clientCertificates.check(certificate.raw, tlsVerificationCode(socket));
    const identity = 'refusal' in verdict ? verdict : this.authorizer.identify(verdict.certificateId);
    if ('refusal' in identity) {
      this.log(`connection refused: ${identity.refusal}`);
      socket.destroy();
      return;
    }
    const principal = identity.principal;
    let session: ClientSession | undefined;
    const connection: MqttConnection = new MqttConnection(socket, {
      onPacket: (packet) => {
        if (!session) {
          if (packet.cmd !== 'connect')
            return connection.close(`first packet was ${packet.cmd}, not CONNECT`);
          clearTimeout(connectTimer);
          session = this.handleConnect(connection, principal, packet);
          return;
        }
        this.handlePacket(session, packet);
      },
      onClose: (reason) => {
        clearTimeout(connectTimer);
        this.connections.delete(connection);
        try {
          if (session) this.endSession(session, reason);
          else this.log(`connection closed before a session began: ${reason}`);
        } catch (error) {
          this.log(
            `cleanup after ${session?.clientId ?? 'a connection'} failed: ${(error as Error).message}`,
          );
        }
      },
    });
    this.connections.add(connection);
    const connectTimer = setTimeout(
      () => connection.close('no CONNECT within the connect timeout'),
      this.options.connectTimeoutMs ?? 10_000,
    );
    connectTimer.unref();
  }

  private handleConnect(
    connection: MqttConnection,
    principal: ConnectionPrincipal,
    packet: IConnectPacket,
  ): ClientSession | undefined {
    const version = packet.protocolVersion;
    if (version !== 4 && version !== 5) {
      connection.protocolVersion = 4;
      connection.send({ cmd: 'connack', returnCode: 1, sessionPresent: false });
      connection.close(`unsupported MQTT protocol version ${String(version)}`);
      return undefined;
    }
    connection.protocolVersion = version;
    const v5 = version === 5;
    let clientId = packet.clientId;
    let assigned = false;
    if (clientId === '') {
      if (!v5 && packet.clean === false) {
        connection.send({ cmd: 'connack', returnCode: 2, sessionPresent: false });
        connection.close('empty client id without clean session');
        return undefined;
      }
      clientId = `sandbox-${randomUUID()}`;
      assigned = true;
    }
    if (clientId.length > MAX_CLIENT_ID_LENGTH) {
      if (v5) connection.send({ cmd: 'connack', reasonCode: Reason.clientIdNotValid, sessionPresent: false });
      else connection.send({ cmd: 'connack', returnCode: 2, sessionPresent: false });
      connection.close(`client id longer than ${MAX_CLIENT_ID_LENGTH} characters`);
      return undefined;
    }
    if (!this.connectLimiter.tryTake(clientId)) {
      // AWS: 1 CONNECT per second per client id. MQTT 5 clients get the reason; 3.1.1 clients a hang-up.
      if (v5)
        connection.send({ cmd: 'connack', reasonCode: Reason.connectionRateExceeded, sessionPresent: false });
      connection.close(`CONNECT rate exceeded for client id ${clientId}`);
      return undefined;
    }
    const authorization = this.authorizer.authorize(principal, clientId, 'iot:Connect', clientId);
    if (authorization.decision !== 'allow') {
      if (v5) connection.send({ cmd: 'connack', reasonCode: Reason.notAuthorized, sessionPresent: false });
      connection.close(`CONNECT refused: ${authorization.explanation}`);
      return undefined;
    }
    const previous = this.sessions.get(clientId);
    if (previous)
      previous.connection.close(
        `session taken over by a new connection for ${clientId}`,
        Reason.sessionTakenOver,
      );
    const session = new ClientSession(connection, clientId, principal);
    if (packet.will) session.will = packet.will;
    this.sessions.set(clientId, session);

    const { minimumSeconds = 30, maximumSeconds = 1200 } = this.options.keepAlive ?? {};
    const requested = packet.keepalive ?? 0;
    const keepAlive =
      requested === 0 ? maximumSeconds : Math.min(maximumSeconds, Math.max(minimumSeconds, requested));
    connection.setKeepAlive(keepAlive);
    if (v5) {
      connection.send({
        cmd: 'connack',
        reasonCode: Reason.success,
        sessionPresent: false,
        properties: {
          maximumQoS: 1,
          retainAvailable: false,
          maximumPacketSize: MAX_PACKET_BYTES,
          wildcardSubscriptionAvailable: true,
          subscriptionIdentifiersAvailable: false,
          sharedSubscriptionAvailable: false,
          ...(keepAlive !== requested ? { serverKeepAlive: keepAlive } : {}),
          ...(assigned ? { assignedClientIdentifier: clientId } : {}),
        },
      });
    } else {
      connection.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    }
    const who = principal.kind === 'claim' ? `claim of template ${principal.templateName}` : 'certificate';
    this.log(
      `${clientId} connected (MQTT ${v5 ? '5' : '3.1.1'}, ${who} ${principal.certificateId.slice(0, 12)}…)`,
    );
    return session;
  }

  private endSession(session: ClientSession, reason: string): void {
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
    this.log(`${session.clientId} disconnected: ${reason}`);
    const will = session.will;
    session.will = undefined;
    if (will) {
      this.publishWill(session, will);
    }
  }

  private publishWill(session: ClientSession, will: NonNullable<IConnectPacket['will']>): void {
    const authorization = this.authorizer.authorize(
      session.principal,
      session.clientId,
      'iot:Publish',
      will.topic,
    );
    if (
      authorization.decision !== 'allow' ||
      topicNameProblem(will.topic) ||
      isProvisioningTopic(will.topic)
    ) {
      this.log(`will of ${session.clientId} not published: ${authorization.explanation}`);
      return;
    }
    const payload = typeof will.payload === 'string' ? Buffer.from(will.payload) : will.payload;
    this.route(session, will.topic, payload, will.qos === 1 ? 1 : 0, will.properties);
  }

  // Packets ------------------------------------------------------------------------------------

  private handlePacket(session: ClientSession, packet: Packet): void {
    const { connection } = session;
    switch (packet.cmd) {
      case 'publish':
        return this.handlePublish(session, packet);
      case 'subscribe':
        return this.handleSubscribe(session, packet);
      case 'unsubscribe':
        return this.handleUnsubscribe(session, packet);
      case 'pingreq':
        return connection.send({ cmd: 'pingresp' });
      case 'puback':
        return; // QoS 1 deliveries are not retried, so acknowledgements need no bookkeeping.
      case 'disconnect':
        // Normal DISCONNECT discards the will; MQTT 5 reason 0x04 asks for it to be sent.
        if (packet.reasonCode !== 0x04) session.will = undefined;
        return connection.close('client sent DISCONNECT');
      case 'connect':
        return connection.close('second CONNECT on one connection', Reason.protocolError);
      default:
        return connection.close(`unsupported packet ${packet.cmd}`, Reason.protocolError);
    }
  }

  private handlePublish(session: ClientSession, packet: IPublishPacket): void {
    const { connection, clientId } = session;
    const v5 = connection.protocolVersion === 5;
    if (packet.qos === 2)
      return connection.close(
        `QoS 2 PUBLISH on ${packet.topic}; AWS IoT supports QoS 0 and 1`,
        Reason.qosNotSupported,
      );
    if (v5 && packet.properties?.topicAlias !== undefined) {
      return connection.close('topic alias used although the broker allows none', Reason.topicAliasInvalid);
    }
    if (v5 && packet.retain) {
      // The CONNACK said retainAvailable: false, so MQTT 5 requires this disconnect.
      return connection.close('retained PUBLISH although retain is not available', Reason.retainNotSupported);
    }
    const problem = topicNameProblem(packet.topic);
    if (problem) return connection.close(`PUBLISH refused: ${problem}`, Reason.topicNameInvalid);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return connection.close(
        `PUBLISH payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`,
        Reason.packetTooLarge,
      );
    }
    const authorization = this.authorizer.authorize(session.principal, clientId, 'iot:Publish', packet.topic);
    if (authorization.decision !== 'allow') {
      // AWS IoT closes the connection on an unauthorized publish.
      return connection.close(`PUBLISH refused: ${authorization.explanation}`, Reason.notAuthorized);
    }
    if (packet.qos === 1)
      connection.send({ cmd: 'puback', messageId: packet.messageId ?? 0, ...(v5 ? { reasonCode: 0 } : {}) });

    if (isProvisioningTopic(packet.topic)) {
      // Fleet Provisioning topics are a request/response API, never broadcast to other subscribers.
      const request = parseProvisioningRequestTopic(packet.topic);
      if (request) this.handleProvisioningRequest(session, request, payload);
      return;
    }
    this.route(session, packet.topic, payload, packet.qos, packet.properties);
  }

  private handleProvisioningRequest(
    session: ClientSession,
    request: NonNullable<ReturnType<typeof parseProvisioningRequestTopic>>,
    payload: Buffer,
  ): void {
    // Like AWS: only a client already subscribed (SUBACK sent) to the response topic gets the answer.
    const acceptedTopic = `${request.topic}/accepted`;
    const rejectedTopic = `${request.topic}/rejected`;
    const listening = {
      accepted: session.matchingQos(acceptedTopic) !== undefined,
      rejected: session.matchingQos(rejectedTopic) !== undefined,
    };
    void this.provisioning
      .handle(request, payload, { clientId: session.clientId, principal: session.principal })
      .then((response) => {
        const qos = session.matchingQos(response.topic);
        if (!listening[response.outcome] || qos === undefined) {
          this.log(
            `${request.api} answer for ${session.clientId} dropped: it was not subscribed to ${response.topic} when it published`,
          );
          return;
        }
        this.deliver(session, response.topic, response.payload, qos === 1 ? 1 : 0, undefined);
      })
      .catch((error: unknown) => this.log(`${request.api} for ${session.clientId} failed: ${String(error)}`));
  }

  private handleSubscribe(session: ClientSession, packet: ISubscribePacket): void {
    const { connection } = session;
    const v5 = connection.protocolVersion === 5;
    if (packet.subscriptions.length === 0) {
      return connection.close('SUBSCRIBE without topic filters', Reason.protocolError);
    }
    const granted: number[] = [];
    const accepted: { filter: string; qos: 0 | 1; noLocal: boolean }[] = [];
    for (const subscription of packet.subscriptions) {
      const filter = subscription.topic;
      const problem = topicFilterProblem(filter);
      if (problem) {
        this.log(`${session.clientId} SUBSCRIBE ${filter} refused: ${problem}`);
        granted.push(v5 ? Reason.topicFilterInvalid : Reason.unspecified);
        continue;
      }
      if (isSharedSubscription(filter)) {
        granted.push(v5 ? Reason.sharedSubscriptionsNotSupported : Reason.unspecified);
        continue;
      }
      const authorization = this.authorizer.authorize(
        session.principal,
        session.clientId,
        'iot:Subscribe',
        filter,
      );
      if (authorization.decision !== 'allow') {
        if (!v5) {
          // AWS IoT drops a 3.1.1 connection that subscribes where its policy does not allow.
          return connection.close(`SUBSCRIBE refused: ${authorization.explanation}`);
        }
        this.log(`${session.clientId} SUBSCRIBE refused: ${authorization.explanation}`);
        granted.push(Reason.notAuthorized);
        continue;
      }
      if (
        !session.hasSubscription(filter) &&
        session.subscriptionCount() + accepted.length >= MAX_SUBSCRIPTIONS_PER_CONNECTION
      ) {
        this.log(
          `${session.clientId} SUBSCRIBE ${filter} refused: ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`,
        );
        granted.push(v5 ? Reason.quotaExceeded : Reason.unspecified);
        continue;
      }
      const qos = subscription.qos >= 1 ? 1 : 0;
      accepted.push({ filter, qos, noLocal: subscription.nl === true });
      granted.push(qos);
    }
    const acknowledge = () => {
      if (!connection.isOpen) return;
      for (const subscription of accepted) session.subscribe(subscription);
      connection.send({ cmd: 'suback', messageId: packet.messageId ?? 0, granted });
    };
    const delay = this.options.subackDelayMs ?? 20;
    if (delay > 0) setTimeout(acknowledge, delay);
    else acknowledge();
  }

  private handleUnsubscribe(session: ClientSession, packet: IUnsubscribePacket): void {
    if (packet.unsubscriptions.length === 0) {
      return session.connection.close('UNSUBSCRIBE without topic filters', Reason.protocolError);
    }
    const codes = packet.unsubscriptions.map((filter) =>
      session.unsubscribe(filter) ? Reason.success : Reason.noSubscriptionExisted,
    );
    session.connection.send({
      cmd: 'unsuback',
      messageId: packet.messageId ?? 0,
      granted: session.connection.protocolVersion === 5 ? codes : [],
    });
  }

  // Delivery -----------------------------------------------------------------------------------

  private route(
    from: ClientSession,
    topic: string,
    payload: Buffer,
    qos: 0 | 1 | 2,
    properties: IPublishPacket['properties'],
  ): void {
    for (const session of this.sessions.values()) {
      const subscribedQos = session.matchingQos(topic, session === from);
      if (subscribedQos === undefined) continue;
      const authorization = this.authorizer.authorize(
        session.principal,
        session.clientId,
        'iot:Receive',
        topic,
      );
      if (authorization.decision !== 'allow') {
        this.log(`message on ${topic} not delivered to ${session.clientId}: ${authorization.explanation}`);
        continue;
      }
      this.deliver(session, topic, payload, Math.min(subscribedQos, qos) as 0 | 1, properties);
    }
  }

  private deliver(
    session: ClientSession,
    topic: string,
    payload: Buffer,
    qos: 0 | 1,
    properties: IPublishPacket['properties'],
  ): void {
    if (!session.connection.isOpen) return;
    const forwarded =
      session.connection.protocolVersion === 5 ? forwardableProperties(properties) : undefined;
    session.connection.send({
      cmd: 'publish',
      topic,
      payload,
      qos,
      dup: false,
      retain: false,
      ...(qos === 1 ? { messageId: session.allocateMessageId() } : {}),
      ...(forwarded ? { properties: forwarded } : {}),
    });
  }
}

/** Node's verification result for the client certificate (`authorizationError` is typed Error but is a code). */
function tlsVerificationCode(socket: TLSSocket): string | undefined {
  const code: unknown = socket.authorizationError;
  if (socket.authorized || code === undefined || code === null) return undefined;
  return code instanceof Error ? ((code as NodeJS.ErrnoException).code ?? code.message) : String(code);
}

/** MQTT 5 publish properties a broker passes on (not topic aliases or subscription identifiers). */
function forwardableProperties(
  properties: IPublishPacket['properties'],
): IPublishPacket['properties'] | undefined {
  if (!properties) return undefined;
  const {
    payloadFormatIndicator,
    messageExpiryInterval,
    responseTopic,
    correlationData,
    userProperties,
    contentType,
  } = properties;
  const result: NonNullable<IPublishPacket['properties']> = {
    ...(payloadFormatIndicator !== undefined ? { payloadFormatIndicator } : {}),
    ...(messageExpiryInterval !== undefined ? { messageExpiryInterval } : {}),
    ...(responseTopic !== undefined ? { responseTopic } : {}),
    ...(correlationData !== undefined ? { correlationData } : {}),
    ...(userProperties !== undefined ? { userProperties } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  };
  return Object.keys(result).length > 0 ? result : undefined;
}
