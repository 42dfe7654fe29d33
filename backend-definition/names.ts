/**
 * The names the device maker's AWS side is built from. The Amplify backend (amplify/) deploys them,
 * the sandbox seeds them, and the station finds them through the profile (amplify_outputs.json).
 */

/** Cognito group whose members may provision devices (their tokens map to the installers' role). */
export const INSTALLERS_GROUP = 'installers';
/** Cognito group for the people who manage operators; it grants no IoT rights of its own. */
export const ADMINS_GROUP = 'admins';
/** Group precedence: the lower wins when a user is in both (Cognito's `cognito:preferred_role`). */
export const groupPrecedence = { [INSTALLERS_GROUP]: 1, [ADMINS_GROUP]: 2 } as const;

export const TEMPLATE_NAME = 'TrustedUserProvisioningTemplate';
export const DEVICE_POLICY_NAME = 'StationDevicePolicy';
export const PRE_PROVISIONING_HOOK_NAME = 'StationPreProvisioningHook';

/** The `Model` template parameter's Default, used when the station sends no model. */
export const DEFAULT_MODEL = 'generic';
/** Default of the `BatchId`, `StationId` and `Operator` parameters when a device provisions without a station. */
export const UNASSIGNED = 'unassigned';

/** The payload version of the hook's event, the only one AWS documents. */
export const PRE_PROVISIONING_HOOK_PAYLOAD_VERSION = '2020-04-01';
