import {
  decideProvisioning,
  hookEnvironment,
  serialNumberRulesFrom,
  validateSerialNumberPattern,
} from '../../backend-definition/pre-provisioning-hook.js';
import type { PreProvisioningHookFunction } from '../iot/fleet-provisioning/pre-provisioning-hook.js';

/**
 * The sandbox's stand-in for the pre-provisioning hook Lambda: the Lambda's own code
 * (backend-definition/pre-provisioning-hook.ts) run in-process with an environment of its own, so
 * the rules reach it through the same variables a device maker sets on the real function.
 */

/** The rules as the sandbox's options give them; none means every serial number is allowed. */
export interface SerialNumberHookOptions {
  /** A regular expression the whole serial number must match. */
  pattern?: string;
  /** Serial numbers that are never provisioned. */
  denied?: readonly string[];
}

/**
 * The hook Lambda's environment for these rules. Refuses what the Lambda would silently turn into
 * "refuse every device" (a pattern that is not a regular expression) or read differently (a denied
 * serial number with a comma or white space, the list's separators).
 */
export function hookLambdaEnvironment(options: SerialNumberHookOptions = {}): Record<string, string> {
  const environment: Record<string, string> = {};
  if (options.pattern !== undefined && options.pattern.trim() !== '') {
    // The same check amplify's function resource makes at synth.
    validateSerialNumberPattern(options.pattern);
    environment[hookEnvironment.pattern] = options.pattern;
  }
  const denied = options.denied ?? [];
  const unreadable = denied.find((serial) => serial === '' || /[\s,]/.test(serial));
  if (unreadable !== undefined) {
    throw new Error(
      `Denied serial number ${JSON.stringify(unreadable)} is empty or holds a comma or white space, which separate the list`,
    );
  }
  if (denied.length > 0) environment[hookEnvironment.denied] = denied.join(',');
  return environment;
}

/** Where the function's code lives, relative to the repository: the file imported above. */
export const HOOK_FUNCTION_CODE = 'backend-definition/pre-provisioning-hook.ts';

/** A Lambda function as the sandbox runs it. */
export interface SandboxFunction {
  functionArn: string;
  /** Repository-relative path of the code it runs. */
  code: string;
  environment: Readonly<Record<string, string>>;
  /** The decision it runs: backend-definition's own function object, not a copy. */
  decide: typeof decideProvisioning;
  invoke: PreProvisioningHookFunction;
}

/** The hook function the broker calls for the seeded template's hook ARN. */
export function serialNumberHookFunction(
  functionArn: string,
  environment: Readonly<Record<string, string>>,
): SandboxFunction {
  // The Lambda's handler reads process.env on each call; the sandbox's environment is fixed per start.
  const rules = serialNumberRulesFrom(environment);
  return {
    functionArn,
    code: HOOK_FUNCTION_CODE,
    environment: { ...environment },
    decide: decideProvisioning,
    invoke: (event) => decideProvisioning(event, rules),
  };
}

/** Rules from the variables the Lambda reads, for the CLI (flags win over them). */
export function serialNumberHookOptionsFrom(
  environment: Readonly<Record<string, string | undefined>>,
): SerialNumberHookOptions {
  const rules = serialNumberRulesFrom(environment);
  return { ...(rules.pattern !== undefined ? { pattern: rules.pattern } : {}), denied: rules.denied };
}
