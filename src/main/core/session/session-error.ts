import { StationError } from '../station-error.js';

/**
 * A sign-in or session failure told in plain words. `awsErrorName` is the Cognito (or Amplify)
 * error name behind it, e.g. `NotAuthorizedException` or `NetworkError`, for the log and for tests;
 * the message already quotes it with Cognito's own message. The original error is not kept as
 * `cause`: nothing here may carry request material (tokens) further than this sentence.
 */
export class SessionError extends StationError {
  readonly awsErrorName: string | undefined;

  constructor(message: string, awsErrorName?: string) {
    super(message);
    this.awsErrorName = awsErrorName;
  }
}
