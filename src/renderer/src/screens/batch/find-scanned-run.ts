import type { RunView } from '../../../../shared/view-models.js';

/**
 * The run a scanned code names: its serial number, else its Thing name (labels carry either),
 * ignoring case and surrounding spaces. Runs are newest first, so a device retried as a new run
 * is found as its latest attempt.
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
