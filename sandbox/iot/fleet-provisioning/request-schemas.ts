import { z } from 'zod';
import { ProvisioningRejection } from './provisioning-rejection.js';

/** What devices may send to each Fleet Provisioning API; unknown keys are ignored, as AWS does. */

export const createKeysAndCertificateRequestSchema = z.object({}).loose();

export const createCertificateFromCsrRequestSchema = z.object({
  certificateSigningRequest: z.string().min(1, 'certificateSigningRequest is empty').max(16_384),
});

/** Control-plane limits for parameters: key ≤ 2048, value ≤ 4096 characters. */
export const registerThingRequestSchema = z.object({
  certificateOwnershipToken: z.string().max(4096).optional(),
  parameters: z.record(z.string().min(1).max(2048), z.string().max(4096)).optional(),
});

export type RegisterThingRequest = z.infer<typeof registerThingRequestSchema>;

export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, api: string): z.infer<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProvisioningRejection(400, 'InvalidPayload', `The ${api} request must be an object.`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
    );
    throw new ProvisioningRejection(400, 'InvalidPayload', `Invalid ${api} request: ${issues.join('; ')}`);
  }
  return result.data;
}
