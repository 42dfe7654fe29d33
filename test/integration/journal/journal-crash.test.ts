import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/main/core/journal/journal.js';

/**
 * Crash safety with a real process: a child appends transitions and reports each one after
 * recordTransition returned; the test SIGKILLs it mid-stream, twice, on the same file. Reopening
 * must keep every reported event, and each run's state must be its last event's state.
 */

const scratch = mkdtempSync(join(tmpdir(), 'journal-crash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Committed {
  seq: number;
  runId: string;
  n: number;
}

/**
 * Starts the writer; once it has reported `atLeast` commits, lets it run `thenMs` longer (so the
 * kill lands at an arbitrary point, not right after a report) and kills it with SIGKILL.
 */
function writeThenKill(path: string, atLeast: number, thenMs: number): Promise<Committed[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/integration/journal/fixtures/journal-writer.ts', path],
    {
      cwd: process.cwd(),
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    },
  );
  const committed: Committed[] = [];
  let pending = '';
  let errors = '';
  let killed = false;
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [seq, runId, n] = line.split(' ');
      if (seq === 'ready' || !runId) continue;
      committed.push({ seq: Number(seq), runId, n: Number(n) });
    }
    if (!killed && committed.length >= atLeast) {
      killed = true;
      setTimeout(() => child.kill('SIGKILL'), thenMs);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended with ${code ?? signal}: ${errors}`));
      else resolve(committed);
    });
  });
}

function verify(path: string, committed: readonly Committed[]): { events: number; walBytes: number } {
  // The kill leaves the WAL behind: reopening must recover from it.
  const walBytes = statSync(`${path}-wal`).size;
  const journal = Journal.open(path);
  try {
    let events = 0;
    const bySeq = new Map<number, { runId: string; n: number }>();
    for (const runId of ['run-a', 'run-b', 'run-c']) {
      const runEvents = journal.eventsOfRun(runId);
      events += runEvents.length;
      runEvents.forEach((event, index) => {
        const n = (JSON.parse(event.payload) as { n: number }).n;
        expect(n).toBe(index + 1); // nothing missing, nothing duplicated, in order
        expect(event.state).toBe(`step-${n}`);
        bySeq.set(event.seq, { runId, n });
      });
      const last = runEvents.at(-1);
      const run = journal.run(runId);
      expect(run?.state).toBe(last?.state);
      expect((JSON.parse(run?.snapshot ?? '{}') as { n?: number }).n).toBe(runEvents.length);
      expect(run?.updatedAt).toBe(last?.at);
    }
    for (const { seq, runId, n } of committed) expect(bySeq.get(seq)).toEqual({ runId, n });
    // At most the one transition committed just before the kill went unreported.
    expect(events - committed.length).toBeGreaterThanOrEqual(0);
    return { events, walBytes };
  } finally {
    journal.close();
  }
}

describe('journal crash safety', () => {
  it('loses no committed event when the writer is SIGKILLed mid-stream, twice', async () => {
    const path = join(scratch, 'journal.sqlite');

    const first = await writeThenKill(path, 300, 7);
    const afterFirst = verify(path, first);
    expect(afterFirst.walBytes).toBeGreaterThan(0);
    expect(afterFirst.events - first.length).toBeLessThanOrEqual(1);

    // The second writer resumes from what the first left, then dies the same way.
    const second = await writeThenKill(path, 300, 13);
    const afterSecond = verify(path, second);
    expect(afterSecond.events).toBeGreaterThanOrEqual(afterFirst.events + second.length);
    expect(afterSecond.events - afterFirst.events - second.length).toBeLessThanOrEqual(1);
  });
});
