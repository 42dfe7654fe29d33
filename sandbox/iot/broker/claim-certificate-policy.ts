import type { PolicyDocument } from '../../iam/iam-policy.js';

/**
 * What a trusted-user claim certificate may do. AWS documents no attachable policy for claims from
 * CreateProvisioningClaim; the sandbox gives exactly the Fleet Provisioning topics of the claim's
 * own template (documented decision), expressed as an IoT policy so the same evaluator applies.
 */
export function claimCertificatePolicy(arnPrefix: string, templateName: string): PolicyDocument {
  const topics = [
    '$aws/certificates/create/*',
    '$aws/certificates/create-from-csr/*',
    `$aws/provisioning-templates/${templateName}/provision/*`,
  ];
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: topics.map((topic) => `${arnPrefix}topic/${topic}`),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: topics.map((topic) => `${arnPrefix}topicfilter/${topic}`),
      },
    ],
  };
}
