import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './broker-fixture.js';

/**
 * The sandbox README's advice for a sample without a CA option: SSL_CERT_FILE pointing at the system
 * bundle plus the sandbox CA. AWS's device SDK (aws-crt) reads its trust store when it starts, so
 * the device runs in its own process, given no CA, only the endpoint (a bare host) and the port.
 */

const systemBundle = '/etc/ssl/certs/ca-certificates.crt';
const haveBundle = existsSync(systemBundle);
if (!haveBundle)
  console.log(`SSL_CERT_FILE test skipped: no system bundle at ${systemBundle} (not Debian/Ubuntu)`);

/** A device that, like the samples, passes no CA: aws-crt's default trust store decides. */
const deviceScript = `
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { iot, mqtt5 } from 'aws-iot-device-sdk-v2';
const [host, port, certFile, keyFile] = process.argv.slice(1);
const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
  host, readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'));
builder.withPort(Number(port));
builder.withConnectProperties({ clientId: 'trust-bundle-device', keepAliveIntervalSeconds: 60 });
const client = new mqtt5.Mqtt5Client(builder.build());
const outcome = Promise.race([
  once(client, 'connectionSuccess').then(() => 'connected'),
  once(client, 'connectionFailure').then(([event]) => 'failed: ' + String(event.error)),
  new Promise((resolve) => setTimeout(() => resolve('still connecting after 8 s'), 8000)),
]);
client.start();
console.log(await outcome);
client.stop();
client.close();
process.exit(0);
`;

describe.skipIf(!haveBundle)('SSL_CERT_FILE = system bundle + sandbox CA', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'trust-bundle-'));
  });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets AWS's device SDK, given no CA, connect to the sandbox broker", async () => {
    const claim = await sandbox.makeClaim();
    writeFileSync(join(dir, 'claim.pem'), claim.certificatePem);
    writeFileSync(join(dir, 'claim.key'), claim.privateKeyPem, { mode: 0o600 });
    // The README's command: cat <system bundle> <sandbox CA> > sandbox-trust.pem
    writeFileSync(
      join(dir, 'sandbox-trust.pem'),
      readFileSync(systemBundle, 'utf8') + sandbox.ca.caCertificatePem,
    );
    const output = await new Promise<string>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          deviceScript,
          '127.0.0.1',
          String(sandbox.port),
          join(dir, 'claim.pem'),
          join(dir, 'claim.key'),
        ],
        {
          env: { ...process.env, SSL_CERT_FILE: join(dir, 'sandbox-trust.pem') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let printed = '';
      child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      child.on('close', () => resolve(printed.trim()));
    });
    expect(output).toBe('connected');
    expect(sandbox.logs).toContainEqual(
      expect.stringMatching(/^trust-bundle-device connected \(MQTT 5, claim/),
    );
  });
});
