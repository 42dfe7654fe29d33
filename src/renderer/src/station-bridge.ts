import type { StationApi } from '../../preload/station-api.js';

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the harness bridge (tests); named functions only. */
    readonly station?: StationApi;
  }
}

/** The bridge to main, or undefined when the page was opened without one (then the UI says so). */
export function stationBridge(): StationApi | undefined {
  return window.station;
}
