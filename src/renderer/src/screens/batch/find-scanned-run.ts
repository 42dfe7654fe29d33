import type { RunView } from '../../../../shared/view-models.js';

/**
 * The run a scanned code names: its serial number, else its Thing name (labels carry either),
 * ignoring case and surrounding spaces. A device has one run per batch (a retry or a re-plug
 * continues that run, with the same runId); should two runs carry the same code anyway, the
 * newest wins, as runs are newest first.
 */
export function findScannedRun(
  runs: readonly Pick<RunView, 'runId' | 'serialNumber' | 'thingName'>[],
  code: string,
): string | null {
  const wanted = code.trim().toLowerCase();
  if (wanted === '') return null;
  const bySerial = runs.find((run) => run.serialNumber?.toLowerCase() === wanted);
  if (bySerial) return bySerial.runId;
  return runs.find((run) => run.thingName?.toLowerCase() === wanted)?.runId ?? null;
}
