/** A text file made in main (an audit export, a system report) for the operator to save. */
export interface TextFile {
  fileName: string;
  mediaType: string;
  content: string;
}

/** What saving needs from the page; injected so the logic is tested without a DOM. */
export interface DownloadEnvironment {
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** Follow a link with a download attribute: the browser (or Electron) saves instead of navigating. */
  clickDownloadLink(url: string, fileName: string): void;
  /** Runs later: the URL is revoked only after the browser has read the blob. */
  later(callback: () => void, ms: number): void;
}

/** How long the object URL stays alive after the click; the blob is read when the save starts. */
export const revokeAfterMs = 30_000;

/**
 * A name the operator's file system takes: no folders, no characters Windows refuses, no control
 * characters, not hidden, at most 120 characters; the fallback when nothing is left.
 */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name
    .replace(/\p{Cc}/gu, '')
    .replace(/[\\/:*?"<>|]/g, '-')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(-120);
  return cleaned === '' ? fallback : cleaned;
}

/** The blob's type says UTF-8, so a CSV with non-ASCII names opens right. */
export function blobTypeOf(mediaType: string): string {
  return mediaType.startsWith('text/') || mediaType === 'application/json'
    ? `${mediaType};charset=utf-8`
    : mediaType;
}

/** Save through a Blob and a same-origin blob: URL; nothing goes over the network or to main again. */
export function saveTextFile(file: TextFile, environment: DownloadEnvironment): string {
  const fileName = safeFileName(file.fileName, 'station-export.txt');
  const url = environment.createObjectURL(new Blob([file.content], { type: blobTypeOf(file.mediaType) }));
  try {
    environment.clickDownloadLink(url, fileName);
  } finally {
    environment.later(() => environment.revokeObjectURL(url), revokeAfterMs);
  }
  return fileName;
}
