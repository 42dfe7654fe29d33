import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { runBenchHealth } from '../../../src/main/core/health/bench-health.js';
import { clockSkewCheck } from '../../../src/main/core/health/clock-skew-check.js';
import { probeEndpoints } from '../../../src/main/core/health/endpoint-check.js';
import { profileEndpoints } from '../../../src/main/core/health/profile-endpoints.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import type { BenchCheckView, BenchHealthView } from '../../../src/shared/view-models.js';

/**
 * Reachability and the clock against real servers on loopback: the sandbox (all four endpoints,
 * MQTT over mutual TLS included), a tiny HTTP server whose clock is 10 minutes off, one that never
 * answers, and ports where nothing listens.
 */

const minute = 60_000;
const servers: (Server | TcpServer)[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function listen<T extends Server | TcpServer>(server: T): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

/** A loopback HTTP server that answers 400 (as Cognito does to a bare GET) with its clock `offsetMs` off. */
function skewedServer(offsetMs: number): Promise<string> {
  return listen(
    createHttpServer((_request, response) => {
      response.setHeader('Date', new Date(Date.now() + offsetMs).toUTCString());
      response.writeHead(400, { 'content-type': 'application/json' }).end('{}');
    }),
  );
}

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const address = await new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const bound = server.address();
      resolve(String(typeof bound === 'object' && bound ? bound.port : 0));
    }),
  );
  await new Promise((resolve) => server.close(resolve));
  return Number(address);
}

function check(view: BenchHealthView, id: string): BenchCheckView {
  const found = view.checks.find((entry) => entry.id === id);
  if (!found) throw new Error(`no ${id} check`);
  return found;
}

describe('clock skew from a real Date header', () => {
  it('is a problem when the server’s clock is 10 minutes behind this one, with the sync command', async () => {
    const address = await skewedServer(-10 * minute);
    const probes = await probeEndpoints([
      { name: 'Cognito user pool', protocol: 'http', address: `http://${address}` },
    ]);
    expect(probes[0]).toMatchObject({ outcome: 'reachable', detail: 'HTTP 400' });
    const view = clockSkewCheck('linux', true, probes);
    expect(view.status).toBe('problem');
    expect(view.summary).toMatch(
      /clock is 10 min( \d+ s)? ahead of the servers' \(from Cognito user pool's Date header\)/,
    );
    expect(view.command).toBe('sudo timedatectl set-ntp true');
  });

  it('warns at 2 minutes and is ok at the same time', async () => {
    const ahead = await skewedServer(2 * minute);
    const same = await skewedServer(0);
    const probes = await probeEndpoints([
      { name: 'fast', protocol: 'http', address: `http://${ahead}` },
      { name: 'right', protocol: 'http', address: `http://${same}` },
    ]);
    const warning = clockSkewCheck('linux', true, probes);
    expect(warning.status).toBe('warning');
    expect(warning.summary).toMatch(/behind the servers' \(from fast's Date header\)/);
    expect(clockSkewCheck('linux', true, probes.slice(1)).status).toBe('ok');
  });

  it('compares with the core’s clock, not the system’s', async () => {
    const address = `http://${await skewedServer(0)}`;
    const profile = awsProfile({
      cognito: address,
      identity: address,
      iot: address,
      data: `127.0.0.1:${await closedPort()}`,
    });
    const view = await runBenchHealth({
      platform: 'linux',
      portPaths: [],
      profile,
      profileSource: 'imported',
      secretStorage: null,
      now: () => Date.now() + 20 * minute,
    });
    expect(check(view, 'clock-skew').summary).toMatch(/20 min( \d+ s)? ahead of/);
    expect(view.checkedAt).toBeGreaterThan(Date.now() + 19 * minute);
  });
});

