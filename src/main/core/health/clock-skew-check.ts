import type { BenchCheckStatus, BenchCheckView } from '../../../shared/view-models.js';
import type { EndpointProbe } from './endpoint-check.js';

/**
 * How far the local clock is from the servers', from the Date header of their answers. AWS refuses
 * a SigV4 signature more than 5 minutes off, and a clock far enough off makes certificates look
 * expired or not yet valid; a minute off is already worth fixing before it grows.
 */

export const skewWarningMs = 60_000;
export const skewProblemMs = 5 * 60_000;

/** Over 5 minutes either way: problem; over 1 minute: warning. */
export function classifySkew(skewMs: number): BenchCheckStatus {
  const size = Math.abs(skewMs);
  if (size > skewProblemMs) return 'problem';
  if (size > skewWarningMs) return 'warning';
  return 'ok';
}

/** "10 min 3 s", "2 h 5 min", "40 s". */
export function describeDuration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secondsLeft = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return secondsLeft > 0 ? `${minutes} min ${secondsLeft} s` : `${minutes} min`;
  return `${secondsLeft} s`;
}

/** How to set the clock right on each platform. */
export function timeSyncFix(platform: NodeJS.Platform): Pick<BenchCheckView, 'fix' | 'command'> {
  if (platform === 'win32') {
    return {
      fix: 'Set the clock from the network: Settings → Time & language → Date & time → "Set time automatically", then "Sync now" (or run the command below as administrator).',
      command: 'w32tm /resync',
    };
  }
  if (platform === 'darwin') {
    return {
      fix: 'Set the clock from the network: System Settings → General → Date & Time → "Set time and date automatically" (or run the command below).',
      command: 'sudo sntp -sS time.apple.com',
    };
  }
  return {
    fix: 'Turn on network time sync (NTP) and wait a moment for the clock to settle; then check again.',
    command: 'sudo timedatectl set-ntp true',
  };
}

const id = 'clock-skew';
const title = 'Clock';

/** The clock-skew check's verdict from the probes (pure). Positive skew: the local clock is ahead. */
export function clockSkewCheck(
  platform: NodeJS.Platform,
  profileConfigured: boolean,
  probes: readonly EndpointProbe[],
): BenchCheckView {
  if (!profileConfigured) {
    return {
      id,
      title,
      status: 'warning',
      summary: 'Not checked: with no AWS profile there is no server to compare the clock with.',
      fix: 'Import a profile, then check again.',
      command: null,
    };
  }
  const dated = probes
    .filter((probe) => probe.serverDate !== null && probe.receivedAt !== null)
    .map((probe) => ({ probe, skew: (probe.receivedAt ?? 0) - (probe.serverDate ?? 0) }));
  if (dated.length === 0) {
    const certificateDates = probes.find(
      (probe) => probe.code === 'CERT_NOT_YET_VALID' || probe.code === 'CERT_HAS_EXPIRED',
    );
    if (certificateDates) {
      return {
        id,
        title,
        status: 'problem',
        summary: `${certificateDates.endpoint.name}'s certificate was refused as ${certificateDates.code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}: this computer's clock is probably wrong.`,
        ...timeSyncFix(platform),
      };
    }
    return {
      id,
      title,
      status: 'warning',
      summary: 'Not checked: no server answered with its time.',
      fix: 'Fix what stops the station reaching AWS (see "AWS reachable"), then check again.',
      command: null,
    };
  }
  const worst = dated.reduce((a, b) => (Math.abs(b.skew) > Math.abs(a.skew) ? b : a));
  const status = classifySkew(worst.skew);
  const direction = worst.skew > 0 ? 'ahead of' : 'behind';
  const source = `${worst.probe.endpoint.name}'s Date header`;
  if (status === 'ok') {
    return {
      id,
      title,
      status,
      summary: `This computer's clock agrees with the servers' (within ${describeDuration(Math.max(1000, Math.abs(worst.skew)))}, from ${source}).`,
      fix: null,
      command: null,
    };
  }
  const consequence =
    status === 'problem'
      ? "Over 5 minutes, AWS refuses the station's signed requests (SigV4) and TLS certificate checks can fail."
      : "Over 5 minutes, AWS refuses the station's signed requests (SigV4); set it right before it drifts further.";
  return {
    id,
    title,
    status,
    summary: `This computer's clock is ${describeDuration(worst.skew)} ${direction} the servers' (from ${source}). ${consequence}`,
    ...timeSyncFix(platform),
  };
}
