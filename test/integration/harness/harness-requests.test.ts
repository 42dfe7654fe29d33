import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contentSecurityPolicy, forMetaTag } from '../../../src/shared/content-security-policy.js';
import {
  call,
  openSocket,
  rawGet,
  rawRequest,
  rawUpgrade,
  startHarnessFixture,
  type HarnessFixture,
  type RawResponse,
} from './harness-fixture.js';

let fixture: HarnessFixture;

beforeAll(async () => {
  fixture = await startHarnessFixture();
});

afterAll(async () => {
  await fixture.stop();
});

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

/** The token appears nowhere in what a refused request gets back. */
function expectNothingSaid(response: RawResponse): void {
  expect(response.body, response.text).toBe('');
  expect(response.headers.get('content-security-policy'), response.text).toBeUndefined();
  expect(response.text).not.toContain(fixture.prefix.slice(1, -1));
}

describe('what the harness serves', () => {
  it('sends the app policy, with only the harness socket added to connect-src, and nosniff', async () => {
    const response = await rawGet(fixture.port, `${fixture.prefix}index.html`, [`Host: ${fixture.host}`]);
    expect(response.status, response.text).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    const sent = directives(policy);
    const app = directives(contentSecurityPolicy);
    expect(app.get('connect-src')).toBe("'none'");
    expect(sent.get('connect-src')).toBe(`ws://${fixture.host}${fixture.prefix}ipc`);
    sent.delete('connect-src');
    app.delete('connect-src');
    expect(sent).toEqual(app);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // The meta tag says the same as the header but for frame-ancestors (a meta tag cannot carry it),
    // and the bridge loads before the renderer.
    expect(sent.get('frame-ancestors')).toBe("'none'");
    expect(response.body).toContain(`content="${forMetaTag(policy)}"`);
    expect(forMetaTag(policy)).not.toContain('frame-ancestors');
    expect(response.body.indexOf('./harness-bridge.js')).toBeLessThan(
      response.body.indexOf('./assets/app.js'),
    );
  });

  it.each(['assets/app.js', 'harness-bridge.js'])('sends the same headers with %s', async (file) => {
    const page = await rawGet(fixture.port, `${fixture.prefix}index.html`, [`Host: ${fixture.host}`]);
    const response = await rawGet(fixture.port, `${fixture.prefix}${file}`, [`Host: ${fixture.host}`]);
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.body.length).toBeGreaterThan(0);
  });

  it.each<[string, () => string]>([
    ['/', () => '/'],
    ['/index.html', () => '/index.html'],
    ['/assets/app.js', () => '/assets/app.js'],
    ['/ipc', () => '/ipc'],
    ['the token one level down', () => `/x${fixture.prefix}index.html`],
    ['the token without its slash', () => fixture.prefix.slice(0, -1)],
  ])('answers 404, without the page policy, for %s outside the token', async (_what, path) => {
    const response = await rawGet(fixture.port, path(), [`Host: ${fixture.host}`]);
    expect(response.status, response.text).toBe(404);
    expectNothingSaid(response);
  });

  it('answers 404 for a wrong token and for a file that is not there', async () => {
    const wrongToken = await rawGet(fixture.port, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/index.html', [
      `Host: ${fixture.host}`,
    ]);
    expect(wrongToken.status).toBe(404);
    expectNothingSaid(wrongToken);
    const missing = await rawGet(fixture.port, `${fixture.prefix}assets/none.js`, [`Host: ${fixture.host}`]);
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('');
  });

  it('refuses a path that climbs out of the renderer folder', async () => {
    const response = await rawGet(fixture.port, `${fixture.prefix}..%2f..%2fpackage.json`, [
      `Host: ${fixture.host}`,
    ]);
    expect(response.status).toBe(403);
    expect(response.body).toBe('');
  });

  it('answers 405 to anything but GET inside the token', async () => {
    const response = await rawRequest(
      fixture.port,
      `POST ${fixture.prefix}index.html HTTP/1.1\r\nHost: ${fixture.host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(405);
    expect(response.body).toBe('');
  });
});

describe('the Host check', () => {
  const badHosts: [string, () => string[]][] = [
    ['a DNS-rebound name on our port', () => [`Host: evil.example:${String(fixture.port)}`]],
    ['localhost (the harness hands out 127.0.0.1 only)', () => [`Host: localhost:${String(fixture.port)}`]],
    ['our address on another port', () => [`Host: 127.0.0.1:${String(fixture.port + 1)}`]],
    ['our address without the port', () => ['Host: 127.0.0.1']],
    ['an empty Host', () => ['Host: ']],
    ['no Host at all', () => []],
    [
      'our Host and a second one',
      () => [`Host: ${fixture.host}`, `Host: evil.example:${String(fixture.port)}`],
    ],
  ];

  it.each(badHosts)('refuses the page to %s', async (_what, hostLines) => {
    const response = await rawGet(fixture.port, `${fixture.prefix}index.html`, hostLines());
    expect(response.status, response.text).toBe(421);
    expectNothingSaid(response);
  });

  it('refuses an HTTP/1.0 request without Host too', async () => {
    const response = await rawRequest(fixture.port, `GET ${fixture.prefix}index.html HTTP/1.0\r\n\r\n`);
    expect(response.status, response.text).toBe(421);
    expectNothingSaid(response);
  });

  it.each(badHosts)('refuses the IPC socket to %s, even with the right Origin', async (_what, hostLines) => {
    const response = await rawUpgrade(fixture.port, `${fixture.prefix}ipc`, [
      ...hostLines(),
      `Origin: ${fixture.origin}`,
    ]);
    expect(response.status, response.text).toBe(421);
    expectNothingSaid(response);
  });

  it('refuses a ws client that names another host', async () => {
    const socket = new WebSocket(`ws://${fixture.host}${fixture.prefix}ipc`, {
      origin: fixture.origin,
      headers: { host: `evil.example:${String(fixture.port)}` },
    });
    expect(await refusalStatus(socket)).toBe(421);
  });

  it('accepts the raw handshake with our Host and Origin (the refusals above are not the test harness failing)', async () => {
    const response = await rawUpgrade(fixture.port, `${fixture.prefix}ipc`, [
      `Host: ${fixture.host}`,
      `Origin: ${fixture.origin}`,
    ]);
    expect(response.status, response.text).toBe(101);
  });
});

