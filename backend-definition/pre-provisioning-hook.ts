/**
 * The pre-provisioning hook: AWS IoT calls it (a Lambda) before it registers a device, and the
 * sandbox calls the same function. It refuses serial numbers outside a pattern or on a deny list,
 * both set through the function's environment, so a device maker changes them without new code.
 * Plain TypeScript with no imports: it is bundled as the Lambda's whole code.
 */

/** What AWS IoT sends (the fields the hook reads). */
export interface PreProvisioningHookEvent {
  claimCertificateId?: string;
  certificateId?: string;
  templateArn?: string;
  clientId?: string;
  parameters?: Record<string, string>;
}

/** What AWS IoT expects back; anything but `allowProvisioning: true` refuses the device. */
export interface PreProvisioningHookAnswer {
  allowProvisioning: boolean;
  parameterOverrides?: Record<string, string>;
}

export interface SerialNumberRules {
  /** A regular expression the whole serial number must match; absent: any serial number. */
  pattern?: string;
  /** Serial numbers that are never provisioned (returned, stolen, test units). */
  denied: string[];
}

/** Environment variables of the hook Lambda. */
export const hookEnvironment = {
  pattern: 'SERIAL_NUMBER_PATTERN',
  denied: 'DENIED_SERIAL_NUMBERS',
} as const;

/** Reads the rules from the environment: the pattern as is, the deny list comma- or space-separated. */
export function serialNumberRulesFrom(environment: Record<string, string | undefined>): SerialNumberRules {
  const pattern = environment[hookEnvironment.pattern]?.trim();
  const denied = (environment[hookEnvironment.denied] ?? '')
    .split(/[\s,]+/)
    .map((serial) => serial.trim())
    .filter(Boolean);
  return pattern ? { pattern, denied } : { denied };
}

/**
 * AWS IoT's thing-name format (CreateThing `thingName`). The template names the thing after the
 * serial number, so nothing else could be registered; checked before any pattern runs, it also
 * bounds what a device maker's pattern is ever run on (128 characters, no exotic input).
 */
export const THING_NAME_FORMAT = /^[a-zA-Z0-9:_-]{1,128}$/;

/** The pattern as the hook compiles it: anchored to the whole serial number, Unicode mode. */
function compileSerialNumberPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/**
 * Checks a SERIAL_NUMBER_PATTERN before it is deployed (amplify's function resource, at synth) or
 * run (the sandbox, at start): the hook would refuse every device with one that does not compile.
 * Throws an error that names the variable and says what is wrong.
 */
export function validateSerialNumberPattern(pattern: string): void {
  try {
    compileSerialNumberPattern(pattern.trim());
  } catch (error) {
    throw new Error(
      `${hookEnvironment.pattern} ${JSON.stringify(pattern)} is not a regular expression: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Why a device is refused, or undefined when it may provision. */
export function refusalReason(event: PreProvisioningHookEvent, rules: SerialNumberRules): string | undefined {
  const serial = event.parameters?.SerialNumber;
  if (typeof serial !== 'string' || serial.length === 0) return 'no SerialNumber parameter';
  if (!THING_NAME_FORMAT.test(serial))
    return 'SerialNumber is not a valid thing name ([a-zA-Z0-9:_-]{1,128})';
  if (rules.denied.includes(serial)) return `SerialNumber is on ${hookEnvironment.denied}`;
  if (rules.pattern !== undefined) {
    let pattern: RegExp;
    try {
      pattern = compileSerialNumberPattern(rules.pattern);
    } catch {
      return `${hookEnvironment.pattern} is not a regular expression (every device is refused)`;
    }
    if (!pattern.test(serial)) return `SerialNumber does not match ${hookEnvironment.pattern}`;
  }
  return undefined;
}

/** The decision for one device. A pattern that is not a valid regular expression refuses every device. */
export function decideProvisioning(
  event: PreProvisioningHookEvent,
  rules: SerialNumberRules,
): PreProvisioningHookAnswer {
  return { allowProvisioning: refusalReason(event, rules) === undefined };
}

/**
 * One log line for a refused device, for CloudWatch: the reason, the serial number (cut to what a
 * thing name may hold, as JSON so that nothing in it breaks the line) and the claim's certificate
 * id. Never the certificate PEM or anything else of the event.
 */
export function refusalLogLine(event: PreProvisioningHookEvent, reason: string): string {
  const serial = event.parameters?.SerialNumber;
  const shown = typeof serial === 'string' ? JSON.stringify(serial.slice(0, 128)) : 'none';
  return `pre-provisioning hook refused serial ${shown} (claim certificate ${event.claimCertificateId ?? 'unknown'}): ${reason}`;
}

/** The Lambda entry point. */
export const handler = async (event: PreProvisioningHookEvent): Promise<PreProvisioningHookAnswer> => {
  const reason = refusalReason(event, serialNumberRulesFrom(process.env));
  if (reason === undefined) return { allowProvisioning: true };
  console.log(refusalLogLine(event, reason));
  return { allowProvisioning: false };
};
