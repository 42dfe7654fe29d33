/** The AWS IoT control-plane operations the station calls; each has its own quota and token bucket. */
export const iotOperationNames = [
  'CreateProvisioningClaim',
  'ListProvisioningTemplates',
  'DescribeProvisioningTemplate',
  'DescribeThing',
  'ListThingPrincipals',
  'DescribeCertificate',
  'UpdateCertificate',
  'DetachThingPrincipal',
] as const;

export type IotOperationName = (typeof iotOperationNames)[number];
