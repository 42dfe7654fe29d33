/**
 * An error whose message is written for the operator: what happened and what to do. Handlers
 * throw it to fail a call with that message; any other error is reported as an internal failure.
 */
export class StationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationError';
  }
}
