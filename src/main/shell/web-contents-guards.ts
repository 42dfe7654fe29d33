import type { Session, WebContents } from 'electron';

/**
 * The renderer may not leave our origin: no navigation, no new windows, no webviews, and no
 * permission (camera, notifications, serial, USB, ...) is ever granted to web content.
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

export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
