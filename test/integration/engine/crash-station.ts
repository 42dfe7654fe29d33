/**
 * A station process for the crash test: builds the provisioning stack on the sandbox profile and
 * data directory it is given, signs the seeded installer in, starts a batch on the given ports and
 * runs until it is killed. Every journal transition is reported on stdout as one JSON line once it
 * is committed, so the test knows what the journal must still hold after a SIGKILL.
 *
 *   node --import tsx test/integration/engine/crash-station.ts <config.json>
 *   config: { profilePath, dataDirectory, ports: string[], bays, baudRate }
 */
import { readFileSync, writeSync } from 'node:fs';
import { seededUsers } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { createProvisioningStack } from '../../../src/main/core/batch/provisioning-stack.js';
import { parseStationProfile } from '../../../src/shared/station-profile-schema.js';
import { signInAsInstaller, STATION_ID } from './engine-fixture.js';

export interface CrashStationConfig {
  profilePath: string;
  dataDirectory: string;
  ports: string[];
  bays: number;
  baudRate: number;
}

export type CrashStationLine =
  | { kind: 'transition'; seq: number; runId: string; type: string; state: string }
  /** The device's first progress report reached the engine (progress is shown, not journaled). */
  | { kind: 'progress'; runId: string }
  | { kind: 'batch'; batchId: string };

function report(line: CrashStationLine): void {
  // Synchronous: the line is out before the next transition can happen.
  writeSync(1, `${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as CrashStationConfig;
  const parsed = parseStationProfile(JSON.parse(readFileSync(config.profilePath, 'utf8')) as unknown);
  if (!parsed.ok) throw new Error(`bad profile: ${parsed.problem}`);
  const profile = parsed.profile;
  const { credentials, operator } = await signInAsInstaller({ profile, users: seededUsers });
  const stack = createProvisioningStack({
    profile,
    credentials,
    operator: () => operator,
    dataDirectory: config.dataDirectory,
    stationId: STATION_ID,
    baudRate: config.baudRate,
    log: (line) => writeSync(2, `${line}\n`),
  });
  const record = stack.journal.recordTransition.bind(stack.journal);
  stack.journal.recordTransition = (runId, event, next) => {
    const seq = record(runId, event, next);
    report({ kind: 'transition', seq, runId, type: event.type, state: next.state });
    return seq;
  };
  const view = await stack.engine.startBatch({
    label: 'killed mid-batch',
    templateName: profile.iot.templateName,
    parameters: {},
    targetCount: null,
    bays: config.bays,
  });
  report({ kind: 'batch', batchId: view.batch?.id ?? '' });
  const progressed = new Set<string>();
  stack.engine.on('changed', (change) => {
    for (const run of change.runs) {
      if (run.progress && !progressed.has(run.runId)) {
        progressed.add(run.runId);
        report({ kind: 'progress', runId: run.runId });
      }
    }
  });
  stack.engine.portsChanged(
    config.ports.map((path) => ({ path, location: null })),
    [],
  );
  // Runs until killed.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  writeSync(2, `crash-station: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
