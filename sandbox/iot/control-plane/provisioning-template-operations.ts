import { z } from 'zod';
import type { ProvisioningTemplateRecord } from '../registry-model.js';
import { validateProvisioningTemplate } from '../template/provisioning-template.js';
import { invalidRequest, resourceNotFound } from './aws-api-error.js';
import { epochSeconds, type IotOperation } from './iot-operation.js';
import { paginate } from './pagination.js';
import { integerQuery, parseInput, queryValue } from './request-validation.js';

/**
 * Provisioning templates (Create/Describe/List/Update) and CreateProvisioningClaim, with the
 * request shapes of the AWS IoT service model. The template body is read with the template
 * module's static validation; record-level checks (hook payload version, name taken) are the
 * registry's, so templates created any other way obey them too.
 */

const templateName = z
  .string()
  .min(1)
  .max(36)
  .regex(/^[0-9A-Za-z_-]+$/);
const roleArn = z.string().min(20).max(2048);
const hook = z.object({
  targetArn: z.string().max(2048),
  payloadVersion: z
    .string()
    .min(10)
    .max(32)
    .regex(/^[0-9-]+$/)
    .optional(),
});
const tags = z
  .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256).optional() }))
  .max(50);

const createTemplateBody = z.object({
  templateName,
  templateBody: z.string().min(0).max(10240),
  provisioningRoleArn: roleArn,
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  preProvisioningHook: hook.optional(),
  tags: tags.optional(),
  type: z.enum(['FLEET_PROVISIONING', 'JITP']).optional(),
});

const updateTemplateBody = z.object({
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  defaultVersionId: z.number().int().optional(),
  provisioningRoleArn: roleArn.optional(),
  preProvisioningHook: hook.optional(),
  removePreProvisioningHook: z.boolean().optional(),
});

const listQuery = z.object({
  maxResults: integerQuery.pipe(z.number().int().min(1).max(250)).optional(),
  nextToken: z.string().min(1).optional(),
});

function templateNameParam(pathParams: Record<string, string>): string {
  return parseInput(z.object({ templateName }), { templateName: pathParams.templateName }).templateName;
}

function describe(record: ProvisioningTemplateRecord): Record<string, unknown> {
  return {
    templateArn: record.templateArn,
    templateName: record.templateName,
    description: record.description,
    creationDate: epochSeconds(record.creationDate),
    lastModifiedDate: epochSeconds(record.lastModifiedDate),
    defaultVersionId: record.defaultVersionId,
    templateBody: record.templateBody,
    enabled: record.enabled,
    provisioningRoleArn: record.provisioningRoleArn,
    preProvisioningHook: record.preProvisioningHook,
    type: record.type,
  };
}

export const createProvisioningTemplate: IotOperation = {
  name: 'CreateProvisioningTemplate',
  method: 'POST',
  path: '/provisioning-templates',
  prepare(request, { registry }) {
    const input = parseInput(createTemplateBody, request.body ?? {});
    return {
      resource: registry.templateArn(input.templateName),
      run() {
        // AWS reads the template when it is created, so a broken one fails here, not at RegisterThing.
        const validation = validateProvisioningTemplate(input.templateBody);
        if (!validation.valid) {
          throw invalidRequest(`The provisioning template is invalid: ${validation.errors.join(' ')}`);
        }
        // Tags are accepted and not kept: nothing in the sandbox reads them.
        const { tags: _tags, ...template } = input;
        const record = registry.createTemplate(template);
        return {
          templateArn: record.templateArn,
          templateName: record.templateName,
          defaultVersionId: record.defaultVersionId,
        };
      },
    };
  },
};

export const describeProvisioningTemplate: IotOperation = {
  name: 'DescribeProvisioningTemplate',
  method: 'GET',
  path: '/provisioning-templates/{templateName}',
  prepare(request, { registry }) {
    const name = templateNameParam(request.pathParams);
    return {
      resource: registry.templateArn(name),
      run() {
        const record = registry.getTemplate(name);
        if (!record) throw resourceNotFound(`The provisioning template ${name} does not exist`);
        return describe(record);
      },
    };
  },
};

export const listProvisioningTemplates: IotOperation = {
  name: 'ListProvisioningTemplates',
  method: 'GET',
  path: '/provisioning-templates',
  prepare(request, { registry }) {
    const query = parseInput(listQuery, {
      maxResults: queryValue(request.query, 'maxResults'),
      nextToken: queryValue(request.query, 'nextToken'),
    });
    return {
      resource: '*',
      run() {
        const page = paginate(
          registry.listTemplates(),
          (t) => t.templateName,
          query.maxResults ?? 25,
          query.nextToken,
        );
        return {
          templates: page.items.map((t) => ({
            templateArn: t.templateArn,
            templateName: t.templateName,
            description: t.description,
            creationDate: epochSeconds(t.creationDate),
            lastModifiedDate: epochSeconds(t.lastModifiedDate),
            enabled: t.enabled,
            type: t.type,
          })),
          nextToken: page.nextToken,
        };
      },
    };
  },
};

export const updateProvisioningTemplate: IotOperation = {
  name: 'UpdateProvisioningTemplate',
  method: 'PATCH',
  path: '/provisioning-templates/{templateName}',
  prepare(request, { registry }) {
    const name = templateNameParam(request.pathParams);
    const patch = parseInput(updateTemplateBody, request.body ?? {});
    return {
      resource: registry.templateArn(name),
      run() {
        registry.updateTemplate(name, patch);
        return {};
      },
    };
  },
};

export const createProvisioningClaim: IotOperation = {
  name: 'CreateProvisioningClaim',
  method: 'POST',
  path: '/provisioning-templates/{templateName}/provisioning-claim',
  prepare(request, { registry, certificateAuthority, claimValiditySeconds }) {
    const name = templateNameParam(request.pathParams);
    return {
      resource: registry.templateArn(name),
      async run() {
        const template = registry.getTemplate(name);
        if (!template) throw resourceNotFound(`The provisioning template ${name} does not exist`);
        if (template.type !== 'FLEET_PROVISIONING') {
          throw invalidRequest(`Provisioning claims can only be created for FLEET_PROVISIONING templates.`);
        }
        const claim = await certificateAuthority.issueClaimCertificate({
          validForSeconds: claimValiditySeconds,
        });
        registry.recordClaim({
          certificateId: claim.certificateId,
          templateName: name,
          expiration: claim.expiration * 1000,
        });
        return {
          certificateId: claim.certificateId,
          certificatePem: claim.certificatePem,
          keyPair: { PublicKey: claim.publicKeyPem, PrivateKey: claim.privateKeyPem },
          expiration: claim.expiration,
        };
      },
    };
  },
};
