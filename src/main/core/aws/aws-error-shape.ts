/**
 * What an AWS SDK v3 failure says about itself, read defensively from `unknown`: service errors
 * carry `name`, `message`, `$metadata.httpStatusCode` and `$retryable`; transport failures are Node
 * errors with a `code` (ECONNREFUSED, ...) and no HTTP status.
 */
export interface AwsErrorShape {
  /** The AWS error name (`x-amzn-errortype`), or the Node error code / error name for transport failures. */
  name: string;
  message: string;
  httpStatus: number | undefined;
  requestId: string | undefined;
  /** The SDK's own throttling classification, when it made one. */
  sdkThrottling: boolean;
  /** A Node system error code such as ECONNREFUSED, when there is one. */
  systemCode: string | undefined;
}

export function readAwsError(error: unknown): AwsErrorShape {
  const record = isObject(error) ? error : {};
  const metadata = isObject(record['$metadata']) ? record['$metadata'] : {};
  const retryable = isObject(record['$retryable']) ? record['$retryable'] : {};
  const status = metadata['httpStatusCode'];
  const systemCode = systemCodeOf(error);
  const name = stringOr(record['name'], '') || systemCode || 'Error';
  return {
    name: name === 'Error' && systemCode ? systemCode : name,
    message: error instanceof Error ? error.message : stringOr(record['message'], String(error)),
    httpStatus: typeof status === 'number' ? status : undefined,
    requestId: stringOr(metadata['requestId'], '') || undefined,
    sdkThrottling: retryable['throttling'] === true,
    systemCode,
  };
}

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const unavailableNames = new Set(['ServiceUnavailableException', 'ServiceUnavailable']);

/** AWS asked us to slow down (or is briefly unavailable): the call may be repeated after a wait. */
export function isThrottling(shape: AwsErrorShape): boolean {
  return (
    throttlingNames.has(shape.name) ||
    unavailableNames.has(shape.name) ||
    shape.sdkThrottling ||
    shape.httpStatus === 429 ||
    shape.httpStatus === 503
  );
}

/** A Node system error code, looked for on the error and its causes (undici and the SDK wrap them). */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    const code = current['code'];
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = current['cause'];
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
