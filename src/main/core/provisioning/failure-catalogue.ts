import type { LinkFailure } from '../device-link/link-outcome.js';
import { SessionError } from '../session/session-error.js';
import type { RunFailure } from './run-state.js';

/**
 * Turns what went wrong (a device-link failure, an AWS error, a registry mismatch) into a run
 * failure with a stable code, the underlying error in full and a hint an operator can act on.
 * docs/operations.md lists every code.
 */
export type StepFailure = Omit<RunFailure, 'phase'>;

export function linkFailure(failure: LinkFailure, templateName: string): StepFailure {
  switch (failure.kind) {
    case 'open-failed':
      return step(
        'DEVICE_PORT_UNAVAILABLE',
        failure.message,
        'Check the cable and close any other program that uses the port (a serial monitor), then press Retry.',
        null,
        true,
      );
    case 'no-response':
      return step(
        'DEVICE_NO_RESPONSE',
        failure.message,
        'Reseat the cable, check the device is powered and runs provisioning firmware, then press Retry.',
        null,
        true,
      );
    case 'disconnected':
    case 'closed':
      return step(
        'DEVICE_DISCONNECTED',
        failure.message,
        'Reseat the cable; the station starts the device again when it sees it.',
        null,
        true,
      );
    case 'device-rebooted':
      return step(
        'DEVICE_REBOOTED',
        failure.message,
        'The device restarted on its own; the station checks it again. If it keeps restarting, check its power supply.',
        null,
        true,
      );
    case 'rejected':
      return step(
        `DEVICE_REFUSED_${failure.codeName}`,
        failure.message,
        'Press Retry; if the device refuses again, reset it to factory state or update its firmware.',
        `${failure.codeName} (${failure.code})`,
        true,
      );
    case 'transfer-failed':
      return step(
        'CLAIM_TRANSFER_FAILED',
        failure.message,
        'Reseat the cable and press Retry; a slow or noisy line may need a lower baud rate.',
        `device held ${failure.heldBytes} bytes`,
        true,
      );
    case 'provisioning-failed':
      return deviceProvisioningFailure(failure, templateName);
    case 'timeout':
      return step(
        'DEVICE_TIMEOUT',
        failure.message,
        'Check the device can reach the network, then press Retry.',
        null,
        true,
      );
    case 'aborted':
      return step('DEVICE_ABORTED', failure.message, 'Press Retry to start the device again.', null, true);
    case 'protocol-error':
      return step(
        'DEVICE_PROTOCOL_ERROR',
        failure.message,
        'Update the device firmware (or the station) so both speak the same protocol version.',
        failure.deviceVersions ? `device versions ${failure.deviceVersions.join(', ')}` : null,
        false,
      );
    case 'busy':
      return step('DEVICE_BUSY', failure.message, 'Wait a moment and press Retry.', null, true);
  }
}

function deviceProvisioningFailure(
  failure: Extract<LinkFailure, { kind: 'provisioning-failed' }>,
  templateName: string,
): StepFailure {
  const aws = failure.failure.aws;
  const detail = [
    `device ${failure.codeName} (${failure.failure.code}): ${failure.failure.message}`,
    aws ? `AWS ${aws.statusCode ?? '?'} ${aws.errorCode ?? ''} ${aws.errorMessage ?? ''}`.trim() : null,
  ]
    .filter(Boolean)
    .join('; ');
  if (aws?.statusCode === 403 || aws?.errorCode === 'AccessDenied' || aws?.errorCode === 'ACCESS_DENIED') {
    return step(
      'PROVISIONING_REFUSED_BY_HOOK',
      `AWS IoT refused to provision this device: ${(aws.errorMessage ?? 'access denied').replace(/\.$/, '')}.`,
      `The pre-provisioning check of template ${templateName} refused this serial number. Set the device aside and ask your AWS admin whether it may be provisioned.`,
      detail,
      false,
    );
  }
  if (['CONNECT_FAILED', 'CONNACK_TIMEOUT', 'CONNECTION_LOST', 'AWS_TIMEOUT'].includes(failure.codeName)) {
    return step(
      failure.codeName === 'CONNECT_FAILED' ? 'DEVICE_CONNECT_FAILED' : `DEVICE_${failure.codeName}`,
      failure.message,
      'The device could not connect to AWS IoT with the claim. Check its network and clock, then press Retry for a fresh claim.',
      detail,
      true,
    );
  }
  if (
    aws?.errorCode === 'Throttling' ||
    aws?.errorCode === 'ThrottlingException' ||
    aws?.statusCode === 429
  ) {
    return step(
      'PROVISIONING_THROTTLED',
      failure.message,
      'AWS IoT is busy; wait a few seconds and press Retry.',
      detail,
      true,
    );
  }
  return step(
    `DEVICE_${failure.codeName}`,
    failure.message,
    aws
      ? `AWS IoT answered ${aws.errorCode ?? aws.statusCode ?? 'an error'}; check template ${templateName} with your AWS admin, then press Retry.`
      : 'Press Retry; if it fails again, note the code and contact support.',
    detail,
    true,
  );
}

/** The fields of the AWS layer's AwsCallError this catalogue reads. */
export interface AwsErrorFacts {
  kind: string;
  operation: string;
  awsName: string;
  awsMessage: string;
  hint: string;
  message: string;
}

export function isAwsErrorFacts(error: unknown): error is AwsErrorFacts {
  return (
    error instanceof Error &&
    typeof (error as Partial<AwsErrorFacts>).kind === 'string' &&
    typeof (error as Partial<AwsErrorFacts>).awsName === 'string' &&
    typeof (error as Partial<AwsErrorFacts>).hint === 'string'
  );
}

/** An AWS call of the given step failed. */
export function awsFailure(prefix: 'CLAIM' | 'VERIFY' | 'RETIRE', error: unknown): StepFailure {
  if (isAwsErrorFacts(error)) {
    const code = `${prefix}_${error.kind.toUpperCase().replaceAll('-', '_')}`;
    const retryable =
      error.kind !== 'access-denied' && error.kind !== 'invalid' && error.kind !== 'not-found';
    return step(
      code,
      error.message,
      error.hint,
      `${error.operation}: ${error.awsName}: ${error.awsMessage}`,
      retryable,
    );
  }
  if (error instanceof SessionError) {
    return step(
      'SESSION_REQUIRED',
      error.message,
      'Sign in again, then press Retry. The batch keeps its place meanwhile.',
      error.awsErrorName ?? null,
      true,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const claimCode = prefix === 'CLAIM' ? claimErrorCode(error) : undefined;
  if (claimCode) {
    // The claim manager's own refusals (claims/claim-errors.ts) keep their stable code.
    return step(claimCode, message, claimHints[claimCode] ?? 'Press Retry for a fresh claim.', null, true);
  }
  return step(
    `${prefix}_FAILED`,
    message,
    'Press Retry; if it repeats, check the network and sign in again.',
    null,
    true,
  );
}

const claimHints: Record<string, string> = {
  CLAIM_TOO_CLOSE_TO_EXPIRY:
    "Check that this computer's date and time are set automatically (NTP), then press Retry for a fresh claim.",
  CLAIM_ANSWER_INVALID:
    "Press Retry; if it repeats, check that the profile's control-plane endpoint is AWS IoT (or the sandbox).",
};

function claimErrorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^CLAIM_[A-Z_]+$/.test(code) ? code : undefined;
}

function step(
  code: string,
  message: string,
  hint: string,
  detail: string | null,
  retryable: boolean,
): StepFailure {
  return { code, message, hint, detail, retryable };
}
