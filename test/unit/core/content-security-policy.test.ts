import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  metaContentSecurityPolicy,
} from '../../../src/shared/content-security-policy.js';

describe('Content-Security-Policy', () => {
  it('index.html carries the same policy the protocol sends, but for frame-ancestors', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(metaContentSecurityPolicy);
    expect(`${metaContentSecurityPolicy}; frame-ancestors 'none'`.split('; ').sort()).toEqual(
      contentSecurityPolicy.split('; ').sort(),
    );
  });

  it('allows no remote content, inline script or network', () => {
    expect(contentSecurityPolicy).toContain("default-src 'none'");
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).toContain("connect-src 'none'");
    expect(contentSecurityPolicy).not.toMatch(/unsafe-(inline|eval)|https?:/);
  });
});
