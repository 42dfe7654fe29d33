/** What copying needs from the page; injected so the order of attempts is tested without a DOM. */
export interface CopyEnvironment {
  /** The async Clipboard API; may be missing or refuse (Electron asks the permission handler). */
  writeClipboard: ((text: string) => Promise<void>) | null;
  /** The older way: select the text in a hidden field and run the copy command. */
  copyBySelection(text: string): boolean;
}

export type CopyOutcome = 'copied' | 'failed';

/**
 * Copy text for the operator. The Clipboard API first; where the page may not use it (a station
 * that refuses every permission), the selection copy, which needs only the click that started it.
 */
export async function copyText(text: string, environment: CopyEnvironment): Promise<CopyOutcome> {
  if (environment.writeClipboard) {
    try {
      await environment.writeClipboard(text);
      return 'copied';
    } catch {
      // Refused or not focused: the selection copy below still works from a click.
    }
  }
  try {
    return environment.copyBySelection(text) ? 'copied' : 'failed';
  } catch {
    return 'failed';
  }
}
