import { getRawHeader } from '@electron/asar';

/** One entry of an app.asar, as its header records it. */
export interface AsarEntry {
  /** The path inside the archive, with a leading slash: `/out/main/index.js`. */
  path: string;
  directory: boolean;
  /** Kept on disk in app.asar.unpacked instead of inside the archive. */
  unpacked: boolean;
}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  unpacked?: boolean;
}

/** Every file, folder and link in the archive, read from its header. */
export function asarEntries(archive: string): AsarEntry[] {
  const entries: AsarEntry[] = [];
  const walk = (node: HeaderNode, path: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const childPath = `${path}/${name}`;
      entries.push({
        path: childPath,
        directory: child.files !== undefined,
        unpacked: child.unpacked === true,
      });
      if (child.files !== undefined) walk(child, childPath);
    }
  };
  walk(getRawHeader(archive).header as HeaderNode, '');
  return entries;
}
