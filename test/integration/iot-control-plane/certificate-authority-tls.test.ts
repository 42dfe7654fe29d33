import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';

/**
 * The CA's certificates in a real mutual-TLS handshake, as the MQTT broker will use them: the
 * server certificate for 127.0.0.1/localhost, claim and device certificates as client certificates.
 */

const clock = new ManualClock(Date.now());
let ca: CertificateAuthority;
let port: number;
let server: ReturnType<typeof createServer>;
const seenClients: { authorized: boolean; subject: string | undefined }[] = [];

beforeAll(async () => {
  ca = await CertificateAuthority.create({ clock });
  const serverCertificate = await ca.issueServerCertificate({
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  server = createServer(
    {
      cert: serverCertificate.certificatePem,
      key: serverCertificate.privateKeyPem,
      ca: ca.caCertificatePem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      const commonName = socket.getPeerCertificate().subject?.CN;
      seenClients.push({
        authorized: socket.authorized,
        subject: Array.isArray(commonName) ? commonName.join(',') : commonName,
      });
      socket.end('hello');
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await once(server, 'close');
});

/** Connects with a client certificate; resolves with what the server sent or rejects with the TLS error. */
async function handshake(client: { cert: string; key: string }, host = '127.0.0.1'): Promise<string> {
  const socket: TLSSocket = connect({
    host: '127.0.0.1',
    servername: host === '127.0.0.1' ? undefined : host,
    port,
    ca: ca.caCertificatePem,
    ...client,
  });
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () =>
      chunks.length > 0
        ? resolve(Buffer.concat(chunks).toString())
        : reject(new Error('closed without data')),
    );
  });
}

describe('sandbox CA certificates in mutual TLS', () => {
  it('authenticates the broker to clients and a claim certificate to the broker', async () => {
    const claim = await ca.issueClaimCertificate({ validForSeconds: 300 });
    await expect(handshake({ cert: claim.certificatePem, key: claim.privateKeyPem })).resolves.toBe('hello');
    expect(seenClients.at(-1)).toEqual({ authorized: true, subject: 'AWS IoT Certificate' });
  });

  it('authenticates a device certificate issued for a CSR-less key pair', async () => {
    const device = await ca.issueDeviceCertificate();
    await expect(handshake({ cert: device.certificatePem, key: device.privateKeyPem ?? '' })).resolves.toBe(
      'hello',
    );
  });

  it('lets TLS refuse a claim certificate whose validity has passed', async () => {
    // Issued "10 minutes ago" with a 5-minute life: expired by the real clock TLS checks against.
    clock.advance(-10 * 60_000);
    const stale = await ca.issueClaimCertificate({ validForSeconds: 300 });
    clock.advance(10 * 60_000);
    expect(stale.expiration).toBeLessThan(Date.now() / 1000);
    const accepted = seenClients.length;
    // With TLS 1.3 the client only sees the connection close; the server never accepts it. The
    // certificate differs from the accepted claim above only in its dates.
    await expect(handshake({ cert: stale.certificatePem, key: stale.privateKeyPem })).rejects.toThrow();
    expect(seenClients).toHaveLength(accepted);
  });

  it('is matched by the server name the client checks', async () => {
    const device = await ca.issueDeviceCertificate();
    await expect(
      handshake({ cert: device.certificatePem, key: device.privateKeyPem ?? '' }, 'localhost'),
    ).resolves.toBe('hello');
    await expect(
      handshake({ cert: device.certificatePem, key: device.privateKeyPem ?? '' }, 'elsewhere.example'),
    ).rejects.toThrow(/elsewhere\.example/);
  });
});
