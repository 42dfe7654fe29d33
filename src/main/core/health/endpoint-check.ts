import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import type { BenchCheckView, ProfileView } from '../../../shared/view-models.js';
import type { ProfileEndpoint } from './profile-endpoints.js';

/**
 * Whether each endpoint of the profile answers, one short request each: any HTTP answer (even
 * 400 or 403) means the network path works; for the MQTT data endpoint a TLS handshake, or a TLS
 * alert from the server (it wants a client certificate), does. Each answer's Date header is kept
 * for the clock check.
 */

export type EndpointOutcome = 'reachable' | 'unreachable' | 'tls-refused';

export interface EndpointProbe {
  endpoint: ProfileEndpoint;
  outcome: EndpointOutcome;
  /** What happened, in words: "HTTP 400", "connection refused", "no answer within 3 s". */
  detail: string;
  /** The errno or OpenSSL code of a failure, e.g. ECONNREFUSED, CERT_NOT_YET_VALID. */
  code: string | null;
  /** The server's Date header (ms since the epoch), and the local clock when the answer came. */
  serverDate: number | null;
  receivedAt: number | null;
}

export interface ProbeOptions {
  timeoutMs?: number;
  /** The local clock the Date header is compared with (the core's, where one is injected). */
  now?: () => number;
  /** CA certificates for the data endpoint (the sandbox's); AWS's are in the system's store. */
  caCertificatePem?: string;
}

const defaultTimeoutMs = 3000;

/** Probes every endpoint at once; one request per distinct address (the sandbox serves both Cognito APIs on one). */
export async function probeEndpoints(
  endpoints: readonly ProfileEndpoint[],
  options: ProbeOptions = {},
): Promise<EndpointProbe[]> {
  const byAddress = new Map<string, Promise<Omit<EndpointProbe, 'endpoint'>>>();
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const key = `${endpoint.protocol} ${endpoint.address}`;
      let probe = byAddress.get(key);
      if (!probe) {
        probe =
          endpoint.protocol === 'tls'
            ? probeTls(endpoint.address, options)
            : probeHttp(endpoint.address, options);
        byAddress.set(key, probe);
      }
      return { endpoint, ...(await probe) };
    }),
  );
}

type ProbeResult = Omit<EndpointProbe, 'endpoint'>;

function probeHttp(origin: string, options: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const now = options.now ?? Date.now;
  return new Promise((resolve) => {
    let request: ClientRequest | undefined;
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(failed('ETIMEDOUT', `no answer within ${seconds(timeoutMs)}`)),
      timeoutMs,
    );
    try {
      const send = origin.startsWith('http://') ? httpRequest : httpsRequest;
      request = send(`${origin}/`, {
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'provisioning-station-bench-health' },
      });
    } catch (error) {
      finish(fromError(error));
      return;
    }
    request.on('response', (response: IncomingMessage) => {
      const receivedAt = now();
      response.resume();
      finish({
        outcome: 'reachable',
        detail: `HTTP ${response.statusCode ?? '?'}`,
        code: null,
        serverDate: parseDate(response.headers.date),
        receivedAt,
      });
    });
    request.on('error', (error) => finish(fromError(error)));
    request.end();
  });
}

function probeTls(address: string, options: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const split = address.lastIndexOf(':');
  const host = address.slice(0, split);
  const port = Number(address.slice(split + 1));
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish(
          connected
            ? failed(
                'ETIMEDOUT',
                `connected, but no TLS answer within ${seconds(timeoutMs)} (a firewall or proxy in the way?)`,
              )
            : failed('ETIMEDOUT', `no answer within ${seconds(timeoutMs)}`),
        ),
      timeoutMs,
    );
    let socket: ReturnType<typeof tlsConnect> | undefined;
    try {
      socket = tlsConnect({
        host,
        port,
        // SNI takes host names only.
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(options.caCertificatePem ? { ca: options.caCertificatePem } : {}),
      });
    } catch (error) {
      finish(fromError(error));
      return;
    }
    socket.once('connect', () => (connected = true));
    socket.once('secureConnect', () =>
      finish({
        outcome: 'reachable',
        detail: 'TLS handshake completed',
        code: null,
        serverDate: null,
        receivedAt: null,
      }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The broker refusing a client without a certificate still proves it is there and speaks TLS.
      if (isServerAlert(error)) {
        finish({
          outcome: 'reachable',
          detail: 'TLS answered (it asks for a device certificate)',
          code: null,
          serverDate: null,
          receivedAt: null,
        });
      } else if (connected && !isCertificateError(error)) {
        finish(
          failed(
            error.code ?? 'error',
            `connected, but the connection failed before TLS finished (${error.code ?? error.message})`,
          ),
        );
      } else {
        finish(fromError(error));
      }
    });
  });
}

