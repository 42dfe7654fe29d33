import { invalidRequest } from './aws-api-error.js';
import type { IotOperation } from './iot-operation.js';
import { queryValue } from './request-validation.js';

/**
 * DescribeEndpoint. The sandbox has one data endpoint, the MQTT broker with the sandbox CA's
 * certificate, which is what AWS calls `iot:Data-ATS`. The legacy `iot:Data` endpoint (also what
 * AWS answers when no type is given) would need a different CA; the sandbox refuses to pretend.
 * Like AWS it answers a bare host name: device SDKs take the port separately, and one given
 * `host:port` as its endpoint fails to resolve it and keeps retrying.
 */
export const describeEndpoint: IotOperation = {
  name: 'DescribeEndpoint',
  method: 'GET',
  path: '/endpoint',
  prepare(request, { dataEndpointHost }) {
    const endpointType = queryValue(request.query, 'endpointType');
    if (endpointType !== 'iot:Data-ATS') {
      throw invalidRequest(
        endpointType === undefined
          ? 'The sandbox only serves endpointType iot:Data-ATS; ask for it explicitly.'
          : `Unsupported endpointType ${endpointType}; the sandbox only serves iot:Data-ATS.`,
      );
    }
    return { resource: '*', run: () => ({ endpointAddress: dataEndpointHost }) };
  },
};

const hostLabel = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const bareHostPattern = new RegExp(`^(?:${hostLabel}(?:\\.${hostLabel})*|\\d{1,3}(?:\\.\\d{1,3}){3})$`);

/** Refuses anything DescribeEndpoint could not answer as AWS does: a DNS name or an IPv4 address, no port. */
export function checkedDataEndpointHost(host: string): string {
  if (!bareHostPattern.test(host)) {
    throw new Error(
      `dataEndpointHost must be a host name without a port, as AWS's DescribeEndpoint answers ` +
        `(e.g. abc123-ats.iot.eu-west-1.amazonaws.com or 127.0.0.1), not "${host}".`,
    );
  }
  return host;
}
