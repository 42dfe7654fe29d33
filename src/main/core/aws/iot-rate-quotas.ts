import type { IotOperationName } from './iot-operation-names.js';

/**
 * AWS IoT Core's default per-account, per-Region request rates for the operations the station
 * calls, and where each number comes from. Sources:
 *  - SQ: the Service Quotas default (service `iotcore`; the code is the quota to raise in the
 *    Service Quotas console).
 *  - limits-iot: the older published table in the AWS IoT developer guide (limits-iot.html).
 *  - none found: no default was retrievable here (docs.aws.amazon.com/general/latest/gr/iot-core.html
 *    holds the current table); 10/s is the lowest default of the IoT registry APIs that were found,
 *    so the station never sends faster than any of them allows. Check the account's Service Quotas.
 * Several stations in one account share these quotas: the governor's backoff absorbs the rest.
 */
export const iotRateQuotas: Readonly<
  Record<IotOperationName, { perSecond: number; quotaCode: string; source: string }>
> = {
  CreateProvisioningClaim: { perSecond: 10, quotaCode: 'L-33A2AE15', source: 'none found' },
  ListProvisioningTemplates: { perSecond: 10, quotaCode: 'L-53E8A280', source: 'none found' },
  DescribeProvisioningTemplate: { perSecond: 10, quotaCode: 'L-261C415C', source: 'none found' },
  DescribeThing: { perSecond: 350, quotaCode: 'L-0EF0F5EE', source: 'SQ default; limits-iot' },
  ListThingPrincipals: { perSecond: 10, quotaCode: 'L-FC3EF4D9', source: 'SQ default; limits-iot' },
  DescribeCertificate: { perSecond: 10, quotaCode: 'L-FC864907', source: 'none found' },
  UpdateCertificate: { perSecond: 10, quotaCode: 'L-77B523DC', source: 'none found' },
  DetachThingPrincipal: { perSecond: 100, quotaCode: 'L-B5EE4A16', source: 'SQ default' },
};
