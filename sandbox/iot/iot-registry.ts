import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { PolicyDocument } from '../iam/iam-policy.js';
import { JsonStateFile } from '../state-file.js';
import type {
  CertificateRecord,
  CertificateStatus,
  IotPolicyRecord,
  PreProvisioningHookConfig,
  ProvisioningClaimRecord,
  ProvisioningTemplateRecord,
  ThingRecord,
} from './registry-model.js';
import { MAX_TEMPLATE_BODY_LENGTH } from './template/provisioning-template.js';

/**
 * The sandbox's AWS IoT registry: provisioning templates, claim certificates, account certificates,
 * things, principals and IoT policies. The control plane reads and edits it over HTTP, Fleet
 * Provisioning over MQTT writes it. Every change is persisted at once (when a state path is given),
 * and every method is synchronous, so a caller's read-check-write sequence is never interleaved.
 */

/** AWS error names the registry raises; the control plane sends them as `x-amzn-errortype`. */
export type IotRegistryErrorCode =
  | 'InvalidRequestException'
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'ConflictingResourceUpdateException'
  | 'CertificateStateException'
  | 'DeleteConflictException';

export class IotRegistryError extends Error {
  constructor(
    readonly code: IotRegistryErrorCode,
    message: string,
    /** For ResourceAlreadyExistsException, as AWS reports them. */
    readonly resource?: { resourceId: string; resourceArn: string },
  ) {
    super(message);
    this.name = code;
  }
}

export interface IotRegistryOptions {
  region: string;
  accountId: string;
  clock: Clock;
  /** JSON file the registry lives in; without it the registry is in memory only. */
  statePath?: string;
}

export interface CreateTemplateInput {
  templateName: string;
  templateBody: string;
  provisioningRoleArn: string;
  description?: string;
  /** AWS creates templates disabled unless told otherwise. */
  enabled?: boolean;
  preProvisioningHook?: PreProvisioningHookConfig;
  type?: 'FLEET_PROVISIONING' | 'JITP';
}

export interface UpdateTemplatePatch {
  description?: string;
  enabled?: boolean;
  defaultVersionId?: number;
  provisioningRoleArn?: string;
  preProvisioningHook?: PreProvisioningHookConfig;
  removePreProvisioningHook?: boolean;
}

export interface AddCertificateInput {
  certificateId: string;
  certificatePem: string;
  status: CertificateStatus;
  ownershipToken?: string;
  ownershipTokenExpiresAt?: number;
}

/** A thing as a caller describes it; the registry fills in id, ARN, version and dates. */
export interface ThingInput {
  thingName: string;
  thingTypeName?: string;
  attributes?: Record<string, string>;
  thingGroups?: string[];
  billingGroupName?: string;
}

export interface ThingFilter {
  attributeName?: string;
  attributeValue?: string;
  /** Match attribute values by prefix instead of equality (ListThings `usePrefixAttributeValue`). */
  usePrefixAttributeValue?: boolean;
  thingTypeName?: string;
}

/** One step of a RegisterThing; `applyProvisioning` runs a list of them all-or-nothing, in order. */
export type ProvisioningChange =
  | { kind: 'putThing'; thing: ThingInput }
  | { kind: 'setCertificateStatus'; certificateId: string; status: CertificateStatus }
  | { kind: 'markRegistered'; certificateId: string }
  | { kind: 'createPolicy'; policyName: string; policyDocument: PolicyDocument }
  | { kind: 'attachThingPrincipal'; thingName: string; principalArn: string }
  | { kind: 'attachPolicy'; policyName: string; targetArn: string };

export interface ProvisioningResult {
  /** The things written, in the order of their `putThing` changes. */
  things: ThingRecord[];
}

const templateNamePattern = /^[0-9A-Za-z_-]+$/;
const thingNamePattern = /^[a-zA-Z0-9:_-]+$/;
const policyNamePattern = /^[\w+=,.@-]+$/;
const certificateIdPattern = /^[0-9a-f]{64}$/;
const payloadVersionPattern = /^[0-9-]+$/;
const attributeNamePattern = /^[a-zA-Z0-9_.,@/:#-]+$/;
const attributeValuePattern = /^[\p{L}\p{N}_ +.,@/:#=[\]-]*$/u;

const policyStatementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.union([z.string(), z.array(z.string())]),
  Condition: z
    .record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])))
    .optional(),
});

