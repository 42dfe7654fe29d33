/**
 * A port as a row has room for it: the last part of its path ("ttyUSB0", "COM3",
 * "tty-SIM0001-001"). The detail screen shows the whole path.
 */
export function portName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part !== '');
  return parts.at(-1) ?? path;
}
