import { DEFAULT_MODEL, UNASSIGNED } from './names.js';

/**
 * The Fleet Provisioning template body: the Thing is named after the serial number the station
 * passes, the certificate the device just created is activated, and the device policy is attached.
 * The Thing's attributes record which batch, station and operator made it, so the registry itself
 * can answer that; a device provisioned without a station gets `unassigned` (attribute values must
 * match AWS's AttributeValue pattern, which `unassigned` and the station's ids do).
 */
export function provisioningTemplateBody(devicePolicyName: string) {
  return {
    Parameters: {
      SerialNumber: { Type: 'String' },
      Model: { Type: 'String', Default: DEFAULT_MODEL },
      BatchId: { Type: 'String', Default: UNASSIGNED },
      StationId: { Type: 'String', Default: UNASSIGNED },
      Operator: { Type: 'String', Default: UNASSIGNED },
      'AWS::IoT::Certificate::Id': { Type: 'String' },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: {
          ThingName: { Ref: 'SerialNumber' },
          AttributePayload: {
            serialNumber: { Ref: 'SerialNumber' },
            model: { Ref: 'Model' },
            batchId: { Ref: 'BatchId' },
            stationId: { Ref: 'StationId' },
            operator: { Ref: 'Operator' },
          },
        },
        // Re-provisioning a repaired device keeps its thing and refreshes its attributes.
        OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
      },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
      },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: devicePolicyName } },
    },
    DeviceConfiguration: {},
  };
}

export const provisioningTemplateDescription =
  'Provisioning Station: Thing named by serial number with batch, station and operator attributes, ACTIVE certificate, device policy';
