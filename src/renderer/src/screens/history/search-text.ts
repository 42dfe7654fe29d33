/** The longest search the station accepts (src/shared/ipc-contract.ts, historyFilter). */
export const searchMaxLength = 128;

/**
 * What the operator typed or a barcode scanner sent, as the station's search takes it: without
 * control characters (a scanner may send a Tab or a prefix byte), trimmed, at most 128 characters,
 * and undefined when nothing is left, so that an empty box lists everything.
 */
export function normaliseSearch(raw: string): string | undefined {
  const text = raw
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, searchMaxLength)
    .trim();
  return text === '' ? undefined : text;
}
