import { invalidRequest } from './aws-api-error.js';
import type { IotOperation } from './iot-operation.js';
import { queryValue } from './request-validation.js';

/**
 * DescribeEndpoint. The sandbox has one data endpoint, the MQTT broker with the sandbox CA's
 * certificate, which is what AWS calls `iot:Data-ATS`. The legacy `iot:Data` endpoint (also what
 * AWS answers when no type is given) would need a different CA; the sandbox refuses to pretend.
 */
export const describeEndpoint: IotOperation = {
  name: 'DescribeEndpoint',
  method: 'GET',
  path: '/endpoint',
  prepare(request, { dataEndpointAddress }) {
    const endpointType = queryValue(request.query, 'endpointType');
    if (endpointType !== 'iot:Data-ATS') {
      throw invalidRequest(
        endpointType === undefined
          ? 'The sandbox only serves endpointType iot:Data-ATS; ask for it explicitly.'
          : `Unsupported endpointType ${endpointType}; the sandbox only serves iot:Data-ATS.`,
      );
    }
    return { resource: '*', run: () => ({ endpointAddress: dataEndpointAddress }) };
  },
};