/** An IoT policy document as AWS accepts it (one statement or a list). */
export const policyDocumentSchema = z.object({
  Version: z.string().optional(),
  Statement: z.union([policyStatementSchema, z.array(policyStatementSchema).min(1)]),
});

const certificateStatusSchema = z.enum([
  'ACTIVE',
  'INACTIVE',
  'REVOKED',
  'PENDING_TRANSFER',
  'REGISTER_INACTIVE',
  'PENDING_ACTIVATION',
]);

/** The state file's shape, checked on load so a hand-edited or damaged file fails loudly. */
const registryStateSchema = z.object({
  version: z.literal(1),
  templates: z.record(
    z.string(),
    z.object({
      templateName: z.string(),
      templateArn: z.string(),
      description: z.string().optional(),
      templateBody: z.string(),
      enabled: z.boolean(),
      provisioningRoleArn: z.string(),
      preProvisioningHook: z
        .object({ targetArn: z.string(), payloadVersion: z.string().optional() })
        .optional(),
      type: z.enum(['FLEET_PROVISIONING', 'JITP']),
      defaultVersionId: z.number().int(),
      creationDate: z.number(),
      lastModifiedDate: z.number(),
    }),
  ),
  claims: z.record(
    z.string(),
    z.object({ certificateId: z.string(), templateName: z.string(), expiration: z.number() }),
  ),
  certificates: z.record(
    z.string(),
    z.object({
      certificateId: z.string(),
      certificateArn: z.string(),
      certificatePem: z.string(),
      status: certificateStatusSchema,
      creationDate: z.number(),
      lastModifiedDate: z.number(),
      ownershipToken: z.string().optional(),
      ownershipTokenExpiresAt: z.number().optional(),
      registered: z.boolean().optional(),
    }),
  ),
  things: z.record(
    z.string(),
    z.object({
      thingName: z.string(),
      thingId: z.string(),
      thingArn: z.string(),
      thingTypeName: z.string().optional(),
      attributes: z.record(z.string(), z.string()),
      thingGroups: z.array(z.string()),
      billingGroupName: z.string().optional(),
      version: z.number().int(),
      creationDate: z.number(),
    }),
  ),
  /** thing name → principal ARNs attached to it. */
  thingPrincipals: z.record(z.string(), z.array(z.string())),
  policies: z.record(
    z.string(),
    z.object({
      policyName: z.string(),
      policyArn: z.string(),
      policyDocument: policyDocumentSchema,
      defaultVersionId: z.string(),
      creationDate: z.number(),
    }),
  ),
  /** target ARN (certificate, ...) → names of the policies attached to it. */
  policyTargets: z.record(z.string(), z.array(z.string())),
});

type RegistryState = z.infer<typeof registryStateSchema>;

const emptyState = (): RegistryState => ({
  version: 1,
  templates: {},
  claims: {},
  certificates: {},
  things: {},
  thingPrincipals: {},
  policies: {},
  policyTargets: {},
});

/** Claims are kept a day past their expiry (for diagnostics), then dropped. */
const claimRetentionMs = 24 * 60 * 60 * 1000;

export class IotRegistry {
  readonly region: string;
  readonly accountId: string;
  private readonly clock: Clock;
  private readonly file: JsonStateFile<unknown>;
  private state: RegistryState;
  /** Inside applyProvisioning: changes are saved once, at the end. */
  private batching = false;

  constructor(options: IotRegistryOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.clock = options.clock;
    this.file = new JsonStateFile<unknown>(options.statePath, emptyState);
    const parsed = registryStateSchema.safeParse(this.file.load());
    if (!parsed.success) {
      throw new Error(
        `IoT registry state file ${options.statePath ?? ''} does not hold a registry: ${z.prettifyError(parsed.error)}. ` +
          'Move it away to start with an empty registry.',
      );
    }
    this.state = parsed.data;
  }

  // ARNs ------------------------------------------------------------------------------------------

