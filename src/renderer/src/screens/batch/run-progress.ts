import type { RunView } from '../../../../shared/view-models.js';
import { phaseLook } from '../../format/run-phase.js';

/** The device's Fleet Provisioning stages (docs/device-protocol.md, PROGRESS): 1 connecting … 11 verified. */
export const provisioningStageCount = 11;

export interface RunProgress {
  /** 0…max, for <progress value max> and aria-valuenow. */
  value: number;
  max: number;
  /** The same in words: "3.1 of 4.2 KB", "Stage 5 of 11: certificate-requested". */
  text: string;
}

function kilobytes(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

/**
 * How far the current step is, where the station knows: bytes the device holds during delivery,
 * the device's stage while provisioning. Null when there is no measure (the bar is then not shown).
 */
export function runProgress(run: Pick<RunView, 'phase' | 'transfer' | 'progress'>): RunProgress | null {
  if (run.phase === 'delivery' && run.transfer && run.transfer.totalBytes > 0) {
    const { heldBytes, totalBytes } = run.transfer;
    const value = Math.min(Math.max(heldBytes, 0), totalBytes);
    return { value, max: totalBytes, text: `${kilobytes(value)} of ${kilobytes(totalBytes)} KB sent` };
  }
  if (run.phase === 'provisioning' && run.progress) {
    const stage = Math.min(Math.max(run.progress.stage, 0), provisioningStageCount);
    return {
      value: stage,
      max: provisioningStageCount,
      text: `Stage ${stage} of ${provisioningStageCount}: ${run.progress.stageName}`,
    };
  }
  return null;
}

/** Milliseconds of claim validity left, while the claim matters; null otherwise. Never negative. */
export function claimRemainingMs(run: Pick<RunView, 'claimExpiresAt'>, now: number): number | null {
  if (run.claimExpiresAt === null) return null;
  return Math.max(0, run.claimExpiresAt - now);
}

/** 4:59 — the claim's countdown, minutes and seconds, rounded down so it reaches 0:00 when it expires. */
export function formatCountdown(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Time since the run started: to its end once finished, live (to `now`) while the station works. */
export function runElapsedMs(
  run: Pick<RunView, 'phase' | 'startedAt' | 'finishedAt' | 'phaseStartedAt'>,
  now: number,
): number {
  if (run.finishedAt !== null) return Math.max(0, run.finishedAt - run.startedAt);
  // A run that waits on the operator (failed, confirm, unplugged) stopped where its phase began.
  const end = phaseLook(run.phase).busy ? now : run.phaseStartedAt;
  return Math.max(0, end - run.startedAt);
}

/** Whether a run's row changes by the second (a running clock or a countdown). */
export function runTicks(run: Pick<RunView, 'phase' | 'finishedAt' | 'claimExpiresAt'>): boolean {
  if (run.finishedAt !== null) return false;
  return phaseLook(run.phase).busy || run.claimExpiresAt !== null;
}
