import * as fs from 'node:fs';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedactingLog } from '../../../src/main/core/logging/redacting-log.js';
import { RotatingLogFile, type LogFileSystem } from '../../../src/main/core/logging/rotating-log-file.js';
import { makeSecretSamples, pemBody, type SecretSamples } from '../ipc/secret-samples.js';

const posix = process.platform !== 'win32';
let root: string;
let now: number;
const clock = () => now;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'station-log-file-'));
  now = Date.parse('2026-03-01T08:00:00.000Z');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function logFiles(directory: string): string[] {
  return readdirSync(directory).sort();
}

describe('RotatingLogFile', () => {
  it('appends each line with its ISO time, synchronously, to <folder>/station.log', () => {
    const file = new RotatingLogFile({ directory: join(root, 'logs'), now: clock });
    file.write('session: installer signed in', now);
    now += 1500;
    file.write('batch: started "Line 3"');
    // No flush, no await: the lines are on disk as soon as write returns.
    expect(readFileSync(file.path, 'utf8')).toBe(
      '2026-03-01T08:00:00.000Z session: installer signed in\n' +
        '2026-03-01T08:00:01.500Z batch: started "Line 3"\n',
    );
    expect(file.path).toBe(join(root, 'logs', 'station.log'));
  });

  it.runIf(posix)('makes the folder 0700 and the files 0600, and tightens ones that were looser', () => {
    const directory = join(root, 'logs');
    const file = new RotatingLogFile({ directory, now: clock });
    file.write('first');
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);

    const loose = join(root, 'loose');
    looseFolderWithFile(loose, 'station.log', 'older line\n', 0o644, 0o755);
    const again = new RotatingLogFile({ directory: loose, now: clock });
    again.write('next');
    expect(statSync(loose).mode & 0o777).toBe(0o700);
    expect(statSync(again.path).mode & 0o777).toBe(0o600);
    // What was there is kept; the new line follows it.
    expect(readFileSync(again.path, 'utf8')).toMatch(/^older line\n.* next\n$/);
  });

  it('rotates before a line would pass the size limit, and keeps exactly keepFiles files', () => {
    const directory = join(root, 'logs');
    const file = new RotatingLogFile({ directory, maxBytes: 2048, keepFiles: 3, now: clock });
    // Each stamped line is 25 + 100 + 1 = 126 bytes: 16 fit in 2048.
    const line = (index: number) => `line ${String(index).padStart(4, '0')} ${'x'.repeat(90)}`;
    for (let index = 0; index < 16; index++) file.write(line(index));
    expect(logFiles(directory)).toEqual(['station.log']);
    expect(statSync(file.path).size).toBe(16 * 126);

    file.write(line(16));
    expect(logFiles(directory)).toEqual(['station.1.log', 'station.log']);
    expect(readFileSync(file.path, 'utf8')).toContain('line 0016');
    expect(readFileSync(join(directory, 'station.1.log'), 'utf8')).toContain('line 0015');

    for (let index = 17; index < 200; index++) file.write(line(index));
    expect(logFiles(directory)).toEqual(['station.1.log', 'station.2.log', 'station.log']);
    for (const name of logFiles(directory))
      expect(statSync(join(directory, name)).size).toBeLessThanOrEqual(2048);
    // Newest in station.log, then .1, then .2; everything older is gone.
    expect(readFileSync(file.path, 'utf8')).toContain('line 0199');
    const oldest = readFileSync(join(directory, 'station.2.log'), 'utf8');
    const middle = readFileSync(join(directory, 'station.1.log'), 'utf8');
    expect(firstIndex(oldest)).toBeLessThan(firstIndex(middle));
    expect(firstIndex(middle)).toBeLessThan(firstIndex(readFileSync(file.path, 'utf8')));
    expect(oldest).not.toContain('line 0000');
  });

  it('counts what an earlier run left in station.log towards the limit', () => {
    const directory = join(root, 'logs');
    new RotatingLogFile({ directory, now: clock }).write('x'.repeat(1500));
    const next = new RotatingLogFile({ directory, maxBytes: 2048, now: clock });
    next.write('y'.repeat(600));
    expect(logFiles(directory)).toEqual(['station.1.log', 'station.log']);
    expect(readFileSync(next.path, 'utf8')).toContain('yyy');
  });

  it('makes the folder again when it is deleted while the station runs', () => {
    const directory = join(root, 'logs');
    const notes: string[] = [];
    const file = new RotatingLogFile({ directory, now: clock, fallback: (line) => notes.push(line) });
    file.write('before');
    rmSync(directory, { recursive: true, force: true });
    file.write('after the folder was deleted');
    expect(readFileSync(file.path, 'utf8')).toMatch(/^\S+ after the folder was deleted\n$/);
    expect(notes).toEqual([]);
  });

  it('never throws when it cannot write: says so once, skips lines for a while, then says what it missed', () => {
    // A file where the folder should be: every write fails (as a full disk or a read-only mount would).
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const notes: string[] = [];
    const file = new RotatingLogFile({
      directory: blocked,
      now: clock,
      retryAfterMs: 30_000,
      fallback: (line) => notes.push(line),
    });
    expect(() => {
      for (let index = 0; index < 5; index++) file.write(`line ${index}`);
    }).not.toThrow();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^log: cannot write the log file .*blocked.*station\.log \(.+\); lines reach the console only, trying again every 30 s\.$/,
    );

    // Still failing after the delay: tried again, nothing more said.
    now += 31_000;
    file.write('line 5');
    expect(notes).toHaveLength(1);

    // The obstacle is gone: the next attempt after the delay writes, and says how many lines it missed.
    rmSync(blocked);
    file.write('line 6 (within the delay: skipped)');
    now += 31_000;
    file.write('line 7');
    const text = readFileSync(join(blocked, 'station.log'), 'utf8');
    expect(text).toMatch(
      /log: 7 line\(s\) could not be written to this file from 2026-03-01T08:00:00\.000Z \(.+\); they went to the console only\.\n\S+ line 7\n$/,
    );
    expect(notes).toHaveLength(1);
  });

  it('never throws when its fallback throws too', () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const file = new RotatingLogFile({
      directory: blocked,
      now: clock,
      fallback: () => {
        throw new Error('console gone');
      },
    });
    expect(() => file.write('line')).not.toThrow();
  });
});