  private arn(resource: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:${resource}`;
  }
  certificateArn(certificateId: string): string {
    return this.arn(`cert/${certificateId}`);
  }
  thingArn(thingName: string): string {
    return this.arn(`thing/${thingName}`);
  }
  policyArn(policyName: string): string {
    return this.arn(`policy/${policyName}`);
  }
  templateArn(templateName: string): string {
    return this.arn(`provisioningtemplate/${templateName}`);
  }

  // Provisioning templates ------------------------------------------------------------------------

  createTemplate(input: CreateTemplateInput): ProvisioningTemplateRecord {
    validateTemplateName(input.templateName);
    validateTemplateBody(input.templateBody);
    validateRoleArn(input.provisioningRoleArn);
    validateDescription(input.description);
    const type = input.type ?? 'FLEET_PROVISIONING';
    if (input.preProvisioningHook) {
      if (type !== 'FLEET_PROVISIONING') {
        throw invalid('Pre-provisioning hooks are only supported for FLEET_PROVISIONING templates.');
      }
      validateHook(input.preProvisioningHook);
    }
    if (this.state.templates[input.templateName]) {
      throw new IotRegistryError(
        'ResourceAlreadyExistsException',
        `Template with name ${input.templateName} already exists`,
        { resourceId: input.templateName, resourceArn: this.templateArn(input.templateName) },
      );
    }
    const now = this.clock.now();
    const record: ProvisioningTemplateRecord = {
      templateName: input.templateName,
      templateArn: this.templateArn(input.templateName),
      ...(input.description !== undefined ? { description: input.description } : {}),
      templateBody: input.templateBody,
      enabled: input.enabled ?? false,
      provisioningRoleArn: input.provisioningRoleArn,
      ...(input.preProvisioningHook ? { preProvisioningHook: { ...input.preProvisioningHook } } : {}),
      type,
      defaultVersionId: 1,
      creationDate: now,
      lastModifiedDate: now,
    };
    this.state.templates[record.templateName] = record;
    this.save();
    return copy(record);
  }

  getTemplate(templateName: string): ProvisioningTemplateRecord | undefined {
    const record = this.state.templates[templateName];
    return record && copy(record);
  }

  updateTemplate(templateName: string, patch: UpdateTemplatePatch): ProvisioningTemplateRecord {
    const record = this.state.templates[templateName];
    if (!record) throw templateNotFound(templateName);
    if (patch.preProvisioningHook && patch.removePreProvisioningHook) {
      throw invalid('preProvisioningHook and removePreProvisioningHook cannot be used together.');
    }
    if (patch.description !== undefined) validateDescription(patch.description);
    if (patch.provisioningRoleArn !== undefined) validateRoleArn(patch.provisioningRoleArn);
    if (patch.preProvisioningHook) {
      if (record.type !== 'FLEET_PROVISIONING') {
        throw invalid('Pre-provisioning hooks are only supported for FLEET_PROVISIONING templates.');
      }
      validateHook(patch.preProvisioningHook);
    }
    if (patch.defaultVersionId !== undefined && patch.defaultVersionId !== record.defaultVersionId) {
      // Only the default version exists: the sandbox does not keep earlier template versions.
      throw new IotRegistryError(
        'ResourceNotFoundException',
        `Version ${patch.defaultVersionId} of template ${templateName} does not exist`,
      );
    }
    if (patch.description !== undefined) record.description = patch.description;
    if (patch.enabled !== undefined) record.enabled = patch.enabled;
    if (patch.provisioningRoleArn !== undefined) record.provisioningRoleArn = patch.provisioningRoleArn;
    if (patch.preProvisioningHook) record.preProvisioningHook = { ...patch.preProvisioningHook };
    if (patch.removePreProvisioningHook) delete record.preProvisioningHook;
    record.lastModifiedDate = this.clock.now();
    this.save();
    return copy(record);
  }

  /**
   * A new body as the template's default version (CreateProvisioningTemplateVersion with
   * setAsDefault, what a CloudFormation update of the body does). The sandbox keeps no earlier
   * versions: only the default one exists, under the next version id.
   */
  createTemplateVersion(templateName: string, templateBody: string): ProvisioningTemplateRecord {
    const record = this.state.templates[templateName];
    if (!record) throw templateNotFound(templateName);
    validateTemplateBody(templateBody);
    record.templateBody = templateBody;
    record.defaultVersionId += 1;
    record.lastModifiedDate = this.clock.now();
    this.save();
    return copy(record);
  }

  listTemplates(): ProvisioningTemplateRecord[] {
    return sortedValues(this.state.templates, (t) => t.templateName).map(copy);
  }

  // Claim certificates ----------------------------------------------------------------------------

  /** Records a claim certificate from CreateProvisioningClaim; claims are never account certificates. */
  recordClaim(claim: ProvisioningClaimRecord): void {
    validateCertificateId(claim.certificateId);
    if (!this.state.templates[claim.templateName]) throw templateNotFound(claim.templateName);
    const now = this.clock.now();
    for (const [id, old] of Object.entries(this.state.claims)) {
      if (old.expiration + claimRetentionMs < now) delete this.state.claims[id];
    }
    this.state.claims[claim.certificateId] = { ...claim };
    this.save();
  }

  /** The claim with this certificate id (expired ones too, until pruned; check `expiration`). */
  getClaim(certificateId: string): ProvisioningClaimRecord | undefined {
    const claim = this.state.claims[certificateId];
    return claim && copy(claim);
  }

  // Account certificates --------------------------------------------------------------------------

  addCertificate(input: AddCertificateInput): CertificateRecord {
    validateCertificateId(input.certificateId);
    if (this.state.certificates[input.certificateId] || this.state.claims[input.certificateId]) {
      throw new IotRegistryError(
        'ResourceAlreadyExistsException',
        'The certificate is already provisioned or registered',
        { resourceId: input.certificateId, resourceArn: this.certificateArn(input.certificateId) },
      );
    }
    if ((input.ownershipToken === undefined) !== (input.ownershipTokenExpiresAt === undefined)) {
      throw invalid('An ownership token needs its expiry, and an expiry needs its token.');
    }
    const now = this.clock.now();
    const record: CertificateRecord = {
      certificateId: input.certificateId,
      certificateArn: this.certificateArn(input.certificateId),
      certificatePem: input.certificatePem,
      status: input.status,
      creationDate: now,
      lastModifiedDate: now,
      ...(input.ownershipToken !== undefined
        ? { ownershipToken: input.ownershipToken, ownershipTokenExpiresAt: input.ownershipTokenExpiresAt }
        : {}),
    };
    this.state.certificates[record.certificateId] = record;
    this.save();
    return copy(record);
  }

  getCertificate(certificateId: string): CertificateRecord | undefined {
    const record = this.state.certificates[certificateId];
    return record && copy(record);
  }

  findCertificateByOwnershipToken(token: string): CertificateRecord | undefined {
    if (token === '') return undefined;
    const record = Object.values(this.state.certificates).find((c) => c.ownershipToken === token);
    return record && copy(record);
  }

  /**
   * Moves a certificate to a new status, as UpdateCertificate does: a revoked certificate stays
   * revoked, and PENDING_TRANSFER is reached only through TransferCertificate.
   */
  setCertificateStatus(certificateId: string, status: CertificateStatus): CertificateRecord {
    const record = this.requireCertificate(certificateId);
    if (status === 'PENDING_TRANSFER') {
      throw invalid('The certificate status cannot be set to PENDING_TRANSFER with UpdateCertificate.');
    }
    if (record.status === 'REVOKED' && status !== 'REVOKED') {
      throw new IotRegistryError('CertificateStateException', 'Certificate is revoked');
    }
    if (record.status === 'PENDING_TRANSFER') {
      throw new IotRegistryError('CertificateStateException', 'Certificate is pending transfer');
    }
    record.status = status;
    record.lastModifiedDate = this.clock.now();
    this.save();
    return copy(record);
  }

  /** RegisterThing consumed this certificate's ownership token; it cannot be used again. */
  markRegistered(certificateId: string): CertificateRecord {
    const record = this.requireCertificate(certificateId);
    record.registered = true;
    record.lastModifiedDate = this.clock.now();
    this.save();
    return copy(record);
  }

  /** Removes a certificate with its thing and policy attachments (the ownership-token expiry path). */
  deleteCertificate(certificateId: string): void {
    const record = this.requireCertificate(certificateId);
    delete this.state.certificates[certificateId];
    for (const [thingName, principals] of Object.entries(this.state.thingPrincipals)) {
      this.state.thingPrincipals[thingName] = principals.filter((p) => p !== record.certificateArn);
    }
    delete this.state.policyTargets[record.certificateArn];
    this.save();
  }

  /** Account certificates only: claim certificates are never listed, as in AWS. */
  listCertificates(): CertificateRecord[] {
    return sortedValues(this.state.certificates, (c) => c.creationDate).map(copy);
  }

  // Things ----------------------------------------------------------------------------------------

  getThing(thingName: string): ThingRecord | undefined {
    const record = this.state.things[thingName];
    return record && copy(record);
  }

  /** Creates the thing (version 1) or replaces its described fields (version + 1). */
  putThing(input: ThingInput): ThingRecord {
    validateThingInput(input);
    const existing = this.state.things[input.thingName];
    const record: ThingRecord = {
      thingName: input.thingName,
      thingId: existing?.thingId ?? randomUUID(),
      thingArn: this.thingArn(input.thingName),
      ...(input.thingTypeName !== undefined ? { thingTypeName: input.thingTypeName } : {}),
      attributes: { ...(input.attributes ?? {}) },
      thingGroups: [...new Set(input.thingGroups ?? [])],
      ...(input.billingGroupName !== undefined ? { billingGroupName: input.billingGroupName } : {}),
      version: existing ? existing.version + 1 : 1,
      creationDate: existing?.creationDate ?? this.clock.now(),
    };
    this.state.things[record.thingName] = record;
    this.state.thingPrincipals[record.thingName] ??= [];
    this.save();
    return copy(record);
  }

  listThings(filter: ThingFilter = {}): ThingRecord[] {
    if (filter.attributeValue !== undefined && filter.attributeName === undefined) {
      throw invalid('attributeValue requires attributeName.');
    }
    return sortedValues(this.state.things, (t) => t.thingName)
      .filter((thing) => {
        if (filter.thingTypeName !== undefined && thing.thingTypeName !== filter.thingTypeName) return false;
        if (filter.attributeName === undefined) return true;
        const value = thing.attributes[filter.attributeName];
        if (value === undefined) return false;
        if (filter.attributeValue === undefined) return true;
        return filter.usePrefixAttributeValue
          ? value.startsWith(filter.attributeValue)
          : value === filter.attributeValue;
      })
      .map(copy);
  }

  attachThingPrincipal(thingName: string, principalArn: string): void {
    if (!this.state.things[thingName]) throw thingNotFound(thingName);
    this.requirePrincipal(principalArn);
    const principals = (this.state.thingPrincipals[thingName] ??= []);
    if (!principals.includes(principalArn)) principals.push(principalArn);
    this.save();
  }

  /**
   * Removes a principal from a thing, as DetachThingPrincipal does. Detaching one that is not
   * attached changes nothing and is not an error **[E]**, so a retried detach succeeds.
   */
  detachThingPrincipal(thingName: string, principalArn: string): void {
    if (!this.state.things[thingName]) throw thingNotFound(thingName);
    const principals = this.state.thingPrincipals[thingName] ?? [];
    if (!principals.includes(principalArn)) return;
    this.state.thingPrincipals[thingName] = principals.filter((p) => p !== principalArn);
    this.save();
  }

  listThingPrincipals(thingName: string): string[] {
    if (!this.state.things[thingName]) throw thingNotFound(thingName);
    return [...(this.state.thingPrincipals[thingName] ?? [])];
  }

  listPrincipalThings(principalArn: string): string[] {
    return Object.entries(this.state.thingPrincipals)
      .filter(([, principals]) => principals.includes(principalArn))
      .map(([thingName]) => thingName)
      .sort();
  }

  // IoT policies ----------------------------------------------------------------------------------

  createPolicy(policyName: string, policyDocument: PolicyDocument): IotPolicyRecord {
    if (policyName.length < 1 || policyName.length > 128 || !policyNamePattern.test(policyName)) {
      throw invalid(`Policy name ${policyName} is invalid: use 1-128 characters of [\\w+=,.@-].`);
    }
    const document = policyDocumentSchema.safeParse(policyDocument);
    if (!document.success) {
      throw new IotRegistryError('InvalidRequestException', 'Policy document is malformed');
    }
    if (this.state.policies[policyName]) {
      throw new IotRegistryError('ResourceAlreadyExistsException', `Policy ${policyName} already exists.`, {
        resourceId: policyName,
        resourceArn: this.policyArn(policyName),
      });
    }
    const record: IotPolicyRecord = {
      policyName,
      policyArn: this.policyArn(policyName),
      policyDocument: document.data,
      defaultVersionId: '1',
      creationDate: this.clock.now(),
    };
    this.state.policies[policyName] = record;
    this.save();
    return copy(record);
  }

  /**
   * A new document as the policy's default version (CreatePolicyVersion with setAsDefault, what a
   * CloudFormation update of the document does). Only the default version is kept.
   */
  createPolicyVersion(policyName: string, policyDocument: PolicyDocument): IotPolicyRecord {
    const record = this.state.policies[policyName];
    if (!record) {
      throw new IotRegistryError('ResourceNotFoundException', `Policy ${policyName} does not exist.`);
    }
    const document = policyDocumentSchema.safeParse(policyDocument);
    if (!document.success) {
      throw new IotRegistryError('InvalidRequestException', 'Policy document is malformed');
    }
    record.policyDocument = document.data;
    record.defaultVersionId = String(Number(record.defaultVersionId) + 1);
    this.save();
    return copy(record);
  }

  getPolicy(policyName: string): IotPolicyRecord | undefined {
    const record = this.state.policies[policyName];
    return record && copy(record);
  }

  attachPolicy(policyName: string, targetArn: string): void {
    if (!this.state.policies[policyName]) {
      throw new IotRegistryError('ResourceNotFoundException', `Policy ${policyName} does not exist`);
    }
    this.requirePrincipal(targetArn);
    const names = (this.state.policyTargets[targetArn] ??= []);
    if (!names.includes(policyName)) names.push(policyName);
    this.save();
  }

  listAttachedPolicies(targetArn: string): IotPolicyRecord[] {
    return (this.state.policyTargets[targetArn] ?? [])
      .map((name) => this.state.policies[name])
      .filter((record): record is IotPolicyRecord => record !== undefined)
      .map(copy);
  }

  // Fleet Provisioning ----------------------------------------------------------------------------

  /**
   * Applies RegisterThing's resource changes in order, all or nothing: when one fails the registry
   * is exactly as before and the error is rethrown. Saved once, at the end.
   */
  applyProvisioning(changes: readonly ProvisioningChange[]): ProvisioningResult {
    if (this.batching) throw new Error('applyProvisioning cannot be nested');
    const snapshot = structuredClone(this.state);
    const things: ThingRecord[] = [];
    this.batching = true;
    try {
      for (const change of changes) {
        switch (change.kind) {
          case 'putThing':
            things.push(this.putThing(change.thing));
            break;
          case 'setCertificateStatus':
            this.setCertificateStatus(change.certificateId, change.status);
            break;
          case 'markRegistered':
            this.markRegistered(change.certificateId);
            break;
          case 'createPolicy':
            this.createPolicy(change.policyName, change.policyDocument);
            break;
          case 'attachThingPrincipal':
            this.attachThingPrincipal(change.thingName, change.principalArn);
            break;
          case 'attachPolicy':
            this.attachPolicy(change.policyName, change.targetArn);
            break;
        }
      }
    } catch (error) {
      this.state = snapshot;
      throw error;
    } finally {
      this.batching = false;
    }
    this.save();
    return { things };
  }

  // Internals -------------------------------------------------------------------------------------

  private requireCertificate(certificateId: string): CertificateRecord {
    const record = this.state.certificates[certificateId];
    if (!record) {
      throw new IotRegistryError(
        'ResourceNotFoundException',
        `The certificate ${this.certificateArn(certificateId)} does not exist`,
      );
    }
    return record;
  }

  /** Principals the sandbox knows are account certificates (by ARN). */
  private requirePrincipal(principalArn: string): void {
    const prefix = this.certificateArn('');
    if (!principalArn.startsWith(prefix)) {
      throw invalid(`Principal ${principalArn} is not a certificate ARN of this account and region.`);
    }
    this.requireCertificate(principalArn.slice(prefix.length));
  }

  private save(): void {
    if (!this.batching) this.file.save(this.state);
  }
}

// Validation (messages follow AWS's InvalidRequestException wording where known) ---------------------

function invalid(message: string): IotRegistryError {
  return new IotRegistryError('InvalidRequestException', message);
}

function templateNotFound(templateName: string): IotRegistryError {
  return new IotRegistryError(
    'ResourceNotFoundException',
    `The provisioning template ${templateName} does not exist`,
  );
}

function thingNotFound(thingName: string): IotRegistryError {
  return new IotRegistryError('ResourceNotFoundException', `Thing ${thingName} cannot be found.`);
}

function validateTemplateName(name: string): void {
  if (name.length < 1 || name.length > 36 || !templateNamePattern.test(name)) {
    throw invalid(
      `1 validation error detected: Value '${name}' at 'templateName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: ^[0-9A-Za-z_-]+$ and have length between 1 and 36',
    );
  }
}

