import { describe, expect, it } from 'vitest';
import {
  claimRemainingMs,
  formatCountdown,
  provisioningStageCount,
  runElapsedMs,
  runProgress,
  runTicks,
} from '../../../src/renderer/src/screens/batch/run-progress.js';
import { findScannedRun } from '../../../src/renderer/src/screens/batch/find-scanned-run.js';
import { portName } from '../../../src/renderer/src/screens/batch/port-name.js';
import type { RunView } from '../../../src/shared/view-models.js';

const base = { transfer: null, progress: null } as const;

describe('run progress', () => {
  it('measures delivery by the bytes the device holds', () => {
    expect(
      runProgress({ ...base, phase: 'delivery', transfer: { heldBytes: 1536, totalBytes: 4096 } }),
    ).toEqual({
      value: 1536,
      max: 4096,
      text: '1.5 of 4.0 KB sent',
    });
    // Never past the end, never below zero, nothing to show for an empty total.
    expect(
      runProgress({ ...base, phase: 'delivery', transfer: { heldBytes: 5000, totalBytes: 4096 } })?.value,
    ).toBe(4096);
    expect(
      runProgress({ ...base, phase: 'delivery', transfer: { heldBytes: -1, totalBytes: 10 } })?.value,
    ).toBe(0);
    expect(runProgress({ ...base, phase: 'delivery', transfer: { heldBytes: 0, totalBytes: 0 } })).toBeNull();
  });

  it('measures provisioning by the device stage, out of the 11 the protocol defines', () => {
    expect(provisioningStageCount).toBe(11);
    expect(
      runProgress({
        ...base,
        phase: 'provisioning',
        progress: { stage: 5, stageName: 'certificate-requested', detail: null },
      }),
    ).toEqual({ value: 5, max: 11, text: 'Stage 5 of 11: certificate-requested' });
    expect(
      runProgress({ ...base, phase: 'provisioning', progress: { stage: 40, stageName: 'x', detail: null } })
        ?.value,
    ).toBe(11);
  });

  it('shows no bar where there is no measure', () => {
    expect(runProgress({ ...base, phase: 'provisioning' })).toBeNull();
    expect(runProgress({ ...base, phase: 'claim' })).toBeNull();
    // A stale transfer from delivery does not make a bar in the next phase.
    expect(
      runProgress({ ...base, phase: 'verification', transfer: { heldBytes: 10, totalBytes: 10 } }),
    ).toBeNull();
  });
});

describe('claim countdown and elapsed time', () => {
  it('counts the claim down to 0:00 and never below', () => {
    expect(claimRemainingMs({ claimExpiresAt: null }, 0)).toBeNull();
    expect(claimRemainingMs({ claimExpiresAt: 300_000 }, 1_000)).toBe(299_000);
    expect(claimRemainingMs({ claimExpiresAt: 300_000 }, 400_000)).toBe(0);
    expect(formatCountdown(299_999)).toBe('4:59');
    expect(formatCountdown(60_000)).toBe('1:00');
    expect(formatCountdown(59_999)).toBe('0:59');
    expect(formatCountdown(0)).toBe('0:00');
  });

  const run = { startedAt: 10_000, phaseStartedAt: 12_000, finishedAt: null } as const;

  it('runs the elapsed time live while the station works, and stops it where the operator must act', () => {
    expect(runElapsedMs({ ...run, phase: 'provisioning' }, 25_000)).toBe(15_000);
    expect(runElapsedMs({ ...run, phase: 'needs-confirmation' }, 25_000)).toBe(2_000);
    expect(runElapsedMs({ ...run, phase: 'done', finishedAt: 19_000 }, 99_000)).toBe(9_000);
  });

  it('ticks only rows whose time changes', () => {
    expect(runTicks({ phase: 'delivery', finishedAt: null, claimExpiresAt: 1 })).toBe(true);
    expect(runTicks({ phase: 'queued', finishedAt: null, claimExpiresAt: null })).toBe(true);
    expect(runTicks({ phase: 'done', finishedAt: 5, claimExpiresAt: null })).toBe(false);
    expect(runTicks({ phase: 'failed', finishedAt: 5, claimExpiresAt: 9 })).toBe(false);
    expect(runTicks({ phase: 'needs-confirmation', finishedAt: null, claimExpiresAt: null })).toBe(false);
  });
});

describe('finding a scanned device', () => {
  const runs: Pick<RunView, 'runId' | 'serialNumber' | 'thingName'>[] = [
    { runId: 'r3', serialNumber: 'SN-0002', thingName: null },
    { runId: 'r2', serialNumber: 'SN-0001', thingName: 'thing-sn-0001' },
    { runId: 'r1', serialNumber: 'SN-0002', thingName: 'thing-sn-0002' },
    { runId: 'r0', serialNumber: null, thingName: null },
  ];

  it('finds the newest run with that serial number, ignoring case and spaces', () => {
    expect(findScannedRun(runs, 'SN-0002')).toBe('r3');
    expect(findScannedRun(runs, '  sn-0001 ')).toBe('r2');
  });

  it('falls back to the Thing name, and finds nothing for an unknown code', () => {
    expect(findScannedRun(runs, 'THING-SN-0002')).toBe('r1');
    expect(findScannedRun(runs, 'SN-9999')).toBeNull();
    expect(findScannedRun(runs, '   ')).toBeNull();
  });
});

describe('port names in a row', () => {
  it('keeps the last part of the path', () => {
    expect(portName('/dev/ttyUSB0')).toBe('ttyUSB0');
    expect(portName('/tmp/devices/tty-SIM0001-001')).toBe('tty-SIM0001-001');
    expect(portName('COM3')).toBe('COM3');
    expect(portName('\\\\.\\COM12')).toBe('COM12');
    expect(portName('/dev/serial/by-id/')).toBe('by-id');
  });
});
