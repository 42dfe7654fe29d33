import { userInfo } from 'node:os';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import type { BenchCheckView, BenchHealthView, ProfileView } from '../../../shared/view-models.js';
import { redactForDisplay } from '../logging/secret-redaction.js';
import type { SecretStorage } from '../session/secret-storage.js';
import { clockSkewCheck } from './clock-skew-check.js';
import {
  probeEndpoints,
  reachabilityCheck,
  reachabilityTitle,
  type EndpointProbe,
} from './endpoint-check.js';
import { findPortHolders, portHolderCheck, type PortHolderScanOptions } from './port-holder-check.js';
import { profileEndpoints } from './profile-endpoints.js';
import { secretStorageCheck } from './secret-storage-check.js';
import {
  currentIdentity,
  packagedUdevRulesPath,
  readGroupFile,
  readPortAccess,
  serialPermissionCheck,
  type ProcessIdentity,
} from './serial-access-check.js';
import { isUdevRuleInstalled } from './udev-rule.js';

export interface BenchHealthInput {
  platform: NodeJS.Platform;
  /** The ports the bench would use (USB adapters and configured paths, as the engine gets them). */
  portPaths: readonly string[];
  profile: StationProfile | undefined;
  /** Where the profile came from: the embedded sandbox is advised on differently from one given by file. */
  profileSource: ProfileView['source'];
  secretStorage: SecretStorage | null;
  /** The core's clock: when the checks ran, and what server times are compared with. */
  now: () => number;
  /** Overrides for tests: another identity, a fake /proc, shorter limits. */
  identity?: ProcessIdentity | null;
  groupFile?: string;
  udevRulesPath?: string;
  portScan?: PortHolderScanOptions;
  probeTimeoutMs?: number;
  /** The longest any one check may take before it is reported as unfinished. */
  checkDeadlineMs?: number;
}

const defaultCheckDeadlineMs = 5000;

/**
 * Runs every bench check at once and answers with all of them: a check that fails or does not finish
 * in time is reported as such (a warning), never dropped and never allowed to hold the others up.
 */
export async function runBenchHealth(input: BenchHealthInput): Promise<BenchHealthView> {
  const checkedAt = input.now();
  const deadlineMs = input.checkDeadlineMs ?? defaultCheckDeadlineMs;
  // Reachability and the clock read the same answers: one round of requests for both.
  const probes: Promise<EndpointProbe[]> = input.profile
    ? probeEndpoints(profileEndpoints(input.profile), {
        now: input.now,
        ...(input.probeTimeoutMs !== undefined ? { timeoutMs: input.probeTimeoutMs } : {}),
        ...(input.profile.iot.caCertificatePem
          ? { caCertificatePem: input.profile.iot.caCertificatePem }
          : {}),
      })
    : Promise.resolve([]);

  const checks: [id: string, title: string, run: () => Promise<BenchCheckView>][] = [
    ['serial-permission', 'Serial port permission', () => serialPermission(input)],
    [
      'port-held',
      'Port held by another program',
      async () =>
        portHolderCheck(
          input.platform,
          input.portPaths.length,
          input.platform === 'linux' ? await findPortHolders(input.portPaths, input.portScan) : null,
        ),
    ],
    [
      'aws-reachable',
      reachabilityTitle(input.profile),
      async () => reachabilityCheck(input.profile, input.profileSource, await probes),
    ],
    [
      'clock-skew',
      'Clock',
      async () => clockSkewCheck(input.platform, input.profile !== undefined, await probes),
    ],
    [
      'secret-storage',
      'Remembered sign-in',
      () => Promise.resolve(secretStorageCheck(input.platform, input.secretStorage)),
    ],
  ];
  const settled = await Promise.allSettled(checks.map(([, , run]) => withDeadline(run, deadlineMs)));
  return {
    checkedAt,
    checks: settled.map((outcome, index) => {
      const [checkId, checkTitle] = checks[index]!;
      if (outcome.status === 'fulfilled') return fitForView(outcome.value);
      return fitForView({
        id: checkId,
        title: checkTitle,
        status: 'warning',
        summary: `This check could not finish: ${(outcome.reason as Error)?.message ?? String(outcome.reason)}`,
        fix: 'Check again; if it keeps failing, send the system report to support.',
        command: null,
      });
    }),
  };
}

async function serialPermission(input: BenchHealthInput): Promise<BenchCheckView> {
  // Windows has no device files to stat (COM3 is no path) and no groups.
  const posix = input.platform !== 'win32';
  const udevRulesPath = input.udevRulesPath ?? packagedUdevRulesPath;
  const [ports, groups, udevRulesInstalled] = posix
    ? await Promise.all([
        Promise.all(input.portPaths.map((path) => readPortAccess(path))),
        readGroupFile(input.groupFile),
        // The hint names the deb's rule only where it is there (not for an AppImage or npm start).
        input.platform === 'linux' ? isUdevRuleInstalled(udevRulesPath) : false,
      ])
    : [input.portPaths.map((path) => ({ path, realPath: null, file: null, error: null })), [], false];
  return serialPermissionCheck({
    platform: input.platform,
    ports,
    who: input.identity !== undefined ? input.identity : currentIdentity(),
    username: osUsername(),
    groups,
    udevRulesPath,
    udevRulesInstalled,
  });
}

function osUsername(): string | null {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? null;
  }
}

function withDeadline<T>(run: () => Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`it took longer than ${Math.round(ms / 1000)} s`)), ms);
    Promise.resolve()
      .then(run)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
  });
}

/** Paths and server text end up in the view: bounded, on one line, redacted, as the output schema wants. */
function fitForView(check: BenchCheckView): BenchCheckView {
  return {
    id: check.id,
    title: redactForDisplay(check.title, 120),
    status: check.status,
    summary: redactForDisplay(check.summary, 2000),
    fix: check.fix === null ? null : redactForDisplay(check.fix, 2000),
    command: check.command === null ? null : redactForDisplay(check.command, 1000),
  };
}