describe('reachability', () => {
  it('gives up on a server that never answers within the timeout, and says so', async () => {
    const silent = createTcpServer((socket) => sockets.push(socket));
    const address = await listen(silent);
    const started = performance.now();
    const [probe] = await probeEndpoints(
      [{ name: 'silent', protocol: 'http', address: `http://${address}` }],
      {
        timeoutMs: 300,
      },
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(probe).toMatchObject({
      outcome: 'unreachable',
      code: 'ETIMEDOUT',
      detail: 'no answer within 0.3 s',
    });
    const [tls] = await probeEndpoints([{ name: 'silent tls', protocol: 'tls', address }], {
      timeoutMs: 300,
    });
    expect(tls?.detail).toMatch(/connected, but no TLS answer within 0.3 s/);
  });

  it('words an AWS profile’s failures as network, firewall or proxy', async () => {
    const port = await closedPort();
    const origin = `https://127.0.0.1:${port}`;
    const view = await runBenchHealth({
      platform: 'linux',
      portPaths: [],
      profile: awsProfile({ cognito: origin, identity: origin, iot: origin, data: `127.0.0.1:${port}` }),
      profileSource: 'imported',
      secretStorage: null,
      now: Date.now,
    });
    const reach = check(view, 'aws-reachable');
    expect(reach.status).toBe('problem');
    expect(reach.summary).toMatch(
      /^No answer from AWS: Cognito user pool https:\/\/127\.0\.0\.1:\d+: connection refused/,
    );
    expect(reach.summary).toMatch(/IoT data endpoint \(MQTT over TLS\) 127\.0\.0\.1:\d+: connection refused/);
    expect(reach.fix).toMatch(/network \(cable or Wi-Fi\).*firewall.*proxy/);
    expect(check(view, 'clock-skew')).toMatchObject({ status: 'warning' });
  });
});

describe('the real sandbox', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ ports: { cognito: 0, controlPlane: 0, mqtt: 0 }, log: () => undefined });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('is reachable on every endpoint, the MQTT broker over TLS with the profile’s CA, and its clock agrees', async () => {
    const view = await runBenchHealth({
      platform: 'linux',
      portPaths: [],
      profile: sandbox.profile,
      profileSource: 'command-line',
      secretStorage: null,
      now: Date.now,
    });
    const reach = check(view, 'aws-reachable');
    expect(reach.status, reach.summary).toBe('ok');
    expect(reach.summary).toContain(
      `IoT data endpoint (MQTT over TLS) ${sandbox.profile.iot.dataEndpoint}: TLS`,
    );
    expect(reach.summary).toContain(
      `IoT control plane ${sandbox.endpoints.controlPlane.replace(/\/$/, '')}: HTTP`,
    );
    expect(check(view, 'clock-skew')).toMatchObject({ status: 'ok' });
  });

  it('refuses the broker’s certificate without the profile’s CA', async () => {
    const data = profileEndpoints(sandbox.profile).filter((endpoint) => endpoint.protocol === 'tls');
    const [probe] = await probeEndpoints(data);
    expect(probe?.outcome).toBe('tls-refused');
    expect(probe?.detail).toMatch(/its TLS certificate was refused \([A-Z_]+\)/);
  });

  it('says the sandbox is not running once it stops, and how to start it, within the time bound', async () => {
    await sandbox.stop();
    const started = performance.now();
    const view = await runBenchHealth({
      platform: 'linux',
      portPaths: [],
      profile: sandbox.profile,
      profileSource: 'command-line',
      secretStorage: null,
      now: Date.now,
    });
    expect(performance.now() - started).toBeLessThan(5000);
    const reach = check(view, 'aws-reachable');
    expect(reach.status).toBe('problem');
    expect(reach.summary).toMatch(/^The sandbox is not running/);
    expect(reach.summary).toMatch(/connection refused/);
    expect(reach.command).toBe('npm run sandbox');
    expect(reach.fix).toMatch(/embedded sandbox/);
  });

  it('tells the operator of the embedded sandbox, which the station starts itself, to restart or choose it again', async () => {
    await sandbox.stop();
    const view = await runBenchHealth({
      platform: 'linux',
      portPaths: [],
      profile: sandbox.profile,
      profileSource: 'embedded',
      secretStorage: null,
      now: Date.now,
      probeTimeoutMs: 1000,
    });
    const reach = check(view, 'aws-reachable');
    expect(reach).toMatchObject({ status: 'problem', title: 'Sandbox reachable', command: null });
    expect(reach.summary).toMatch(/^The embedded sandbox is not answering.*connection refused/);
    expect(reach.fix).toMatch(/^Restart the station.*choose "Use the embedded sandbox" again/);
    expect(reach.fix).not.toMatch(/npm run/);
  });
});

function awsProfile(endpoints: {
  cognito: string;
  identity: string;
  iot: string;
  data: string;
}): StationProfile {
  return {
    name: 'Unreachable test account',
    kind: 'aws',
    region: 'eu-west-1',
    cognito: {
      userPoolId: 'eu-west-1_Test123',
      userPoolClientId: 'testclient',
      identityPoolId: 'eu-west-1:00000000-0000-0000-0000-000000000000',
      userPoolEndpoint: endpoints.cognito,
      identityPoolEndpoint: endpoints.identity,
    },
    iot: { controlPlaneEndpoint: endpoints.iot, dataEndpoint: endpoints.data, templateName: 'BenchTemplate' },
  };
}
