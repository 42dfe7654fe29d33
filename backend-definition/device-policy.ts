import type { ArnBuilder, PolicyDocument } from './policy-document.js';

/**
 * The AWS IoT policy of a provisioned device: it may connect only with its thing name as client id
 * and use only its own `devices/<thing name>/…` topics.
 */
export function devicePolicyDocument(arns: ArnBuilder): PolicyDocument {
  const thing = '${iot:Connection.Thing.ThingName}';
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: arns.iot(`client/${thing}`) },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: arns.iot(`topic/devices/${thing}/*`),
      },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arns.iot(`topicfilter/devices/${thing}/*`) },
    ],
  };
}
