import { IotRegistryError, type IotRegistryErrorCode } from '../iot-registry.js';

/**
 * An error as the AWS IoT control plane sends it: an HTTP status, the error name in the
 * `x-amzn-errortype` header and `{"message": ...}` (plus any extra members) as the JSON body.
 */
export class AwsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra body members, e.g. `resourceId`/`resourceArn` of ResourceAlreadyExistsException. */
    readonly members: Record<string, string> = {},
    /**
     * AWS's front door adds a namespace to authentication errors
     * (`UnrecognizedClientException:http://internal.amazon.com/coral/...`); clients strip it.
     */
    readonly headerSuffix = '',
  ) {
    super(message);
    this.name = code;
  }
}

const authenticationNamespace = ':http://internal.amazon.com/coral/com.amazon.coral.service/';

export const authenticationError = (status: number, code: string, message: string): AwsApiError =>
  new AwsApiError(status, code, message, {}, authenticationNamespace);

export const invalidRequest = (message: string): AwsApiError =>
  new AwsApiError(400, 'InvalidRequestException', message);

export const resourceNotFound = (message: string): AwsApiError =>
  new AwsApiError(404, 'ResourceNotFoundException', message);

const registryErrorStatus: Record<IotRegistryErrorCode, number> = {
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ResourceAlreadyExistsException: 409,
  ConflictingResourceUpdateException: 409,
  DeleteConflictException: 409,
  CertificateStateException: 406,
};

/** The wire form of a registry error; anything else is not an API error and stays as it is. */
export function toApiError(error: unknown): AwsApiError | undefined {
  if (error instanceof AwsApiError) return error;
  if (error instanceof IotRegistryError) {
    return new AwsApiError(registryErrorStatus[error.code], error.code, error.message, error.resource ?? {});
  }
  return undefined;
}
