import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleAppProtocol } from '../../../src/main/shell/app-protocol.js';
import { contentSecurityPolicy } from '../../../src/shared/content-security-policy.js';
import { ProtocolStandIn } from './electron-stand-in.js';

describe('app:// protocol handler', () => {
  const protocol = new ProtocolStandIn();
  let root: string;

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'station-protocol-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>station</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
    handleAppProtocol(protocol, root);
  });

  it('serves index.html with the CSP header', async () => {
    const response = await protocol.fetch('app://station/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<title>station</title>');
  });

  it('serves assets with their content type', async () => {
    const response = await protocol.fetch('app://station/assets/app.js');
    expect(response.headers.get('content-type')).toContain('javascript');
  });

  it.each([
    'app://station/../secret.txt',
    'app://station/%2e%2e/secret.txt',
    'app://station/assets/%2e%2e%2f..%2fsecret.txt',
  ])('refuses %s without reading outside the folder', async (url) => {
    const response = await protocol.fetch(url);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('answers 404 for a missing file and 405 for other methods', async () => {
    expect((await protocol.fetch('app://station/missing.js')).status).toBe(404);
    expect((await protocol.fetch('app://station/index.html', { method: 'POST', body: 'x' })).status).toBe(
      405,
    );
  });
});