function validateTemplateBody(body: string): void {
  if (body.length > MAX_TEMPLATE_BODY_LENGTH) {
    throw invalid(`The template body is longer than ${MAX_TEMPLATE_BODY_LENGTH} characters.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw invalid(`The template body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('The template body must be a JSON object.');
  }
}

function validateRoleArn(arn: string): void {
  if (arn.length < 20 || arn.length > 2048 || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(arn)) {
    throw invalid(`Invalid provisioning role ARN ${arn}: expected arn:aws:iam::<account>:role/<name>.`);
  }
}

function validateDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 500) {
    throw invalid('The template description is longer than 500 characters.');
  }
}

function validateHook(hook: PreProvisioningHookConfig): void {
  if (!/^arn:aws[a-z-]*:lambda:/.test(hook.targetArn) || hook.targetArn.length > 2048) {
    throw invalid(`Invalid pre-provisioning hook target ${hook.targetArn}: expected a Lambda function ARN.`);
  }
  const version = hook.payloadVersion;
  if (
    version !== undefined &&
    (version.length < 10 || version.length > 32 || !payloadVersionPattern.test(version))
  ) {
    throw invalid(`Invalid payloadVersion ${version}; the supported version is 2020-04-01.`);
  }
  if (version !== undefined && version !== '2020-04-01') {
    throw invalid(`Unsupported payloadVersion ${version}; the supported version is 2020-04-01.`);
  }
}

