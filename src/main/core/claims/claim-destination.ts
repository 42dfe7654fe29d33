import type { StationProfile } from '../../../shared/station-profile-schema.js';
import { StationError } from '../station-error.js';
import { amazonRootCaPem } from './amazon-root-ca.js';

/** Where a device takes its claim and whom it trusts there: the `endpoint` and `rootCaPem` of ClaimManagerOptions. */
export interface ClaimDestination {
  endpoint: { host: string; port: number };
  rootCaPem: string;
}

/**
 * From the profile alone, the same way for the sandbox and AWS: the data endpoint's host and port,
 * and the profile's CA bundle where it names one (the sandbox), else Amazon Root CA 1 + 3.
 */
export function claimDestinationFor(
  iot: Pick<StationProfile['iot'], 'dataEndpoint' | 'caCertificatePem'>,
  roots?: readonly string[],
): ClaimDestination {
  const separator = iot.dataEndpoint.lastIndexOf(':');
  const host = iot.dataEndpoint.slice(0, separator);
  const port = Number(iot.dataEndpoint.slice(separator + 1));
  if (separator < 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StationError(
      `The profile's iot.dataEndpoint "${iot.dataEndpoint}" is not host:port; enter it as DescribeEndpoint ` +
        '(iot:Data-ATS) gives it, with the port, e.g. abc123-ats.iot.eu-west-1.amazonaws.com:8883.',
    );
  }
  return {
    endpoint: { host, port },
    rootCaPem: iot.caCertificatePem ?? amazonRootCaPem(roots),
  };
}