function failed(code: string, detail: string, outcome: EndpointOutcome = 'unreachable'): ProbeResult {
  return { outcome, detail, code, serverDate: null, receivedAt: null };
}

function fromError(error: unknown): ProbeResult {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (isCertificateError(error as NodeJS.ErrnoException)) {
    return failed(code, `its TLS certificate was refused (${code})`, 'tls-refused');
  }
  return failed(code, errorWords[code] ?? `${code}: ${(error as Error).message}`);
}

const errorWords: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOTFOUND: 'its name does not resolve (no network or DNS?)',
  EAI_AGAIN: 'DNS did not answer (no network?)',
  ENETUNREACH: 'no route to it (no network?)',
  EHOSTUNREACH: 'no route to it (no network?)',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset (a firewall or proxy in the way?)',
};

/** OpenSSL's verification failures (this side refused the server's certificate). */
export function isCertificateError(error: { code?: string | undefined }): boolean {
  return /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_CERT_ALTNAME)/.test(error.code ?? '');
}

function isServerAlert(error: { code?: string | undefined; message: string }): boolean {
  return /^ERR_SSL_.*ALERT/.test(error.code ?? '') || /alert/i.test(error.message);
}

function parseDate(header: string | undefined): number | null {
  if (!header) return null;
  const parsed = Date.parse(header);
  return Number.isFinite(parsed) ? parsed : null;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

const id = 'aws-reachable';

/** The heading names the side the station talks to, so the sandbox is never called AWS. */
export function reachabilityTitle(profile: StationProfile | undefined): string {
  return profile?.kind === 'sandbox' ? 'Sandbox reachable' : 'AWS reachable';
}

/**
 * The aws-reachable check's verdict from the probes (pure). `source` says where the profile came
 * from: the embedded sandbox is started by the station itself, so it needs no command to start it.
 */
export function reachabilityCheck(
  profile: StationProfile | undefined,
  source: ProfileView['source'],
  probes: readonly EndpointProbe[],
): BenchCheckView {
  const title = reachabilityTitle(profile);
  if (!profile) {
    return {
      id,
      title,
      status: 'problem',
      summary: 'No AWS profile is configured, so the station has nothing to sign in to or provision with.',
      fix: 'Import amplify_outputs.json or a station profile on the Profile screen, or use the sandbox.',
      command: null,
    };
  }
  const line = (probe: EndpointProbe) => `${probe.endpoint.name} ${probe.endpoint.address}: ${probe.detail}`;
  const failing = probes.filter((probe) => probe.outcome !== 'reachable');
  if (failing.length === 0) {
    return {
      id,
      title,
      status: 'ok',
      summary: `Every endpoint answered. ${probes.map(line).join('; ')}.`,
      fix: null,
      command: null,
    };
  }
  const summary = failing.map(line).join('; ');
  if (profile.kind === 'sandbox' && source === 'embedded') {
    return {
      id,
      title,
      status: 'problem',
      summary: `The embedded sandbox is not answering (or not all of it): ${summary}.`,
      // The screen offers "Use the embedded sandbox" only while another profile is in use.
      fix: 'Restart the station: it starts the embedded sandbox again by itself. Or, on the AWS profile screen, switch to another profile and choose "Use the embedded sandbox" again. Then check again.',
      command: null,
    };
  }
  if (profile.kind === 'sandbox') {
    return {
      id,
      title,
      status: 'problem',
      summary: `The sandbox is not running (or not all of it): ${summary}.`,
      fix: "Start the sandbox: run npm run sandbox in the station's source folder (it listens where this profile says), or choose the embedded sandbox on the Profile screen; then check again.",
      command: 'npm run sandbox',
    };
  }
  const refused = failing.some((probe) => probe.outcome === 'tls-refused');
  return {
    id,
    title,
    status: 'problem',
    summary: `No answer from AWS: ${summary}.`,
    fix: [
      'Check that this computer is on the network (cable or Wi-Fi), that the firewall allows HTTPS (port 443) to *.amazonaws.com and MQTT over TLS (port 8883) to the IoT data endpoint, and that a proxy, if the network needs one, lets them through.',
      refused ? 'A refused certificate comes from a wrong clock or a proxy that inspects TLS.' : '',
    ]
      .filter((part) => part !== '')
      .join(' '),
    command: null,
  };
}
