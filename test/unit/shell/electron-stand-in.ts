import { EventEmitter } from 'node:events';

/**
 * A faithful-enough stand-in for the Electron objects the shell touches, for tests on machines
 * where no Electron binary exists. It records what the shell registers and lets tests drive it.
 */
export class WebContentsStandIn extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  /** Emits like Electron: listeners may call event.preventDefault(). Returns whether it was prevented. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    this.emit(name, event, ...args);
    return prevented;
  }
}

export class SessionStandIn extends WebContentsStandIn {
  permissionRequest:
    | ((
        wc: unknown,
        permission: string,
        callback: (granted: boolean) => void,
        details: { requestingUrl?: string },
      ) => void)
    | undefined;
  permissionCheck: ((...args: unknown[]) => boolean) | undefined;
  devicePermission: ((...args: unknown[]) => boolean) | undefined;
  setPermissionRequestHandler(handler: SessionStandIn['permissionRequest']) {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: SessionStandIn['permissionCheck']) {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: SessionStandIn['devicePermission']) {
    this.devicePermission = handler;
  }
}

export class ProtocolStandIn {
  readonly handlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
    this.handlers.set(scheme, handler);
  }
  fetch(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`no handler for ${scheme}`);
    // Request() refuses unknown schemes in Node, as Chromium would not; carry the URL by hand.
    const request = new Request('http://placeholder/', init);
    Object.defineProperty(request, 'url', { value: url });
    return Promise.resolve(handler(request));
  }
}
