import type { ArnBuilder, PolicyDocument, PolicyStatement } from './policy-document.js';

export interface InstallerPolicyOptions {
  /**
   * Let installers retire the certificate a re-provision replaced (default true): UpdateCertificate
   * and DetachThingPrincipal on `cert/*`. IAM cannot narrow these to the certificates of this
   * backend's devices, so with them any installer may deactivate any certificate in the account and
   * region. Without them the station reports such a certificate as left for an administrator.
   */
  retireReplacedCertificates?: boolean;
}

/**
 * What the installers' role may do: exactly the calls the station makes
 * (src/main/core/aws/iot-operation-names.ts), each on the narrowest resource IAM lets it name
 * (Service Authorization Reference, "Actions defined by AWS IoT"):
 * - claims and the template read on the one template;
 * - the registry reads of verification on things and certificates;
 * - optionally UpdateCertificate and DetachThingPrincipal to retire the certificate a re-provision
 *   replaced (DetachThingPrincipal is authorized on the certificate, with the thing as condition
 *   key `iot:thingArn`, an ARN: hence ArnLike);
 * - ListProvisioningTemplates, which supports no resource-level permission, on `*`.
 */
export function installerPolicyDocument(
  arns: ArnBuilder,
  templateName: string,
  options: InstallerPolicyOptions = {},
): PolicyDocument {
  const retire: PolicyStatement[] =
    options.retireReplacedCertificates === false
      ? []
      : [
          { Effect: 'Allow', Action: 'iot:UpdateCertificate', Resource: arns.iot('cert/*') },
          {
            Effect: 'Allow',
            Action: 'iot:DetachThingPrincipal',
            Resource: arns.iot('cert/*'),
            Condition: { ArnLike: { 'iot:thingArn': arns.iot('thing/*') } },
          },
        ];
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
      { Effect: 'Allow', Action: 'iot:DescribeCertificate', Resource: arns.iot('cert/*') },
      ...retire,
      // One action: written as a string, as CDK writes a one-element list (the tests compare them).
      { Effect: 'Allow', Action: 'iot:ListProvisioningTemplates', Resource: '*' },
    ],
  };
}

/** The installers' actions that IAM cannot scope to a resource; the only ones they get on `*`. */
export const actionsWithoutResourceScope = ['iot:ListProvisioningTemplates'] as const;

/** The deploy environment's switch for `retireReplacedCertificates` (amplify/backend.ts reads it). */
export const RETIRE_REPLACED_CERTIFICATES = 'RETIRE_REPLACED_CERTIFICATES';

/** Reads the switch: absent or empty is true; `true` or `false` (any case); anything else throws. */
export function retireReplacedCertificatesFrom(environment: Record<string, string | undefined>): boolean {
  const value = environment[RETIRE_REPLACED_CERTIFICATES]?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(
    `${RETIRE_REPLACED_CERTIFICATES} is ${JSON.stringify(environment[RETIRE_REPLACED_CERTIFICATES])}; expected true or false`,
  );
}
