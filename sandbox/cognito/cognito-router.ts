import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, sendError } from './aws-json-protocol.js';

/** A service that can be mounted on a shared loopback server. */
export interface MountableService {
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * One handler for several Cognito services on one HTTP server: each request goes to the first
 * service that claims it (by X-Amz-Target, or the JWKS path for GETs); anything else gets AWS's
 * unknown-operation error.
 */
export function routeToServices(
  services: readonly MountableService[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const service = services.find((candidate) => candidate.matches(req));
    if (service) {
      service.handle(req, res);
      return;
    }
    req.resume();
    sendError(
      res,
      req.method === 'GET'
        ? new AwsServiceError('ResourceNotFoundException', `Nothing is served at ${req.url ?? '/'}.`, 404)
        : new AwsServiceError('UnknownOperationException', 'Missing or unknown X-Amz-Target header.'),
    );
  };
}