/**
 * Node's fs, except that renaming from or to a held path fails as Windows fails it while a log viewer
 * or a virus scanner has the file open; it counts the opens and can fail the next writes.
 */
function benchFileSystem() {
  const held = new Set<string>();
  const counts = { opens: 0, closes: 0, failWrites: 0 };
  const fileSystem: LogFileSystem = {
    ...fs,
    renameSync: (from, to) => {
      if (held.has(String(from)) || held.has(String(to))) {
        throw Object.assign(
          new Error(`EBUSY: resource busy or locked, rename '${String(from)}' -> '${String(to)}'`),
          {
            code: 'EBUSY',
          },
        );
      }
      fs.renameSync(from, to);
    },
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      counts.opens++;
      return fs.openSync(...args);
    },
    closeSync: (descriptor) => {
      counts.closes++;
      fs.closeSync(descriptor);
    },
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (counts.failWrites > 0) {
        counts.failWrites--;
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      }
      return fs.writeSync(...args);
    }) as typeof fs.writeSync,
  };
  return { fileSystem, held, counts };
}

/** Files the station would have after a few rotations: station.log nearly full, .1 to .4 older. */
function filledFolder(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  writeFileSync(join(directory, 'station.log'), `current ${'c'.repeat(1990)}\n`, { mode: 0o600 });
  for (let index = 1; index <= 4; index++) {
    writeFileSync(join(directory, `station.${index}.log`), `old ${index}\n`, { mode: 0o600 });
  }
}

function contents(directory: string): Record<string, string> {
  return Object.fromEntries(
    logFiles(directory).map((name) => [name, readFileSync(join(directory, name), 'utf8')]),
  );
}

