import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../../shared/content-security-policy.js';
import { appScheme, contentTypeOf, resolveAppPath } from '../core/app-protocol-path.js';

/** Must run before the app is ready: app:// behaves like https (secure, standard origin). */
export const appSchemePrivileges = {
  scheme: appScheme,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
};

/** Serves the built renderer from one folder over app://station/, with the CSP as a header. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDirectory: string): void {
  protocol.handle(appScheme, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    const resolved = resolveAppPath(rendererDirectory, request.url);
    if (!resolved.ok) return new Response(null, { status: resolved.status });
    try {
      const body = await readFile(resolved.filePath);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': contentTypeOf(resolved.filePath),
          'content-security-policy': contentSecurityPolicy,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
