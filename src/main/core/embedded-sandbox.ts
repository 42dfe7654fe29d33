import type { StationProfile } from '../../shared/station-profile-schema.js';

/**
 * A local stand-in for AWS that the station can start by itself when the operator has not named a
 * real account: the shell or harness builds it (the core never imports the sandbox), the core
 * decides when it runs. Its profile is used like any other; only its endpoints differ.
 */
export interface EmbeddedSandbox {
  start(): Promise<RunningEmbeddedSandbox>;
}

export interface RunningEmbeddedSandbox {
  profile: StationProfile;
  /** Where its simulated devices appear; watched as fixed patterns while it runs, never saved. */
  portPatterns: string[];
  /** Stops its devices and services; safe to call twice. */
  stop(): Promise<void>;
}
