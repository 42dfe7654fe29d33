import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

/**
 * The AWS JSON 1.1 protocol as the Cognito services speak it: `POST /`, `X-Amz-Target: Service.Op`,
 * JSON in and out, errors as HTTP 4xx with `x-amzn-errortype` and a `{"__type","message"}` body.
 */

export const AMZ_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Real requests are a few KiB at most; anything far larger is refused before parsing. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** An error the service reports to the caller in AWS's shape. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const invalidParameter = (message: string): AwsServiceError =>
  new AwsServiceError('InvalidParameterException', message);
export const notAuthorized = (message: string): AwsServiceError =>
  new AwsServiceError('NotAuthorizedException', message);
export const resourceNotFound = (message: string): AwsServiceError =>
  new AwsServiceError('ResourceNotFoundException', message);

/** Reads the body up to the cap; a larger body is drained and refused with 413. */
export async function readBody(req: IncomingMessage, maxBytes = MAX_REQUEST_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBytes) {
        req.resume();
        throw tooLarge(maxBytes);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof AwsServiceError) throw error;
    throw new ClientGoneError();
  }
  return Buffer.concat(chunks);
}

/** The client went away while sending its request: nobody is left to answer. */
class ClientGoneError extends Error {
  constructor() {
    super('Client disconnected before the request body was complete');
  }
}

function tooLarge(maxBytes: number): AwsServiceError {
  return new AwsServiceError(
    'SerializationException',
    `Request body exceeds the ${maxBytes}-byte limit of this service.`,
    413,
  );
}

/** Parses a JSON object body; an empty body is `{}` as the SDKs send for operations without input. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'Request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Validates an operation's input; failures read like AWS's "n validation errors detected" messages. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5);
  const details = issues.map((issue) => {
    const path = issue.path.map(String).join('.') || 'input';
    const member = path.charAt(0).toLowerCase() + path.slice(1);
    return issue.code === 'invalid_type' && issue.input === undefined
      ? `Value null at '${member}' failed to satisfy constraint: Member must not be null`
      : `Value at '${member}' failed to satisfy constraint: ${issue.message}`;
  });
  const count = result.error.issues.length;
  throw invalidParameter(
    `${count} validation error${count === 1 ? '' : 's'} detected: ${details.join('; ')}`,
  );
}

/** The operation named by `X-Amz-Target` for the given service prefix, or undefined. */
export function targetOperation(req: IncomingMessage, servicePrefix: string): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(`${servicePrefix}.`)) return undefined;
  return target.slice(servicePrefix.length + 1);
}

export function sendJson(res: ServerResponse, body: unknown, statusCode = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': AMZ_JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AwsServiceError): void {
  const text = JSON.stringify({ __type: error.type, message: error.message });
  res.writeHead(error.statusCode, {
    'content-type': AMZ_JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** One served request, for an orchestrator's log: never bodies, tokens or passwords. */
export interface ServedRequest {
  service: string;
  /** The X-Amz-Target operation, or undefined when the request named none. */
  operation: string | undefined;
  statusCode: number;
  /** The AWS error name when the request failed. */
  errorType?: string;
  durationMs: number;
}

export interface ServiceHooks {
  /** Unexpected exceptions (a bug in the sandbox); the client only sees InternalErrorException. */
  onInternalError: (error: unknown) => void;
  onRequest?: (served: ServedRequest) => void;
}

/**
 * Runs one JSON 1.1 request end to end: method and target checks, capped body, JSON parse, the
 * operation, and the response. An unexpected exception becomes a 500 InternalErrorException whose
 * message carries no detail (it could hold secrets); the detail goes to `onInternalError`.
 */
export async function serveJsonOperation(
  req: IncomingMessage,
  res: ServerResponse,
  servicePrefix: string,
  run: (operation: string, input: Record<string, unknown>) => Promise<unknown> | unknown,
  hooks: ServiceHooks,
): Promise<void> {
  const started = performance.now();
  const operation = targetOperation(req, servicePrefix);
  let errorType: string | undefined;
  try {
    if (req.method !== 'POST') {
      req.resume();
      throw new AwsServiceError(
        'UnknownOperationException',
        `Method ${req.method ?? ''} is not supported.`,
        405,
      );
    }
    if (!operation) {
      req.resume();
      throw new AwsServiceError('UnknownOperationException', 'Missing or foreign X-Amz-Target header.');
    }
    const input = parseJsonObject(await readBody(req));
    sendJson(res, await run(operation, input));
  } catch (error) {
    if (error instanceof ClientGoneError) {
      errorType = 'ClientDisconnected';
      res.destroy();
    } else if (res.headersSent) {
      errorType = 'ResponseFailed';
    } else if (error instanceof AwsServiceError) {
      errorType = error.type;
      sendError(res, error);
    } else {
      errorType = 'InternalErrorException';
      hooks.onInternalError(error);
      sendError(res, new AwsServiceError('InternalErrorException', 'Internal server error.', 500));
    }
  }
  hooks.onRequest?.({
    service: servicePrefix,
    operation,
    statusCode: res.statusCode,
    ...(errorType ? { errorType } : {}),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
}