function validateCertificateId(certificateId: string): void {
  if (!certificateIdPattern.test(certificateId)) {
    throw invalid(`Invalid certificate id ${certificateId}: expected 64 lowercase hex characters.`);
  }
}

function validateThingInput(input: ThingInput): void {
  const name = input.thingName;
  if (name.length < 1 || name.length > 128 || !thingNamePattern.test(name)) {
    throw invalid(`Thing name ${name} is invalid: use 1-128 characters of [a-zA-Z0-9:_-].`);
  }
  if (input.thingTypeName !== undefined && !thingNamePattern.test(input.thingTypeName)) {
    throw invalid(`Thing type name ${input.thingTypeName} is invalid.`);
  }
  const attributes = Object.entries(input.attributes ?? {});
  if (attributes.length > 50) throw invalid('A thing can have at most 50 attributes.');
  for (const [key, value] of attributes) {
    if (key.length > 128 || !attributeNamePattern.test(key)) {
      throw invalid(`Attribute name ${key} is invalid.`);
    }
    if (typeof value !== 'string' || value.length > 800 || !attributeValuePattern.test(value)) {
      throw invalid(`Attribute value for ${key} is invalid.`);
    }
  }
}

function sortedValues<T>(record: Record<string, T>, key: (value: T) => string | number): T[] {
  return Object.values(record).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Callers get copies, so they can never change the registry behind its back. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
