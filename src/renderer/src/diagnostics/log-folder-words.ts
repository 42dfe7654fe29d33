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
