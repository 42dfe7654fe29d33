/** The station's AWS layer: the IoT client, the shared rate governor, registry reads and verification. */
export { iotOperationNames } from './iot-operation-names.js';
export type { IotOperationName } from './iot-operation-names.js';
export { iotRateQuotas } from './iot-rate-quotas.js';
export { AwsCallGovernor } from './aws-call-governor.js';
export type { AwsCallGovernorOptions, OperationStats } from './aws-call-governor.js';
export { createIotClient } from './iot-client.js';
export type { AwsCredentialIdentityProvider } from './iot-client.js';
export { AwsCallError, toAwsCallError } from './aws-call-error.js';
export type { AwsCallErrorKind } from './aws-call-error.js';
export { IotRegistryClient } from './iot-registry-client.js';
export type { RetirementOutcome, TemplateDescription, TemplateSummary } from './iot-registry-client.js';
export { certificateFingerprint, normalizeFingerprint } from './registry-verification.js';
export type {
  ExpectedIdentity,
  VerificationFailureCode,
  VerificationOutcome,
} from './registry-verification.js';
export { TemplateBodyError, parseTemplateParameters } from './template-parameters.js';
export type { TemplateParameter } from './template-parameters.js';
export {
  maxThingAttributeValueLength,
  thingAttributeValuePattern,
  toThingAttributeValue,
} from './thing-attribute-value.js';
