import type { Session, WebContents } from 'electron';
import { appOrigin } from '../core/app-protocol-path.js';

/**
 * The renderer may not leave our origin: no navigation, no new windows, no webviews, and no
 * permission (camera, notifications, serial, USB, ...) is granted to web content — except writing
 * text to the clipboard from our own page (the Copy buttons of the system report and fixes).
 */
export function guardWebContents(contents: WebContents, log: (line: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    log(`security: refused to open a window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`security: refused navigation to ${url.slice(0, 200)}`);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

const clipboardWrite = 'clipboard-sanitized-write';

function isOurs(url: string | undefined): boolean {
  return url !== undefined && (url === appOrigin || url.startsWith(`${appOrigin}/`));
}

export function guardSession(session: Session, log: (line: string) => void = () => undefined): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permission === clipboardWrite && isOurs(details.requestingUrl)),
  );
  session.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) => permission === clipboardWrite && isOurs(requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  // Exports and reports are saved from blob: URLs our page made; Electron asks where to save them.
  session.on('will-download', (event, item) => {
    if (item.getURL().startsWith(`blob:${appOrigin}/`)) return;
    event.preventDefault();
    log(`security: refused a download (${schemeAndOrigin(item.getURL())})`);
  });
}

/** What a log line may say of a refused URL: its scheme and origin, never its path or query. */
function schemeAndOrigin(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return 'an unreadable URL';
  // A blob: URL carries the origin of the page that made it.
  const origin = parsed.protocol === 'blob:' ? URL.parse(parsed.pathname) : parsed;
  // Node gives non-special schemes (app:) an opaque origin; their host is what names them.
  const named = origin?.host ? `${origin.protocol}//${origin.host}` : 'no origin';
  return `a ${parsed.protocol} URL from ${named}`.slice(0, 300);
}