describe('RotatingLogFile when a rename fails (a held file)', () => {
  it('changes nothing while station.log cannot be moved, keeps appending, and rotates once it can', () => {
    const directory = join(root, 'logs');
    filledFolder(directory);
    const bench = benchFileSystem();
    bench.held.add(join(directory, 'station.log'));
    const notes: string[] = [];
    const file = new RotatingLogFile({
      directory,
      maxBytes: 2048,
      now: clock,
      retryAfterMs: 30_000,
      fallback: (line) => notes.push(line),
      fileSystem: bench.fileSystem,
    });
    // Every try after the retry delay fails again: the older files must not shift each time.
    for (let attempt = 0; attempt < 4; attempt++) {
      file.write(`held line ${attempt} ${'h'.repeat(80)}`);
      now += 31_000;
    }
    const held = contents(directory);
    expect(Object.keys(held)).toEqual([
      'station.1.log',
      'station.2.log',
      'station.3.log',
      'station.4.log',
      'station.log',
    ]);
    for (let index = 1; index <= 4; index++) expect(held[`station.${index}.log`]).toBe(`old ${index}\n`);
    expect(held['station.log']).toMatch(/^current c+\n/);
    for (let attempt = 0; attempt < 4; attempt++)
      expect(held['station.log']).toContain(`held line ${attempt}`);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^log: could not rotate .*station\.log \(EBUSY: .+\); appending to it and trying again later\.$/,
    );

    // The viewer lets go: the next line after the delay rotates, one step, keeping four old files.
    bench.held.clear();
    file.write('after the viewer closed');
    const rotated = contents(directory);
    expect(Object.keys(rotated)).toEqual(Object.keys(held));
    expect(rotated['station.1.log']).toBe(held['station.log']);
    expect(rotated['station.2.log']).toBe('old 1\n');
    expect(rotated['station.3.log']).toBe('old 2\n');
    expect(rotated['station.4.log']).toBe('old 3\n');
    expect(rotated['station.log']).toMatch(/^\S+ after the viewer closed\n$/);
  });

  it('finishes a shift that stopped half-way without losing or repeating a file', () => {
    const directory = join(root, 'logs');
    filledFolder(directory);
    const bench = benchFileSystem();
    // station.2.log is held: station.3.log → .4 works, station.2.log → .3 does not.
    bench.held.add(join(directory, 'station.2.log'));
    const notes: string[] = [];
    const file = new RotatingLogFile({
      directory,
      maxBytes: 2048,
      now: clock,
      fallback: (line) => notes.push(line),
      fileSystem: bench.fileSystem,
    });
    file.write(`first new line ${'n'.repeat(80)}`);
    const halfWay = contents(directory);
    expect(halfWay['station.rotating.log']).toMatch(/^current c+\n$/);
    expect(halfWay['station.log']).toMatch(/^\S+ first new line n+\n$/);
    expect(halfWay['station.1.log']).toBe('old 1\n');
    expect(halfWay['station.2.log']).toBe('old 2\n');
    expect(halfWay['station.3.log']).toBeUndefined();
    expect(halfWay['station.4.log']).toBe('old 3\n');
    expect(notes).toHaveLength(1);

    // Within the delay nothing is tried; after it, the move is finished with the shift it still needs.
    file.write('second new line');
    expect(existsSync(file.asidePath)).toBe(true);
    bench.held.clear();
    now += 31_000;
    file.write('third new line');
    const done = contents(directory);
    expect(Object.keys(done)).toEqual([
      'station.1.log',
      'station.2.log',
      'station.3.log',
      'station.4.log',
      'station.log',
    ]);
    expect(done['station.1.log']).toBe(halfWay['station.rotating.log']);
    expect(done['station.2.log']).toBe('old 1\n');
    expect(done['station.3.log']).toBe('old 2\n');
    expect(done['station.4.log']).toBe('old 3\n');
    expect(done['station.log']).toMatch(/first new line n+\n\S+ second new line\n\S+ third new line\n$/);
  });

  it('puts a station.rotating.log left by an earlier run at station.1.log when it starts', () => {
    // The earlier run stopped after station.1.log → .2 and before station.rotating.log → .1.
    const directory = join(root, 'logs');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    writeFileSync(join(directory, 'station.rotating.log'), 'moved aside\n');
    writeFileSync(join(directory, 'station.log'), 'newer\n');
    writeFileSync(join(directory, 'station.2.log'), 'old 1\n');
    writeFileSync(join(directory, 'station.3.log'), 'old 2\n');
    writeFileSync(join(directory, 'station.4.log'), 'old 3\n');
    const file = new RotatingLogFile({ directory, now: clock });
    file.write('started again');
    expect(contents(directory)).toEqual({
      'station.1.log': 'moved aside\n',
      'station.2.log': 'old 1\n',
      'station.3.log': 'old 2\n',
      'station.4.log': 'old 3\n',
      'station.log': `newer\n${new Date(now).toISOString()} started again\n`,
    });
  });
});

