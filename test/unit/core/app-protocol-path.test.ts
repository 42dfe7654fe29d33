import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppUrl, resolveAppPath } from '../../../src/main/core/app-protocol-path.js';

const root = resolve('/srv/renderer');

describe('resolveAppPath', () => {
  it('maps the root and files inside the renderer folder', () => {
    expect(resolveAppPath(root, 'app://station/')).toEqual({ ok: true, filePath: join(root, 'index.html') });
    expect(resolveAppPath(root, 'app://station/assets/index-abc.js?v=1#x')).toEqual({
      ok: true,
      filePath: join(root, 'assets/index-abc.js'),
    });
  });

  it.each([
    'app://station/../secret.txt',
    'app://station/assets/../../etc/passwd',
    'app://station/%2e%2e/etc/passwd',
    'app://station/%2E%2E%2Fetc%2Fpasswd',
    'app://station/assets/%252e%252e/%252e%252e/etc/passwd',
    'app://station/..%5c..%5cwindows%5csystem.ini',
    'app://station/assets\\..\\..\\etc\\passwd',
    'app://station/index.html%00.png',
    'app://station//etc/passwd/..',
  ])('refuses traversal in %s', (url) => {
    const result = resolveAppPath(root, url);
    if (result.ok) expect(result.filePath.startsWith(`${root}/`)).toBe(true);
    else expect([400, 403]).toContain(result.status);
  });

  it('never resolves outside the root, whatever the URL', () => {
    for (const url of ['app://station/../../..', 'app://station/./../x', 'app://station/%2e./x']) {
      const result = resolveAppPath(root, url);
      expect(result.ok && !result.filePath.startsWith(`${root}/`)).toBe(false);
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppPath(root, 'app://evil/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'file:///etc/passwd')).toEqual({ ok: false, status: 403 });
    expect(resolveAppPath(root, 'not a url')).toEqual({ ok: false, status: 400 });
  });

  it('recognises only our own app URLs as the app', () => {
    expect(isAppUrl('app://station/index.html')).toBe(true);
    expect(isAppUrl('app://station.evil/index.html')).toBe(false);
    expect(isAppUrl('https://station/index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});
