import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { expectEverythingAgrees, registerThingCount } from './engine-checks.js';
import type { CrashStationConfig, CrashStationLine } from './crash-station.js';
import { FAST_BAUD, startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

const stationScript = fileURLToPath(new URL('./crash-station.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

let rig: EngineRig | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await rig?.dispose();
  rig = undefined;
});

/**
 * Runs the station in a child process until `killWhen` holds for a committed transition, then
 * SIGKILLs it. Returns every transition it reported before it died.
 */
async function runStationUntilKilled(
  config: CrashStationConfig,
  configPath: string,
  killWhen: (line: CrashStationLine) => boolean,
): Promise<{ lines: CrashStationLine[]; signal: NodeJS.Signals | null; stderr: string }> {
  writeFileSync(configPath, JSON.stringify(config));
  // Node 24 (this process's) with tsx, from the repository root, as `npx tsx` would run it.
  const station = spawn(process.execPath, ['--import', 'tsx', stationScript, configPath], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = station;
  const lines: CrashStationLine[] = [];
  let stderr = '';
  let pending = '';
  station.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  station.stdout?.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) {
      const line = JSON.parse(text) as CrashStationLine;
      lines.push(line);
      if (killWhen(line)) station.kill('SIGKILL');
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the station never got there:\n${stderr}`)), 25_000);
    station.on('exit', (_code, exitSignal) => {
      clearTimeout(timer);
      resolve(exitSignal);
    });
  });
  return { lines, signal, stderr };
}

/** Where the station is killed: a transition it reported as committed. */
const killPoints = [
  {
    name: 'while the device runs Fleet Provisioning (its first progress report)',
    killWhen: (line: CrashStationLine) => line.kind === 'progress',
    seed: 91,
  },
  {
    name: 'right after journaling delivery, before or while PROVISION goes out',
    killWhen: (line: CrashStationLine) => line.kind === 'transition' && line.type === 'claim-delivered',
    seed: 92,
  },
];

describe('the station killed mid-batch (SIGKILL)', () => {
  it.each(killPoints)(
    '$name: restarts into the batch, nothing provisioned twice, no record lost',
    async ({ killWhen, seed }) => {
      rig = await startEngineRig({ baudRate: FAST_BAUD, devices: 2, seed, noStack: true });
      const profilePath = join(rig.root, 'profile.json');
      writeFileSync(profilePath, JSON.stringify(rig.profile));
      const { lines, signal, stderr } = await runStationUntilKilled(
        {
          profilePath,
          dataDirectory: rig.dataDirectory,
          ports: rig.fleet.devices.map((device) => device.info.path),
          bays: 1,
          baudRate: FAST_BAUD,
        },
        join(rig.root, 'crash-station.json'),
        killWhen,
      );
      expect(signal, stderr).toBe('SIGKILL');
      const transitions = lines.filter(
        (line): line is Extract<CrashStationLine, { kind: 'transition' }> => line.kind === 'transition',
      );
      const killedAt = lines.find(killWhen);
      const inFlightRunId = killedAt && 'runId' in killedAt ? killedAt.runId : '';
      const batchId = lines.find((line) => line.kind === 'batch')?.batchId ?? '';

      // A new station process on the same data directory (here: the test process), at once: the
      // device may still be provisioning on its own.
      const { engine, journal } = await rig.openStack();
      const inFlight = journal.run(inFlightRunId);
      expect(inFlight?.state).toBe('provisioning');
      const serial = inFlight?.serialNumber ?? '';
      // Every transition the killed station reported as committed is in the journal, unchanged.
      const journaled = new Map(
        journal
          .runsOfBatch(batchId)
          .flatMap((run) => journal.eventsOfRun(run.id))
          .map((event) => [event.seq, event]),
      );
      for (const line of transitions) {
        expect(journaled.get(line.seq), `journal event ${line.seq}`).toMatchObject({
          runId: line.runId,
          type: line.type,
          state: line.state,
        });
      }
      const lastBeforeKill = Math.max(...journaled.keys());

      engine.load();
      expect(engine.needsRecovery).toBe(true);
      expect(engine.view().batch?.id).toBe(batchId);
      await engine.recover();
      rig.plugAll();
      await waitUntil(
        () => engine.view().runs.filter((run) => run.phase === 'done').length === 2,
        'both devices verified after the restart',
      );

      const after = journal
        .eventsOfRun(inFlightRunId)
        .filter((event) => event.seq > lastBeforeKill && event.type !== 'progress')
        .map((event) => `${event.type}>${event.state}`);
      expect(after.slice(0, 2)).toEqual(['recover>unplugged', 'device-returned>handshake']);
      const device = rig.device(serial);
      if (after[2] === 'hello>verification') {
        // The device had started: it is verified from the identity it announced, never given a claim again.
        expect(after).toEqual([
          'recover>unplugged',
          'device-returned>handshake',
          'hello>verification',
          'verified>done',
        ]);
        expect(engine.view().runs.find((run) => run.runId === inFlightRunId)?.recovered).toBe(true);
      } else {
        // PROVISION never reached it: it still had no identity, so it was provisioned once, now.
        expect(after[2]).toBe('hello>queued');
        expect(killWhen({ kind: 'progress', runId: inFlightRunId })).toBe(false);
      }
      expect(engine.view().runs.find((run) => run.runId === inFlightRunId)?.certificateId).toBe(
        device.store.load()?.certificateId,
      );
      expectEverythingAgrees(rig, batchId, {
        provisioned: rig.fleet.devices.map((candidate) => candidate.info.serialNumber),
      });
      expect(registerThingCount(rig, serial)).toBe(1);
    },
  );
});
