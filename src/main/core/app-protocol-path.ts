import { isAbsolute, relative, resolve, sep } from 'node:path';

export const appScheme = 'app';
export const appHost = 'station';
export const appOrigin = `${appScheme}://${appHost}`;

export type AppPathResult = { ok: true; filePath: string } | { ok: false; status: 400 | 403 | 404 };

/**
 * Maps an app://station/... URL to a file inside the built renderer folder, refusing anything
 * that could leave it: `..` segments (plain or percent-encoded, once or twice), backslashes,
 * NUL bytes, absolute paths and other hosts. The root itself maps to index.html.
 */
export function resolveAppPath(rootDirectory: string, requestUrl: string): AppPathResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return { ok: false, status: 403 };

  // The URL parser already folded plain `..`; look at the raw text for encoded forms too.
  const rawPath = requestUrl.slice(requestUrl.indexOf(appHost) + appHost.length).split(/[?#]/)[0] ?? '';
  if (/%2e|%2f|%5c|%00|\\/i.test(rawPath)) return { ok: false, status: 403 };

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.split('/').includes('..')) return { ok: false, status: 403 };

  const relativePath = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rootDirectory);
  const filePath = resolve(root, relativePath);
  const inside = relative(root, filePath);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return { ok: false, status: 403 };
  }
  return { ok: true, filePath };
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

export function contentTypeOf(filePath: string): string {
  const dot = filePath.lastIndexOf('.');
  return contentTypes[dot >= 0 ? filePath.slice(dot).toLowerCase() : ''] ?? 'application/octet-stream';
}

/** True for a URL of our own renderer (app://station/...). WHATWG gives custom schemes a "null" origin, so compare parts. */
export function isAppUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === `${appScheme}:` && url.host === appHost;
  } catch {
    return false;
  }
}
