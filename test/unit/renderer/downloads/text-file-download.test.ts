import { describe, expect, it } from 'vitest';
import {
  blobTypeOf,
  type DownloadEnvironment,
  revokeAfterMs,
  safeFileName,
  saveTextFile,
} from '../../../../src/renderer/src/downloads/text-file-download.js';

function recordingEnvironment(options: { clickFails?: boolean } = {}) {
  const blobs: Blob[] = [];
  const clicks: { url: string; fileName: string }[] = [];
  const revoked: string[] = [];
  const scheduled: { ms: number; run: () => void }[] = [];
  const environment: DownloadEnvironment = {
    createObjectURL(blob) {
      blobs.push(blob);
      return `blob:station/${blobs.length}`;
    },
    revokeObjectURL: (url) => revoked.push(url),
    clickDownloadLink(url, fileName) {
      if (options.clickFails) throw new Error('no link');
      clicks.push({ url, fileName });
    },
    later: (run, ms) => scheduled.push({ ms, run }),
  };
  return { environment, blobs, clicks, revoked, scheduled };
}

describe('saveTextFile', () => {
  it('saves the exact content through a UTF-8 blob and a link with the file name', async () => {
    const recorded = recordingEnvironment();
    const content = 'serial,thing\nSN-1,Zählerkopf-1\n';
    const name = saveTextFile(
      { fileName: 'provisioning-audit-2025.csv', mediaType: 'text/csv', content },
      recorded.environment,
    );
    expect(name).toBe('provisioning-audit-2025.csv');
    expect(recorded.clicks).toEqual([{ url: 'blob:station/1', fileName: 'provisioning-audit-2025.csv' }]);
    expect(recorded.blobs[0]?.type).toBe('text/csv;charset=utf-8');
    expect(await recorded.blobs[0]?.text()).toBe(content);
  });

  it('revokes the object URL only later, also when the click failed', () => {
    const recorded = recordingEnvironment();
    saveTextFile({ fileName: 'a.json', mediaType: 'application/json', content: '[]' }, recorded.environment);
    expect(recorded.revoked).toEqual([]);
    expect(recorded.scheduled.map((entry) => entry.ms)).toEqual([revokeAfterMs]);
    recorded.scheduled[0]?.run();
    expect(recorded.revoked).toEqual(['blob:station/1']);

    const failing = recordingEnvironment({ clickFails: true });
    expect(() =>
      saveTextFile({ fileName: 'a.json', mediaType: 'application/json', content: '[]' }, failing.environment),
    ).toThrow('no link');
    failing.scheduled[0]?.run();
    expect(failing.revoked).toEqual(['blob:station/1']);
  });
});

describe('safeFileName', () => {
  it('keeps a plain name', () => {
    expect(safeFileName('station-report-2025-01-01T10-00-00Z.txt', 'x')).toBe(
      'station-report-2025-01-01T10-00-00Z.txt',
    );
  });

  it('cannot name a folder, a hidden file or a character Windows refuses', () => {
    expect(safeFileName('../../etc/passwd', 'x')).toBe('-..-etc-passwd');
    expect(safeFileName('a\\b:c*?"<>|.csv', 'x')).toBe('a-b-c------.csv');
    expect(safeFileName('.hidden', 'x')).toBe('hidden');
    expect(safeFileName('line\nbreak.txt', 'x')).toBe('linebreak.txt');
  });

  it('falls back when nothing is left and keeps the end (the extension) of a long name', () => {
    expect(safeFileName(' .. ', 'station-export.txt')).toBe('station-export.txt');
    const long = `${'a'.repeat(200)}.csv`;
    expect(safeFileName(long, 'x')).toHaveLength(120);
    expect(safeFileName(long, 'x').endsWith('.csv')).toBe(true);
  });
});

describe('blobTypeOf', () => {
  it('says UTF-8 for text and JSON only', () => {
    expect(blobTypeOf('text/plain')).toBe('text/plain;charset=utf-8');
    expect(blobTypeOf('application/json')).toBe('application/json;charset=utf-8');
    expect(blobTypeOf('application/octet-stream')).toBe('application/octet-stream');
  });
});
