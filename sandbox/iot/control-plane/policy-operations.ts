import { createHash } from 'node:crypto';
import { z } from 'zod';
import { policyDocumentSchema } from '../iot-registry.js';
import type { IotPolicyRecord } from '../registry-model.js';
import { AwsApiError, resourceNotFound } from './aws-api-error.js';
import { epochSeconds, type IotOperation } from './iot-operation.js';
import { parseInput } from './request-validation.js';

/** CreatePolicy and GetPolicy for AWS IoT policies (the ones attached to device certificates). */

const policyName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+=,.@-]+$/);

const createPolicyBody = z.object({
  policyDocument: z.string().max(2048 * 10),
  tags: z
    .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256).optional() }))
    .optional(),
});

function policyNameParam(pathParams: Record<string, string>): string {
  return parseInput(z.object({ policyName }), { policyName: pathParams.policyName }).policyName;
}

/** AWS answers a document that is not a valid policy with MalformedPolicyException. */
function parsePolicyDocument(text: string): z.infer<typeof policyDocumentSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AwsApiError(
      400,
      'MalformedPolicyException',
      'Policy document is malformed: it is not valid JSON.',
    );
  }
  const parsed = policyDocumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new AwsApiError(
      400,
      'MalformedPolicyException',
      'Policy document is malformed: it needs a Statement with Effect, Action and Resource.',
    );
  }
  return parsed.data;
}

function generationId(record: IotPolicyRecord): string {
  return createHash('sha256').update(`${record.policyArn}:${record.creationDate}`).digest('hex').slice(0, 36);
}

export const createPolicy: IotOperation = {
  name: 'CreatePolicy',
  method: 'POST',
  path: '/policies/{policyName}',
  prepare(request, { registry }) {
    const name = policyNameParam(request.pathParams);
    const body = parseInput(createPolicyBody, request.body ?? {});
    return {
      resource: registry.policyArn(name),
      run() {
        const document = parsePolicyDocument(body.policyDocument);
        const record = registry.createPolicy(name, document);
        return {
          policyName: record.policyName,
          policyArn: record.policyArn,
          policyDocument: body.policyDocument,
          policyVersionId: record.defaultVersionId,
        };
      },
    };
  },
};

export const getPolicy: IotOperation = {
  name: 'GetPolicy',
  method: 'GET',
  path: '/policies/{policyName}',
  prepare(request, { registry }) {
    const name = policyNameParam(request.pathParams);
    return {
      resource: registry.policyArn(name),
      run() {
        const record = registry.getPolicy(name);
        if (!record) throw resourceNotFound(`Policy ${name} does not exist`);
        return {
          policyName: record.policyName,
          policyArn: record.policyArn,
          policyDocument: JSON.stringify(record.policyDocument),
          defaultVersionId: record.defaultVersionId,
          creationDate: epochSeconds(record.creationDate),
          lastModifiedDate: epochSeconds(record.creationDate),
          generationId: generationId(record),
        };
      },
    };
  },
};
