import type { ArnBuilder, PolicyDocument } from './policy-document.js';

/**
 * What the installers' role may do: exactly the calls the station makes, each on the narrowest
 * resource IAM lets it name (Service Authorization Reference, "Actions defined by AWS IoT"):
 * - claims and the template read on the one template;
 * - the registry reads of verification on things and certificates;
 * - UpdateCertificate and DetachThingPrincipal to retire the certificate a re-provision replaced
 *   (DetachThingPrincipal is authorized on the certificate, with the thing as condition key
 *   `iot:thingArn`);
 * - the list and endpoint calls, which support no resource-level permission, on `*`.
 */
export function installerPolicyDocument(arns: ArnBuilder, templateName: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iot:CreateProvisioningClaim', 'iot:DescribeProvisioningTemplate'],
        Resource: arns.iot(`provisioningtemplate/${templateName}`),
      },
      {
        Effect: 'Allow',
        Action: ['iot:DescribeThing', 'iot:ListThingPrincipals'],
        Resource: arns.iot('thing/*'),
      },
      {
        Effect: 'Allow',
        Action: ['iot:DescribeCertificate', 'iot:UpdateCertificate'],
        Resource: arns.iot('cert/*'),
      },
      {
        Effect: 'Allow',
        Action: 'iot:DetachThingPrincipal',
        Resource: arns.iot('cert/*'),
        Condition: { StringLike: { 'iot:thingArn': arns.iot('thing/*') } },
      },
      {
        Effect: 'Allow',
        Action: ['iot:ListProvisioningTemplates', 'iot:ListThings', 'iot:DescribeEndpoint'],
        Resource: '*',
      },
    ],
  };
}

/** Actions that IAM cannot scope to a resource; the only ones allowed on `*`. */
export const actionsWithoutResourceScope = [
  'iot:ListProvisioningTemplates',
  'iot:ListThings',
  'iot:DescribeEndpoint',
] as const;
