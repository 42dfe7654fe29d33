import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardSession, guardWebContents } from '../../../src/main/shell/web-contents-guards.js';
import { SessionStandIn, WebContentsStandIn } from './electron-stand-in.js';

describe('web contents guards', () => {
  it('denies new windows, navigation, redirects and webviews', () => {
    const contents = new WebContentsStandIn();
    const log: string[] = [];
    guardWebContents(contents as unknown as WebContents, (line) => log.push(line));
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.fire('will-navigate', 'https://example.com/phish')).toBe(true);
    expect(contents.fire('will-navigate', 'app://station/index.html')).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.com')).toBe(true);
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
    expect(log.join('\n')).toContain('refused navigation');
  });

  it('grants no permission to web content', () => {
    const session = new SessionStandIn();
    guardSession(session as unknown as Session);
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'serial', 'usb', 'geolocation']) {
      session.permissionRequest?.({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(session.permissionCheck?.()).toBe(false);
    expect(session.devicePermission?.()).toBe(false);
  });
});