describe('RotatingLogFile descriptor', () => {
  it('opens the file once for many lines, and again only after a rotation', () => {
    const directory = join(root, 'logs');
    const bench = benchFileSystem();
    const file = new RotatingLogFile({ directory, maxBytes: 2048, now: clock, fileSystem: bench.fileSystem });
    // 16 lines of 126 bytes fill 2016 of the 2048 bytes.
    for (let index = 0; index < 16; index++)
      file.write(`line ${String(index).padStart(4, '0')} ${'x'.repeat(90)}`);
    expect(bench.counts.opens).toBe(1);
    file.write('this one rotates');
    expect(logFiles(directory)).toEqual(['station.1.log', 'station.log']);
    expect(bench.counts).toMatchObject({ opens: 2, closes: 1 });
    file.close();
    expect(bench.counts.closes).toBe(2);
  });

  it('after a failed write closes the descriptor and opens a new one when it tries again', () => {
    const directory = join(root, 'logs');
    const bench = benchFileSystem();
    const notes: string[] = [];
    const file = new RotatingLogFile({
      directory,
      now: clock,
      fileSystem: bench.fileSystem,
      fallback: (line) => notes.push(line),
    });
    file.write('written');
    bench.counts.failWrites = 1;
    file.write('lost to an i/o error');
    expect(bench.counts).toMatchObject({ opens: 1, closes: 1 });
    expect(notes).toEqual([expect.stringMatching(/cannot write the log file .* \(EIO: i\/o error, write\)/)]);
    now += 31_000;
    file.write('written again');
    expect(bench.counts.opens).toBe(2);
    expect(readFileSync(file.path, 'utf8')).toMatch(
      /written\n.* log: 1 line\(s\) could not be written .*\n\S+ written again\n$/,
    );
  });
});

describe('RotatingLogFile fed by the redacting log', () => {
  let s: SecretSamples;
  beforeAll(async () => {
    s = await makeSecretSamples();
  });

  it('never holds an unredacted secret, across rotations', () => {
    const directory = join(root, 'logs');
    const file = new RotatingLogFile({ directory, maxBytes: 4096, keepFiles: 4, now: clock });
    const log = createRedactingLog((line) => file.write(line));
    for (let index = 0; index < 30; index++) {
      log(`claims: a claim key leaked into a message ${index}:\n${s.rsaPkcs8Pem}`);
      log(`session: token ${s.jwt} for installer`);
      log(`aws: {"SecretAccessKey":"${s.secretAccessKey}","AccessKeyId":"${s.accessKeyId}"}`);
    }
    const names = logFiles(directory);
    expect(names.length).toBeGreaterThan(1);
    const text = names.map((name) => readFileSync(join(directory, name), 'utf8')).join('');
    expect(text).toContain('[redacted private key]');
    expect(text).toContain('[redacted token]');
    expect(text).not.toContain('PRIVATE KEY-----');
    expect(text).not.toContain(s.jwt.split('.')[2]!.slice(0, 24));
    expect(text).not.toContain(s.secretAccessKey);
    expect(text).not.toContain(s.accessKeyId);
    const body = pemBody(s.rsaPkcs8Pem).replace(/\s/g, '');
    for (let at = 0; at + 24 <= body.length; at += 24) expect(text).not.toContain(body.slice(at, at + 24));
    // One stamped line per call: the PEM's line breaks did not split a line.
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(line)),
    ).toBe(true);
  });
});

function firstIndex(text: string): number {
  return Number(/line (\d{4})/.exec(text)?.[1] ?? NaN);
}

/** A folder and a file with loose modes, set explicitly (mkdir and open modes are cut by the umask). */
function looseFolderWithFile(
  directory: string,
  name: string,
  content: string,
  fileMode: number,
  directoryMode: number,
) {
  mkdirSync(directory, { recursive: true });
  chmodSync(directory, directoryMode);
  writeFileSync(join(directory, name), content);
  chmodSync(join(directory, name), fileMode);
}
