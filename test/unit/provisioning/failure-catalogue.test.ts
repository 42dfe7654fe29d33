import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../src/main/core/aws/aws-call-error.js';
import type { LinkFailure } from '../../../src/main/core/device-link/link-outcome.js';
import { ErrorCode, errorCodeName } from '../../../src/main/core/device-link/protocol-constants.js';
import type { ProvisioningFailure } from '../../../src/main/core/device-link/protocol-messages.js';
import { awsFailure, linkFailure } from '../../../src/main/core/provisioning/failure-catalogue.js';

const TEMPLATE = 'FactoryTemplate';

function provisioningFailed(code: number, aws?: ProvisioningFailure['aws']): LinkFailure {
  const codeName = errorCodeName[code] ?? 'UNKNOWN';
  return {
    kind: 'provisioning-failed',
    message: `The device could not provision (${codeName}).`,
    codeName,
    failure: { code, message: 'device says no', ...(aws ? { aws } : {}) },
  };
}

describe('linkFailure', () => {
  const cases: [LinkFailure, string, boolean][] = [
    [{ kind: 'open-failed', message: 'EBUSY' }, 'DEVICE_PORT_UNAVAILABLE', true],
    [{ kind: 'no-response', message: 'silent' }, 'DEVICE_NO_RESPONSE', true],
    [{ kind: 'disconnected', message: 'gone' }, 'DEVICE_DISCONNECTED', true],
    [{ kind: 'closed', message: 'closed' }, 'DEVICE_DISCONNECTED', true],
    [{ kind: 'device-rebooted', message: 'rebooted' }, 'DEVICE_REBOOTED', true],
    [
      { kind: 'rejected', message: 'NAK', code: ErrorCode.SerialMismatch, codeName: 'SERIAL_MISMATCH' },
      'DEVICE_REFUSED_SERIAL_MISMATCH',
      true,
    ],
    [{ kind: 'transfer-failed', message: 'short', heldBytes: 512 }, 'CLAIM_TRANSFER_FAILED', true],
    [{ kind: 'timeout', message: 'slow' }, 'DEVICE_TIMEOUT', true],
    [{ kind: 'aborted', message: 'aborted' }, 'DEVICE_ABORTED', true],
    [{ kind: 'protocol-error', message: 'v9', deviceVersions: [2, 3] }, 'DEVICE_PROTOCOL_ERROR', false],
    [{ kind: 'busy', message: 'busy' }, 'DEVICE_BUSY', true],
  ];

  const rows = cases.map(([failure, code, retryable]) => ({ kind: failure.kind, failure, code, retryable }));
  it.each(rows)('maps $kind to $code with the message and a hint', ({ failure, code, retryable }) => {
    const step = linkFailure(failure, TEMPLATE);
    expect(step.code).toBe(code);
    expect(step.retryable).toBe(retryable);
    expect(step.message).toBe(failure.message);
    expect(step.hint.length).toBeGreaterThan(10);
  });

  it('keeps the underlying detail: NAK code, bytes held, device versions', () => {
    expect(
      linkFailure({ kind: 'rejected', message: 'NAK', code: 0x010c, codeName: 'SERIAL_MISMATCH' }, TEMPLATE)
        .detail,
    ).toBe('SERIAL_MISMATCH (268)');
    expect(linkFailure({ kind: 'transfer-failed', message: 'x', heldBytes: 512 }, TEMPLATE).detail).toBe(
      'device held 512 bytes',
    );
    expect(
      linkFailure({ kind: 'protocol-error', message: 'x', deviceVersions: [2, 3] }, TEMPLATE).detail,
    ).toBe('device versions 2, 3');
    expect(linkFailure({ kind: 'protocol-error', message: 'x' }, TEMPLATE).detail).toBeNull();
  });

  it('names a pre-provisioning hook refusal, the template, and does not offer Retry', () => {
    const step = linkFailure(
      provisioningFailed(ErrorCode.RegisterRejected, {
        statusCode: 403,
        errorCode: 'AccessDenied',
        errorMessage: 'The pre-provisioning hook did not allow provisioning.',
      }),
      TEMPLATE,
    );
    expect(step.code).toBe('PROVISIONING_REFUSED_BY_HOOK');
    expect(step.retryable).toBe(false);
    expect(step.message).toBe(
      'AWS IoT refused to provision this device: The pre-provisioning hook did not allow provisioning.',
    );
    expect(step.hint).toContain(TEMPLATE);
    expect(step.detail).toBe(
      'device REGISTER_REJECTED (516): device says no; AWS 403 AccessDenied The pre-provisioning hook did not allow provisioning.',
    );
  });

  it('tells a connection failure and throttling apart from other device failures', () => {
    const connect = linkFailure(provisioningFailed(ErrorCode.ConnectFailed), TEMPLATE);
    expect(connect).toMatchObject({ code: 'DEVICE_CONNECT_FAILED', retryable: true });
    expect(connect.hint).toMatch(/network and clock/);

    for (const aws of [
      { errorCode: 'ThrottlingException' },
      { errorCode: 'Throttling' },
      { statusCode: 429 },
    ]) {
      const throttled = linkFailure(provisioningFailed(ErrorCode.CreateRejected, aws), TEMPLATE);
      expect(throttled).toMatchObject({ code: 'PROVISIONING_THROTTLED', retryable: true });
    }

    const rejected = linkFailure(
      provisioningFailed(ErrorCode.RegisterRejected, { statusCode: 400, errorCode: 'InvalidParameters' }),
      TEMPLATE,
    );
    expect(rejected).toMatchObject({ code: 'DEVICE_REGISTER_REJECTED', retryable: true });
    expect(rejected.hint).toContain('InvalidParameters');
    expect(rejected.hint).toContain(TEMPLATE);

    const store = linkFailure(provisioningFailed(ErrorCode.StoreFailed), TEMPLATE);
    expect(store).toMatchObject({
      code: 'DEVICE_STORE_FAILED',
      detail: 'device STORE_FAILED (518): device says no',
    });
  });
});

