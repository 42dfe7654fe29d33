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

/** The decision for one device. A pattern that is not a valid regular expression refuses every device. */
export function decideProvisioning(
  event: PreProvisioningHookEvent,
  rules: SerialNumberRules,
): PreProvisioningHookAnswer {
  const serial = event.parameters?.SerialNumber;
  if (typeof serial !== 'string' || serial.length === 0) return { allowProvisioning: false };
  if (rules.denied.includes(serial)) return { allowProvisioning: false };
  if (rules.pattern !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${rules.pattern})$`, 'u');
    } catch {
      return { allowProvisioning: false };
    }
    if (!pattern.test(serial)) return { allowProvisioning: false };
  }
  return { allowProvisioning: true };
}

/** The Lambda entry point. */
export const handler = async (event: PreProvisioningHookEvent): Promise<PreProvisioningHookAnswer> =>
  decideProvisioning(event, serialNumberRulesFrom(process.env));
