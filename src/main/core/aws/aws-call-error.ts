import { StationError } from '../station-error.js';
import { isThrottling, readAwsError, type AwsErrorShape } from './aws-error-shape.js';
import type { IotOperationName } from './iot-operation-names.js';

export type AwsCallErrorKind =
  'access-denied' | 'throttled' | 'not-found' | 'network' | 'expired-credentials' | 'invalid' | 'other';

/**
 * An AWS call that failed, told to the operator: what the station was doing, AWS's own error name
 * and message in full, and a hint they can act on. `kind` is what the engine decides on (retry
 * later, sign in again, stop). Built only from the error's name, message, status and request id,
 * never from the request, so no credential or claim material can end up in it.
 */
export class AwsCallError extends StationError {
  readonly operation: IotOperationName;
  readonly awsName: string;
  readonly awsMessage: string;
  readonly httpStatus: number | undefined;
  readonly kind: AwsCallErrorKind;
  readonly hint: string;
  /** AWS's request id, for a support case; absent when the request never reached AWS. */
  readonly requestId: string | undefined;

  constructor(input: {
    operation: IotOperationName;
    awsName: string;
    awsMessage: string;
    httpStatus: number | undefined;
    kind: AwsCallErrorKind;
    hint: string;
    requestId?: string | undefined;
  }) {
    const detail = input.awsMessage ? `${input.awsName}: ${input.awsMessage}` : input.awsName;
    super(`${describeOperation(input.operation)} failed (${detail}). ${input.hint}`);
    this.name = 'AwsCallError';
    this.operation = input.operation;
    this.awsName = input.awsName;
    this.awsMessage = input.awsMessage;
    this.httpStatus = input.httpStatus;
    this.kind = input.kind;
    this.hint = input.hint;
    this.requestId = input.requestId;
  }
}

/** Maps any failure of an AWS IoT call to an AwsCallError; an AwsCallError passes through. */
export function toAwsCallError(
  operation: IotOperationName,
  error: unknown,
  context: { templateName?: string } = {},
): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const shape = readAwsError(error);
  const kind = classify(shape);
  return new AwsCallError({
    operation,
    awsName: shape.name,
    awsMessage: withoutSecrets(shape.message),
    httpStatus: shape.httpStatus,
    kind,
    hint: hintFor(kind, operation, shape, context),
    requestId: shape.requestId,
  });
}

const credentialNames = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'NotAuthorizedException',
]);
const accessDeniedNames = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedException',
  'ForbiddenException',
]);
const invalidNames = new Set([
  'InvalidRequestException',
  'ValidationException',
  'SerializationException',
  'CertificateStateException',
  'MalformedPolicyException',
  'UnknownOperationException',
]);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'EPROTO',
]);
const networkNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

function classify(shape: AwsErrorShape): AwsCallErrorKind {
  if (credentialNames.has(shape.name)) return 'expired-credentials';
  if (accessDeniedNames.has(shape.name)) return 'access-denied';
  if (isThrottling(shape)) return 'throttled';
  if (shape.name === 'ResourceNotFoundException' || shape.name === 'NotFoundException') return 'not-found';
  if (invalidNames.has(shape.name)) return 'invalid';
  if (shape.httpStatus === undefined) {
    if ((shape.systemCode && networkCodes.has(shape.systemCode)) || networkNames.has(shape.name)) {
      return 'network';
    }
    if (/fetch failed|socket hang up|network/i.test(shape.message)) return 'network';
  }
  if (shape.httpStatus === 401 || shape.httpStatus === 403) return 'access-denied';
  if (shape.httpStatus === 404) return 'not-found';
  if (shape.httpStatus === 400) return 'invalid';
  return 'other';
}

function hintFor(
  kind: AwsCallErrorKind,
  operation: IotOperationName,
  shape: AwsErrorShape,
  context: { templateName?: string },
): string {
  const template = context.templateName;
  switch (kind) {
    case 'access-denied':
      if (operation === 'CreateProvisioningClaim') {
        return (
          `Your sign-in may not create claims${template ? ` for template ${template}` : ''}: ` +
          'you are not in the installers group, or its role lacks iot:CreateProvisioningClaim on the template. ' +
          'Ask your AWS admin.'
        );
      }
      return (
        `Your role does not allow iot:${operation}. Check that you are in the installers group, ` +
        `or ask your AWS admin to grant iot:${operation} to the installers role.`
      );
    case 'throttled':
      return (
        'AWS IoT is over its request rate for this account (other stations may be busy). ' +
        'Wait a moment and press Retry; if it keeps happening, ask your AWS admin to raise the quota.'
      );
    case 'not-found':
      if (
        template &&
        (operation === 'CreateProvisioningClaim' || operation === 'DescribeProvisioningTemplate')
      ) {
        return (
          `Template ${template} does not exist in this account and Region: check the template name in the ` +
          'station profile, or ask your AWS admin to create it.'
        );
      }
      return 'AWS IoT has no such resource. Check the station profile, or ask your AWS admin.';
    case 'network':
      return 'The station could not reach AWS IoT. Check the network connection, then press Retry.';
    case 'expired-credentials':
      if (/signature|clock|skew/i.test(`${shape.name} ${shape.message}`)) {
        return "Sign in again; if this repeats, check that this computer's date and time are correct.";
      }
      return 'Your session has expired or is no longer valid: sign in again.';
    case 'invalid':
      if (template && /disabled|not enabled/i.test(shape.message)) {
        return `Ask your AWS admin to enable template ${template}.`;
      }
      return 'AWS IoT refused the request as invalid. Press Retry; if it repeats, report it with the message above.';
    case 'other':
      return 'AWS IoT could not complete the request. Press Retry; if it repeats, report it with the message above.';
  }
}

function describeOperation(operation: IotOperationName): string {
  switch (operation) {
    case 'CreateProvisioningClaim':
      return 'Requesting a provisioning claim';
    case 'ListProvisioningTemplates':
      return 'Listing provisioning templates';
    case 'DescribeProvisioningTemplate':
      return 'Reading the provisioning template';
    case 'DescribeThing':
      return 'Reading the Thing from the registry';
    case 'ListThingPrincipals':
      return "Listing the Thing's certificates";
    case 'DescribeCertificate':
      return 'Reading the certificate from the registry';
    case 'UpdateCertificate':
      return 'Changing the certificate status';
    case 'DetachThingPrincipal':
      return 'Detaching the certificate from the Thing';
  }
}

/**
 * AWS error messages do not carry secrets, but a transport or credential-provider error may quote
 * what it was handed: PEM blocks, JWTs and long opaque runs are cut out before the message is kept.
 */
function withoutSecrets(message: string): string {
  return message
    .replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, '[PEM removed]')
    .replace(/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[token removed]')
    .replace(/[A-Za-z0-9+/=_-]{100,}/g, '[opaque value removed]');
}
