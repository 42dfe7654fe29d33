import type { IpcResult } from '../../../shared/ipc-result.js';
import type { LogFolderOpenView } from '../../../shared/view-models.js';

export interface LogFolderOutcome {
  tone: 'ok' | 'warn';
  text: string;
}

/** What the operator reads after pressing Open log folder. */
export function logFolderOutcomeOf(result: IpcResult<LogFolderOpenView>): LogFolderOutcome {
  if (!result.ok) {
    return { tone: 'warn', text: `The log folder could not be opened: ${result.error.message}` };
  }
  if (result.value.opened) return { tone: 'ok', text: 'The log folder is open in your file manager.' };
  return { tone: 'warn', text: result.value.message ?? `Open ${result.value.path} in a file manager.` };
}

/**
 * What the log's redaction does, said the same way wherever the station speaks of it (the Logs
 * panel, the crash page). It recognises shapes, not meaning, so it promises no more than that.
 */
export const logRedactionWords =
  'Secret-shaped text (keys, certificates, tokens, AWS credentials, passwords in fields) is replaced before a line is written.';
