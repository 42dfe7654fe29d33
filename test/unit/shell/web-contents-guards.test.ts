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

  it('grants no permission to web content but clipboard writing from our own page', () => {
    const session = new SessionStandIn();
    guardSession(session as unknown as Session);
    const answers: boolean[] = [];
    const ours = { requestingUrl: 'app://station/index.html' };
    for (const permission of ['media', 'notifications', 'serial', 'usb', 'geolocation', 'clipboard-read']) {
      session.permissionRequest?.({}, permission, (granted) => answers.push(granted), ours);
    }
    expect(answers).toEqual([false, false, false, false, false, false]);
    session.permissionRequest?.({}, 'clipboard-sanitized-write', (granted) => answers.push(granted), ours);
    session.permissionRequest?.({}, 'clipboard-sanitized-write', (granted) => answers.push(granted), {
      requestingUrl: 'https://example.com/',
    });
    expect(answers.slice(-2)).toEqual([true, false]);
    expect(session.permissionCheck?.({}, 'clipboard-sanitized-write', 'app://station')).toBe(true);
    expect(session.permissionCheck?.({}, 'clipboard-sanitized-write', 'app://stationx')).toBe(false);
    expect(session.permissionCheck?.({}, 'media', 'app://station')).toBe(false);
    expect(session.devicePermission?.()).toBe(false);
  });

  it('saves downloads only from blob: URLs of our own page', () => {
    const session = new SessionStandIn();
    const log: string[] = [];
    guardSession(session as unknown as Session, (line) => log.push(line));
    const item = (url: string) => ({ getURL: () => url });
    expect(session.fire('will-download', item('blob:app://station/2f1c'))).toBe(false);
    expect(session.fire('will-download', item('https://example.com/payload.exe'))).toBe(true);
    expect(session.fire('will-download', item('blob:https://example.com/2f1c'))).toBe(true);
    expect(log).toEqual([
      'security: refused a download (a https: URL from https://example.com)',
      'security: refused a download (a blob: URL from https://example.com)',
    ]);
  });

  it('logs a refused download by its scheme and origin only, never its path, query or user info', () => {
    const session = new SessionStandIn();
    const log: string[] = [];
    guardSession(session as unknown as Session, (line) => log.push(line));
    const refuse = (url: string) => {
      expect(session.fire('will-download', { getURL: () => url }), url).toBe(true);
      return log.at(-1);
    };
    expect(refuse('https://operator:hunter2@files.example.com:8443/c/SIM0042.csv?token=abc#k')).toBe(
      'security: refused a download (a https: URL from https://files.example.com:8443)',
    );
    expect(refuse('blob:app://stationx/9d2e?secret=1')).toBe(
      'security: refused a download (a blob: URL from app://stationx)',
    );
    expect(refuse('data:text/plain;base64,LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t')).toBe(
      'security: refused a download (a data: URL from no origin)',
    );
    expect(refuse('file:///home/bench/.ssh/id_ed25519')).toBe(
      'security: refused a download (a file: URL from no origin)',
    );
    expect(refuse('not a URL /private/path')).toBe('security: refused a download (an unreadable URL)');
    for (const line of log)
      expect(line).not.toMatch(/hunter2|operator|SIM0042|token|9d2e|secret|LS0t|ssh|private/);
  });
});
