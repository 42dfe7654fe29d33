import { defineFunction } from '@aws-amplify/backend';
import { PRE_PROVISIONING_HOOK_NAME } from '../../../backend-definition/names.js';
import {
  hookEnvironment,
  validateSerialNumberPattern,
} from '../../../backend-definition/pre-provisioning-hook.js';

/**
 * The pre-provisioning hook Lambda: AWS IoT calls it before every RegisterThing, and it refuses
 * serial numbers outside SERIAL_NUMBER_PATTERN or on DENIED_SERIAL_NUMBERS. Its code is
 * backend-definition/pre-provisioning-hook.ts, the same function the sandbox runs as its hook.
 *
 * Both rules are read from the environment of the deploy, so a device maker sets them without
 * editing code: `SERIAL_NUMBER_PATTERN='SN-[0-9]{6}' DENIED_SERIAL_NUMBERS='SN-000013' npx ampx sandbox`,
 * or as environment variables of the branch in the Amplify console for `ampx pipeline-deploy`
 * (empty: every non-empty serial number is allowed). They can also be changed on the deployed
 * function (Lambda console, Configuration, Environment variables) until the next deploy.
 */
const serialNumberPattern = process.env[hookEnvironment.pattern] ?? '';
// A pattern that does not compile would refuse every device: fail the deploy (ampx) instead.
validateSerialNumberPattern(serialNumberPattern);

export const preProvisioningHook = defineFunction({
  name: PRE_PROVISIONING_HOOK_NAME,
  entry: '../../../backend-definition/pre-provisioning-hook.ts',
  // AWS IoT waits at most 5 s for the hook and refuses the device after that; the check takes ms.
  timeoutSeconds: 5,
  memoryMB: 128,
  runtime: 24,
  environment: {
    [hookEnvironment.pattern]: serialNumberPattern,
    [hookEnvironment.denied]: process.env[hookEnvironment.denied] ?? '',
  },
});
