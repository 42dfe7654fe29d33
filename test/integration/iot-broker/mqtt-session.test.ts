import { connect as tlsConnect } from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { IConnackPacket, IDisconnectPacket } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_KEYS_TOPIC,
  TEMPLATE,
  ask,
  closed,
  connectMqtt,
  connectOutcome,
  createKeys,
  endQuietly,
  iotArn,
  nextMessage,
  registerDevice,
  registerTopic,
  startSandbox,
  type Sandbox,
} from './broker-fixture.js';

/** The MQTT session layer: CONNECT rules, keep-alive, takeover, routing, will, QoS, AWS IoT limits. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.registry.createPolicy('AllowEverything', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
  });
  // Subscribe to every device topic, but receive only one's own: iot:Receive is checked per message.
  sandbox.registry.createPolicy('WideSubscribeNarrowReceive', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client/${iot:ClientId}') },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotArn('topicfilter/devices/*') },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: iotArn('topic/devices/${iot:ClientId}/*') },
    ],
  });
});
afterAll(async () => {
  await sandbox.stop();
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CONNECT', () => {
  it('answers MQTT 5 with AWS IoT’s capabilities in the CONNACK properties', async () => {
    const device = await registerDevice(sandbox, 'session-props');
    const raw = await rawConnect(sandbox, device, {
      clientId: 'session-props',
      protocolVersion: 5,
      keepalive: 10,
    });
    try {
      expect(raw.connack.reasonCode).toBe(0);
      expect(raw.connack.properties).toMatchObject({
        maximumQoS: 1,
        retainAvailable: false,
        sharedSubscriptionAvailable: false,
        subscriptionIdentifiersAvailable: false,
        wildcardSubscriptionAvailable: true,
        serverKeepAlive: 30,
      });
    } finally {
      raw.socket.destroy();
    }
  });

  it('assigns a client id to an MQTT 5 client that sends none', async () => {
    const claim = await sandbox.makeClaim();
    const raw = await rawConnect(sandbox, claim, { clientId: '', protocolVersion: 5, keepalive: 60 });
    try {
      expect(raw.connack.reasonCode).toBe(0);
      expect(raw.connack.properties?.assignedClientIdentifier).toMatch(/^sandbox-/);
    } finally {
      raw.socket.destroy();
    }
  });

  it('refuses a client id longer than 128 characters (0x85)', async () => {
    const claim = await sandbox.makeClaim();
    const raw = await rawConnect(sandbox, claim, {
      clientId: 'x'.repeat(129),
      protocolVersion: 5,
      keepalive: 60,
    });
    raw.socket.destroy();
    expect(raw.connack.reasonCode).toBe(0x85);
  });

  it('limits CONNECT to 1 per second per client id (pitfall: reconnect rejected)', async () => {
    const device = await registerDevice(sandbox, 'session-rate');
    const first = await connectMqtt(sandbox, device, { clientId: 'session-rate', protocolVersion: 5 });
    await first.endAsync();
    const tooSoon = await connectOutcome(sandbox, device, { clientId: 'session-rate', protocolVersion: 5 });
    expect(tooSoon).toMatchObject({ outcome: 'error', detail: expect.stringMatching(/rate/i) });
    const tooSoon311 = await connectOutcome(sandbox, device, {
      clientId: 'session-rate',
      protocolVersion: 4,
    });
    expect(tooSoon311.outcome).not.toBe('connected');
    await wait(1100);
    expect(
      (await connectOutcome(sandbox, device, { clientId: 'session-rate', protocolVersion: 5 })).outcome,
    ).toBe('connected');
  });

  it('takes over the session of a duplicate client id, telling the old MQTT 5 client why (0x8E)', async () => {
    const device = await registerDevice(sandbox, 'session-takeover');
    const old = await connectMqtt(sandbox, device, { clientId: 'session-takeover', protocolVersion: 5 });
    const reason = new Promise<number | undefined>((resolve) =>
      old.once('disconnect', (packet: IDisconnectPacket) => resolve(packet.reasonCode)),
    );
    const oldClosed = closed(old);
    await wait(1100);
    const replacement = await connectMqtt(sandbox, device, {
      clientId: 'session-takeover',
      protocolVersion: 5,
    });
    try {
      expect(await reason).toBe(0x8e);
      expect(await oldClosed).toBe(true);
      expect(replacement.connected).toBe(true);
      expect(sandbox.broker.connectedClientIds()).toContain('session-takeover');
    } finally {
      await endQuietly(old);
      await endQuietly(replacement);
    }
  });

  it('refuses a permanent certificate that is no longer ACTIVE', async () => {
    const device = await registerDevice(sandbox, 'session-inactive');
    sandbox.registry.setCertificateStatus(device.certificateId, 'INACTIVE');
    expect((await connectOutcome(sandbox, device, { clientId: 'session-inactive' })).outcome).not.toBe(
      'connected',
    );
    expect(sandbox.logs.some((line) => line.includes('is INACTIVE, not ACTIVE'))).toBe(true);
  });
});

describe('keep-alive', () => {
  it('closes a client silent for 1.5 × its keep-alive', async () => {
    const quick = await startSandbox({ keepAlive: { minimumSeconds: 1 } });
    try {
      const claim = await quick.makeClaim();
      const raw = await rawConnect(quick, claim, { clientId: 'silent', protocolVersion: 4, keepalive: 1 });
      const started = Date.now();
      await new Promise((resolve) => raw.socket.once('close', resolve));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1300);
      expect(elapsed).toBeLessThan(3000);
      await expect.poll(() => quick.logs.some((line) => line.includes('keep-alive timeout'))).toBe(true);
    } finally {
      await quick.stop();
    }
  });
});

describe('PUBLISH and delivery', () => {
  it('delivers between devices, and iot:Receive filters what a wide subscription gets', async () => {
    const sender = await registerDevice(sandbox, 'route-sender', ['AllowEverything']);
    const owner = await registerDevice(sandbox, 'route-owner');
    const watcher = await registerDevice(sandbox, 'route-watcher', ['WideSubscribeNarrowReceive']);
    const senderClient = await connectMqtt(sandbox, sender, { clientId: 'route-sender' });
    const ownerClient = await connectMqtt(sandbox, owner, { clientId: 'route-owner', protocolVersion: 5 });
    const watcherClient = await connectMqtt(sandbox, watcher, { clientId: 'route-watcher' });
    try {
      await ownerClient.subscribeAsync('devices/route-owner/#', { qos: 1 });
      await watcherClient.subscribeAsync('devices/#', { qos: 1 });
      const ownerGets = nextMessage(ownerClient, 'devices/route-owner/cmd');
      const watcherGets = nextMessage(watcherClient, 'devices/route-owner/cmd', 700);
      await senderClient.publishAsync('devices/route-owner/cmd', 'reboot', { qos: 1 });
      expect((await ownerGets)?.toString()).toBe('reboot');
      expect(await watcherGets).toBeUndefined();
      const watcherOwn = nextMessage(watcherClient, 'devices/route-watcher/cmd');
      await senderClient.publishAsync('devices/route-watcher/cmd', 'yours', { qos: 0 });
      expect((await watcherOwn)?.toString()).toBe('yours');
    } finally {
      await Promise.all([endQuietly(senderClient), endQuietly(ownerClient), endQuietly(watcherClient)]);
    }
  });

  it('stops delivering after UNSUBSCRIBE; MQTT 5 UNSUBACK tells whether a subscription existed', async () => {
    const device = await registerDevice(sandbox, 'unsub-device');
    const raw = await rawConnect(sandbox, device, {
      clientId: 'unsub-device',
      protocolVersion: 5,
      keepalive: 60,
    });
    try {
      raw.send({
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [{ topic: 'devices/unsub-device/a', qos: 1 }],
      });
      expect(await raw.next('suback')).toMatchObject({ granted: [1] });
      raw.send({
        cmd: 'unsubscribe',
        messageId: 2,
        unsubscriptions: ['devices/unsub-device/a', 'devices/unsub-device/b'],
      });
      expect(await raw.next('unsuback')).toMatchObject({ granted: [0x00, 0x11] });
      raw.send({
        cmd: 'publish',
        topic: 'devices/unsub-device/a',
        payload: Buffer.from('x'),
        qos: 1,
        messageId: 3,
        dup: false,
        retain: false,
      });
      expect(await raw.next('puback')).toMatchObject({ messageId: 3 });
      await wait(200);
      expect(raw.received.some((packet) => packet.cmd === 'publish')).toBe(false);
    } finally {
      raw.socket.destroy();
    }
  });

  it('UNSUBSCRIBE works for MQTT 3.1.1 clients too', async () => {
    const device = await registerDevice(sandbox, 'unsub-311');
    const client = await connectMqtt(sandbox, device, { clientId: 'unsub-311' });
    try {
      await client.subscribeAsync('devices/unsub-311/a', { qos: 1 });
      await client.unsubscribeAsync('devices/unsub-311/a');
      const after = nextMessage(client, 'devices/unsub-311/a', 400);
      await client.publishAsync('devices/unsub-311/a', 'x', { qos: 1 });
      expect(await after).toBeUndefined();
    } finally {
      await endQuietly(client);
    }
  });

  it('publishes the will of a client that vanishes, not of one that says DISCONNECT', async () => {
    const listener = await registerDevice(sandbox, 'will-listener', ['AllowEverything']);
    const listenerClient = await connectMqtt(sandbox, listener, { clientId: 'will-listener' });
    await listenerClient.subscribeAsync('devices/+/status', { qos: 1 });
    try {
      for (const [thing, vanish] of [
        ['will-vanishes', true],
        ['will-polite', false],
      ] as const) {
        const device = await registerDevice(sandbox, thing);
        const client = await connectMqtt(sandbox, device, {
          clientId: thing,
          will: { topic: `devices/${thing}/status`, payload: Buffer.from('offline'), qos: 1, retain: false },
        });
        const will = nextMessage(listenerClient, `devices/${thing}/status`, 800);
        if (vanish) client.stream.destroy();
        else await client.endAsync();
        expect((await will)?.toString()).toBe(vanish ? 'offline' : undefined);
        await endQuietly(client);
      }
    } finally {
      await endQuietly(listenerClient);
    }
  });

  it('closes the connection on QoS 2 (AWS IoT supports QoS 0 and 1)', async () => {
    const device = await registerDevice(sandbox, 'qos2-device');
    const client = await connectMqtt(sandbox, device, { clientId: 'qos2-device' });
    const hungUp = closed(client);
    client.publish('devices/qos2-device/x', 'x', { qos: 2 });
    expect(await hungUp).toBe(true);
    await endQuietly(client);
  });

  it('closes the connection on a payload over 128 KiB', async () => {
    const device = await registerDevice(sandbox, 'big-device');
    const client = await connectMqtt(sandbox, device, { clientId: 'big-device' });
    const hungUp = closed(client);
    client.publish('devices/big-device/x', Buffer.alloc(128 * 1024 + 1), { qos: 0 });
    expect(await hungUp).toBe(true);
    await endQuietly(client);
  });

  it('grants QoS 1 when QoS 2 is asked in SUBSCRIBE', async () => {
    const device = await registerDevice(sandbox, 'grant-device');
    const client = await connectMqtt(sandbox, device, { clientId: 'grant-device' });
    try {
      const granted = await client.subscribeAsync('devices/grant-device/x', { qos: 2 });
      expect(granted.map((g) => g.qos)).toEqual([1]);
    } finally {
      await endQuietly(client);
    }
  });
});

describe('AWS IoT limits and options', () => {
  it('allows 50 subscriptions per connection; the 51st gets 0x97 Quota exceeded', async () => {
    const device = await registerDevice(sandbox, 'quota-device');
    const raw = await rawConnect(sandbox, device, {
      clientId: 'quota-device',
      protocolVersion: 5,
      keepalive: 60,
    });
    try {
      const subscriptions = Array.from({ length: 51 }, (_, index) => ({
        topic: `devices/quota-device/${index}`,
        qos: 0 as const,
      }));
      raw.send({ cmd: 'subscribe', messageId: 1, subscriptions });
      const suback = (await raw.next('suback')) as { granted: number[] };
      expect(suback.granted.slice(0, 50).every((code) => code === 0)).toBe(true);
      expect(suback.granted[50]).toBe(0x97);
    } finally {
      raw.socket.destroy();
    }
  });

  it('disconnects an MQTT 5 client that publishes retained messages (0x9A, retain is not available)', async () => {
    const device = await registerDevice(sandbox, 'retain-device');
    const raw = await rawConnect(sandbox, device, {
      clientId: 'retain-device',
      protocolVersion: 5,
      keepalive: 60,
    });
    raw.send({
      cmd: 'publish',
      topic: 'devices/retain-device/x',
      payload: Buffer.from('x'),
      qos: 0,
      dup: false,
      retain: true,
    });
    expect(await raw.next('disconnect')).toMatchObject({ reasonCode: 0x9a });
    raw.socket.destroy();
  });

  it('negotiates ALPN x-amzn-mqtt-ca as AWS does on port 443', async () => {
    const claim = await sandbox.makeClaim();
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: sandbox.port,
      ca: sandbox.ca.caCertificatePem,
      cert: claim.certificatePem,
      key: claim.privateKeyPem,
      ALPNProtocols: ['x-amzn-mqtt-ca'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      });
      expect(socket.alpnProtocol).toBe('x-amzn-mqtt-ca');
    } finally {
      socket.destroy();
    }
  });
});

describe('protocol hygiene', () => {
  it('closes a TLS connection that sends no CONNECT in time', async () => {
    const strict = await startSandbox({ connectTimeoutMs: 300 });
    try {
      const claim = await strict.makeClaim();
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: strict.port,
        ca: strict.ca.caCertificatePem,
        cert: claim.certificatePem,
        key: claim.privateKeyPem,
      });
      socket.on('error', () => undefined);
      const started = Date.now();
      await new Promise((resolve) => socket.once('close', resolve));
      expect(Date.now() - started).toBeLessThan(2000);
      await expect.poll(() => strict.logs.some((line) => line.includes('no CONNECT within'))).toBe(true);
    } finally {
      await strict.stop();
    }
  });

  it('closes on malformed, empty and oversized packets', async () => {
    const device = await registerDevice(sandbox, 'hygiene-device');
    const cases = [
      ['reserved packet type 0', Buffer.from([0x00, 0x00]), 'malformed MQTT packet'],
      ['SUBSCRIBE without filters', Buffer.from([0x82, 0x02, 0x00, 0x01]), 'SUBSCRIBE without topic filters'],
      // A PUBLISH announcing 196 KiB: refused once the bytes pass the limit, before it is complete.
      [
        'oversized',
        Buffer.concat([Buffer.from([0x30, 0x80, 0x80, 0x0c]), Buffer.alloc(150 * 1024)]),
        'packet larger than',
      ],
    ] as const;
    for (const [, bytes, logged] of cases) {
      const raw = await rawConnect(sandbox, device, {
        clientId: 'hygiene-device',
        protocolVersion: 4,
        keepalive: 60,
      });
      const gone = new Promise((resolve) => raw.socket.once('close', resolve));
      raw.socket.write(bytes);
      await gone;
      await expect.poll(() => sandbox.logs.some((line) => line.includes(logged))).toBe(true);
      await wait(1100); // CONNECT rate: 1 per second per client id
    }
  });
});

describe('by-claim style policies (pitfall: subscribes fail with specific ARNs, work with *)', () => {
  beforeAll(() => {
    const createTopics = [
      iotArn('topic/$aws/certificates/create/*'),
      iotArn(`topic/$aws/provisioning-templates/${TEMPLATE}/provision/*`),
    ];
    sandbox.registry.createPolicy('ClaimPolicyTopicForSubscribe', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive', 'iot:Subscribe'], Resource: createTopics },
      ],
    });
    sandbox.registry.createPolicy('ClaimPolicyWithoutCsr', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: createTopics },
        {
          Effect: 'Allow',
          Action: 'iot:Subscribe',
          Resource: [
            iotArn('topicfilter/$aws/certificates/create/*'),
            iotArn(`topicfilter/$aws/provisioning-templates/${TEMPLATE}/provision/*`),
          ],
        },
      ],
    });
  });

  it('Subscribe allowed on topic/… instead of topicfilter/… is refused', async () => {
    const device = await registerDevice(sandbox, 'byclaim-topic', ['ClaimPolicyTopicForSubscribe']);
    const client = await connectMqtt(sandbox, device, { clientId: 'byclaim-topic' });
    const hungUp = closed(client);
    client.subscribe(`${CREATE_KEYS_TOPIC}/accepted`, { qos: 1 });
    expect(await hungUp).toBe(true);
    await endQuietly(client);
  });

  it('create/* does not cover create-from-csr/*', async () => {
    const device = await registerDevice(sandbox, 'byclaim-nocsr', ['ClaimPolicyWithoutCsr']);
    const client = await connectMqtt(sandbox, device, { clientId: 'byclaim-nocsr' });
    try {
      // The keys flow works for a certificate with such a policy (Fleet Provisioning by claim)...
      expect((await ask(client, CREATE_KEYS_TOPIC, '{}')).outcome).toBe('accepted');
      // ...the CSR topics do not.
      const hungUp = closed(client);
      client.subscribe('$aws/certificates/create-from-csr/json/accepted', { qos: 1 });
      expect(await hungUp).toBe(true);
    } finally {
      await endQuietly(client);
    }
  });
});

describe('RegisterThing throttling', () => {
  it('answers 429 Throttling on the rejected topic above the configured rate', async () => {
    const throttled = await startSandbox({ rates: { registerThingPerSecond: 1 } });
    try {
      const claim = await throttled.makeClaim();
      const client = await connectMqtt(throttled, claim, { clientId: 'throttled-device' });
      try {
        const tokens = [
          (await createKeys(client)).certificateOwnershipToken,
          (await createKeys(client)).certificateOwnershipToken,
        ];
        await client.subscribeAsync(`${registerTopic()}/+`, { qos: 1 });
        const answers: { topic: string; body: unknown }[] = [];
        client.on('message', (topic, payload) => {
          if (topic.startsWith(registerTopic()))
            answers.push({ topic, body: JSON.parse(payload.toString()) });
        });
        for (const [index, certificateOwnershipToken] of tokens.entries()) {
          const request = { certificateOwnershipToken, parameters: { SerialNumber: `t${index}` } };
          client.publish(registerTopic(), JSON.stringify(request), { qos: 1 });
        }
        await expect.poll(() => answers.length).toBe(2);
        expect(answers.map((answer) => answer.topic).sort()).toEqual([
          `${registerTopic()}/accepted`,
          `${registerTopic()}/rejected`,
        ]);
        expect(answers.find((answer) => answer.topic.endsWith('rejected'))?.body).toEqual({
          statusCode: 429,
          errorCode: 'Throttling',
          errorMessage: 'Rate exceeded for RegisterThing; retry with backoff.',
        });
      } finally {
        await endQuietly(client);
      }
    } finally {
      await throttled.stop();
    }
  });
});

// A raw MQTT client for what the mqtt package hides (CONNACK properties, exact reason codes) ---------

type AnyPacket =
  ReturnType<typeof mqttPacket.parser> extends { on(event: 'packet', cb: (p: infer P) => void): unknown }
    ? P
    : never;

async function rawConnect(
  target: Sandbox,
  credentials: { certificatePem: string; privateKeyPem: string },
  connect: { clientId: string; protocolVersion: 4 | 5; keepalive: number },
) {
  const socket = tlsConnect({
    host: '127.0.0.1',
    port: target.port,
    ca: target.ca.caCertificatePem,
    cert: credentials.certificatePem,
    key: credentials.privateKeyPem,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  const parser = mqttPacket.parser({ protocolVersion: connect.protocolVersion });
  const received: AnyPacket[] = [];
  const waiters: { cmd: string; resolve: (packet: AnyPacket) => void }[] = [];
  parser.on('packet', (packet: AnyPacket) => {
    const waiter = waiters.findIndex((w) => w.cmd === packet.cmd);
    if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(packet);
    else received.push(packet);
  });
  socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  socket.on('error', () => undefined);
  const send = (packet: AnyPacket) =>
    socket.write(mqttPacket.generate(packet, { protocolVersion: connect.protocolVersion }));
  const next = (cmd: string) =>
    new Promise<AnyPacket>((resolve, reject) => {
      const index = received.findIndex((packet) => packet.cmd === cmd);
      if (index >= 0) return resolve(received.splice(index, 1)[0] as AnyPacket);
      const timer = setTimeout(() => reject(new Error(`no ${cmd} within 3 s`)), 3000);
      waiters.push({ cmd, resolve: (packet) => (clearTimeout(timer), resolve(packet)) });
    });
  send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: connect.protocolVersion,
    clientId: connect.clientId,
    clean: true,
    keepalive: connect.keepalive,
  });
  const connack = (await next('connack')) as IConnackPacket;
  return { socket, connack, send, next, received };
}