describe('the Origin check on the IPC socket', () => {
  it.each<[string, () => { path: string; origin?: string }]>([
    ['no Origin', () => ({ path: `${fixture.prefix}ipc` })],
    ['another origin', () => ({ path: `${fixture.prefix}ipc`, origin: 'http://evil.example' })],
    [
      'localhost as origin',
      () => ({ path: `${fixture.prefix}ipc`, origin: `http://localhost:${String(fixture.port)}` }),
    ],
    ['https on our address', () => ({ path: `${fixture.prefix}ipc`, origin: `https://${fixture.host}` })],
    ['the opaque origin of a sandboxed frame', () => ({ path: `${fixture.prefix}ipc`, origin: 'null' })],
    [
      'our origin with a wrong token',
      () => ({ path: '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/ipc', origin: fixture.origin }),
    ],
    ['our origin without a token', () => ({ path: '/ipc', origin: fixture.origin })],
    [
      'our origin on another path under the token',
      () => ({ path: `${fixture.prefix}ipc2`, origin: fixture.origin }),
    ],
  ])('refuses %s with 403', async (_what, request) => {
    const { path, origin } = request();
    const socket = new WebSocket(`ws://${fixture.host}${path}`, origin === undefined ? {} : { origin });
    expect(await refusalStatus(socket)).toBe(403);

    const raw = await rawUpgrade(fixture.port, path, [
      `Host: ${fixture.host}`,
      ...(origin === undefined ? [] : [`Origin: ${origin}`]),
    ]);
    expect(raw.status, raw.text).toBe(403);
    expectNothingSaid(raw);
  });

  it('answers a station call from our origin, host and token', async () => {
    const socket = await openSocket(fixture);
    expect(await call(socket, 1, 'app.info')).toMatchObject({
      ok: true,
      value: { name: 'Provisioning Station' },
    });
    socket.close();
  });
});

/** The HTTP status a refused handshake got; fails the test if the socket opened instead. */
function refusalStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the socket opened'));
    });
    socket.once('unexpected-response', (_request, response) => {
      resolveStatus(response.statusCode ?? 0);
      response.destroy();
    });
    socket.once('error', () => undefined);
  });
}
