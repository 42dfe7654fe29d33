/**
 * What the renderer may know. Only ids, states, counts, messages and fingerprints live here —
 * never certificate, key or token text (see src/main/core/ipc/secret-guard.ts).
 */

export interface StationProfileView {
  /** Shown to the operator, e.g. "Sandbox (embedded)" or "Production eu-west-1". */
  name: string;
  kind: 'sandbox' | 'aws';
  region: string;
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  /** Electron, Chromium and Node versions where known; the harness reports its Node only. */
  runtime: { electron: string | null; chrome: string | null; node: string };
  profile: StationProfileView;
}

export interface SerialDeviceView {
  /** The port path the station opens: /dev/ttyUSB0, COM3, or a configured pseudo-terminal. */
  path: string;
  /** How the station found it: the OS's serial port list, or a path/glob the operator configured. */
  source: 'system' | 'configured';
  /** USB ids as four lowercase hex digits, when the OS gives them. */
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  /** Physical location (USB bus path) when the OS gives one, so the operator can tell sockets apart. */
  location: string | null;
}

export interface SerialDeviceList {
  devices: SerialDeviceView[];
  /** The paths and globs configured by the operator (saved in the settings, editable). */
  configuredPatterns: string[];
  /** Paths and globs given on the command line or in the environment: listed, not editable. */
  fixedPatterns: string[];
  /** How changes are detected: USB hotplug events, or polling where USB is not available. */
  watchMode: 'hotplug' | 'polling';
}

export interface SerialDeviceChange {
  added: SerialDeviceView[];
  removed: string[];
  list: SerialDeviceList;
}