describe('awsFailure', () => {
  function awsError(kind: ConstructorParameters<typeof AwsCallError>[0]['kind']): AwsCallError {
    return new AwsCallError({
      operation: 'CreateProvisioningClaim',
      awsName: kind === 'throttled' ? 'ThrottlingException' : 'UnauthorizedException',
      awsMessage: 'Rate exceeded',
      httpStatus: kind === 'throttled' ? 429 : 403,
      kind,
      hint: 'Ask your AWS admin.',
    });
  }

  it('keeps the AWS error name and message, the operation and the hint', () => {
    const step = awsFailure('CLAIM', awsError('access-denied'));
    expect(step).toEqual({
      code: 'CLAIM_ACCESS_DENIED',
      message: awsError('access-denied').message,
      hint: 'Ask your AWS admin.',
      detail: 'CreateProvisioningClaim: UnauthorizedException: Rate exceeded',
      retryable: false,
    });
  });

  it('offers Retry except where retrying cannot help', () => {
    const kinds = [
      'access-denied',
      'throttled',
      'not-found',
      'network',
      'expired-credentials',
      'invalid',
      'other',
    ] as const;
    const retryable = Object.fromEntries(
      kinds.map((kind) => [kind, awsFailure('VERIFY', awsError(kind)).retryable]),
    );
    expect(retryable).toEqual({
      'access-denied': false,
      throttled: true,
      'not-found': false,
      network: true,
      'expired-credentials': true,
      invalid: false,
      other: true,
    });
    expect(awsFailure('RETIRE', awsError('expired-credentials')).code).toBe('RETIRE_EXPIRED_CREDENTIALS');
  });

  it('turns any other error into PREFIX_FAILED with its message', () => {
    expect(awsFailure('VERIFY', new Error('socket hang up'))).toMatchObject({
      code: 'VERIFY_FAILED',
      message: 'socket hang up',
      detail: null,
      retryable: true,
    });
    expect(awsFailure('CLAIM', 'odd').message).toBe('odd');
  });
});
