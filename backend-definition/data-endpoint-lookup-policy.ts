import type { PolicyDocument } from './policy-document.js';

/**
 * What looks up the account's device endpoint (DescribeEndpoint `iot:Data-ATS`) may do: that one
 * call, on `*` since IAM has no resource-level permission for it. A deployment gives it to the
 * deploy-time lookup (amplify/provisioning/iot-data-endpoint.ts); the station never calls it (its
 * profile carries the endpoint), so installers do not get it. The sandbox gives it to a role of its
 * own for tests and tools that ask as a deployment does.
 */
export function dataEndpointLookupPolicyDocument(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:DescribeEndpoint', Resource: '*' }],
  };
}
