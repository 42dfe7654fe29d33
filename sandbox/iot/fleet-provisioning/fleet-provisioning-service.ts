import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { TokenBucket } from '../broker/rate-limiter.js';
import type { ConnectionPrincipal } from '../broker/connection-authorizer.js';
import { CertificateAuthorityError, type CertificateAuthority } from '../certificate-authority.js';
import { IotRegistryError, type IotRegistry } from '../iot-registry.js';
import type { CertificateRecord } from '../registry-model.js';
import { parseProvisioningTemplate } from '../template/provisioning-template.js';
import { TemplateError } from '../template/template-error.js';
import { evaluateTemplate } from '../template/template-evaluator.js';
import { decodePayload, encodePayload } from './payload-codec.js';
import {
  DEFAULT_HOOK_TIMEOUT_MS,
  runPreProvisioningHook,
  type PreProvisioningHookTarget,
} from './pre-provisioning-hook.js';
import { planProvisioning } from './provisioning-plan.js';
import { ProvisioningRejection } from './provisioning-rejection.js';
import { responseTopic, type ProvisioningRequestTopic } from './provisioning-topics.js';
import {
  createCertificateFromCsrRequestSchema,
  createKeysAndCertificateRequestSchema,
  parseRequest,
  registerThingRequestSchema,
} from './request-schemas.js';

/**
 * The three Fleet Provisioning APIs over MQTT: CreateKeysAndCertificate, CreateCertificateFromCsr
 * and RegisterThing. It computes the answer for one request; the broker delivers it to the
 * requesting connection only. Ownership tokens are opaque, single use and valid one hour; an
 * unregistered certificate whose token expired is deleted.
 */

/** The slice of the sandbox CA this service uses. */
export type DeviceCertificateIssuer = Pick<CertificateAuthority, 'issueDeviceCertificate'>;

export interface FleetProvisioningOptions {
  registry: IotRegistry;
  ca: DeviceCertificateIssuer;
  clock: Clock;
  /** Pre-provisioning hook targets by the template's `preProvisioningHook.targetArn`. */
  hooks?: Readonly<Record<string, PreProvisioningHookTarget>>;
  /** RegisterThing calls per second for the whole broker (AWS measured ≈ 10). */
  registerThingPerSecond?: number;
  hookTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ProvisioningRequester {
  clientId: string;
  principal: ConnectionPrincipal;
}

export interface ProvisioningResponse {
  outcome: 'accepted' | 'rejected';
  topic: string;
  payload: Buffer;
  /** Decoded body, for logs and tests (never contains anything the device did not get). */
  body: unknown;
}

export const OWNERSHIP_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
export const DEFAULT_REGISTER_THING_PER_SECOND = 10;

/** 186 random bytes → 248 base64url characters: opaque and under AWS's ~500-character budget. */
function newOwnershipToken(): string {
  return randomBytes(186).toString('base64url');
}

export class FleetProvisioningService {
  private readonly registerThrottle: TokenBucket;
  private readonly log: (line: string) => void;

  constructor(private readonly options: FleetProvisioningOptions) {
    this.registerThrottle = new TokenBucket(
      options.registerThingPerSecond ?? DEFAULT_REGISTER_THING_PER_SECOND,
    );
    this.log = options.log ?? (() => {});
  }

  async handle(
    request: ProvisioningRequestTopic,
    payload: Buffer,
    requester: ProvisioningRequester,
  ): Promise<ProvisioningResponse> {
    try {
      const body = await this.dispatch(request, payload, requester);
      return {
        outcome: 'accepted',
        topic: responseTopic(request, 'accepted'),
        payload: encodePayload(body, request.format),
        body,
      };
    } catch (error) {
      const rejection =
        error instanceof ProvisioningRejection
          ? error
          : new ProvisioningRejection(
              500,
              'InternalFailure',
              'The sandbox failed to handle the request; see the broker log.',
            );
      if (!(error instanceof ProvisioningRejection)) {
        this.log(
          `${request.api} from ${requester.clientId} failed unexpectedly: ${(error as Error).stack ?? String(error)}`,
        );
      }
      this.log(`${request.api} from ${requester.clientId} rejected: ${rejection.message}`);
      const body = rejection.toPayload();
      return {
        outcome: 'rejected',
        topic: responseTopic(request, 'rejected'),
        payload: encodePayload(body, request.format),
        body,
      };
    }
  }

  /** Deletes certificates whose ownership token expired before RegisterThing used it. */
  sweepExpiredCertificates(): number {
    const now = this.options.clock.now();
    let deleted = 0;
    for (const certificate of this.options.registry.listCertificates()) {
      if (this.tokenExpiredUnused(certificate, now)) {
        this.options.registry.deleteCertificate(certificate.certificateId);
        deleted++;
        this.log(`certificate ${certificate.certificateId} deleted: its ownership token expired unused`);
      }
    }
    return deleted;
  }

  private tokenExpiredUnused(certificate: CertificateRecord, now: number): boolean {
    return (
      certificate.registered !== true &&
      certificate.ownershipTokenExpiresAt !== undefined &&
      certificate.ownershipTokenExpiresAt <= now
    );
  }

  private dispatch(
    request: ProvisioningRequestTopic,
    payload: Buffer,
    requester: ProvisioningRequester,
  ): Promise<unknown> {
    const body = decodePayload(payload, request.format);
    switch (request.api) {
      case 'CreateKeysAndCertificate':
        parseRequest(createKeysAndCertificateRequestSchema, body, request.api);
        return this.createCertificate(undefined, requester);
      case 'CreateCertificateFromCsr': {
        const parsed = parseRequest(createCertificateFromCsrRequestSchema, body, request.api);
        return this.createCertificate(parsed.certificateSigningRequest, requester);
      }
      case 'RegisterThing':
        return this.registerThing(request.templateName ?? '', body, requester);
    }
  }

  private async createCertificate(
    csrPem: string | undefined,
    requester: ProvisioningRequester,
  ): Promise<unknown> {
    const { registry, ca, clock } = this.options;
    let issued;
    try {
      issued = await ca.issueDeviceCertificate(csrPem === undefined ? {} : { csrPem });
    } catch (error) {
      if (error instanceof CertificateAuthorityError && error.code === 'InvalidCsr') {
        throw new ProvisioningRejection(
          400,
          'InvalidRequest',
          `The certificate signing request is invalid: ${error.message}`,
        );
      }
      throw error;
    }
    const certificateOwnershipToken = newOwnershipToken();
    registry.addCertificate({
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      status: 'PENDING_ACTIVATION',
      ownershipToken: certificateOwnershipToken,
      ownershipTokenExpiresAt: clock.now() + OWNERSHIP_TOKEN_LIFETIME_MS,
    });
    this.log(
      `${csrPem === undefined ? 'CreateKeysAndCertificate' : 'CreateCertificateFromCsr'} for ${requester.clientId}: certificate ${issued.certificateId} PENDING_ACTIVATION`,
    );
    return {
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      ...(csrPem === undefined ? { privateKey: issued.privateKeyPem } : {}),
      certificateOwnershipToken,
    };
  }

  /** The RegisterThing algorithm of the reference (section 2, "[E] RegisterThing algorithm"). */
  private async registerThing(
    templateName: string,
    body: unknown,
    requester: ProvisioningRequester,
  ): Promise<unknown> {
    const { registry, clock } = this.options;
    if (!this.registerThrottle.tryTake()) {
      throw new ProvisioningRejection(
        429,
        'Throttling',
        'Rate exceeded for RegisterThing; retry with backoff.',
      );
    }
    // 1. The template.
    const template = registry.getTemplate(templateName);
    if (!template) {
      throw new ProvisioningRejection(
        404,
        'ResourceNotFound',
        `The provisioning template ${templateName} does not exist.`,
      );
    }
    if (!template.enabled) {
      throw new ProvisioningRejection(
        400,
        'InvalidRequest',
        `The provisioning template ${templateName} is disabled; enable it to provision.`,
      );
    }
    if (template.type !== 'FLEET_PROVISIONING') {
      throw new ProvisioningRejection(
        400,
        'InvalidRequest',
        `The provisioning template ${templateName} is not a FLEET_PROVISIONING template.`,
      );
    }
    const request = parseRequest(registerThingRequestSchema, body, 'RegisterThing');
    // 2. The ownership token: non-empty, known, unexpired, unused.
    const certificate = this.certificateForToken(request.certificateOwnershipToken ?? '');
    // 3. The pre-provisioning hook.
    let overrides: Record<string, string> = {};
    if (template.preProvisioningHook) {
      const { targetArn } = template.preProvisioningHook;
      const outcome = await runPreProvisioningHook(
        this.options.hooks?.[targetArn],
        targetArn,
        {
          claimCertificateId: requester.principal.certificateId,
          certificateId: certificate.certificateId,
          certificatePem: certificate.certificatePem,
          templateArn: template.templateArn,
          clientId: requester.clientId,
          parameters: { ...(request.parameters ?? {}) },
        },
        this.options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
      );
      if (!outcome.allowed) {
        this.log(`RegisterThing for ${requester.clientId}: pre-provisioning hook refused: ${outcome.reason}`);
        throw new ProvisioningRejection(
          403,
          'AccessDenied',
          'The pre-provisioning hook did not allow provisioning.',
        );
      }
      overrides = outcome.parameterOverrides;
    }
    // 4 and 5. Parameters, evaluation, atomic registry changes.
    let evaluated;
    try {
      evaluated = evaluateTemplate(parseProvisioningTemplate(template.templateBody), {
        parameters: { ...(request.parameters ?? {}), ...overrides },
        certificateId: certificate.certificateId,
      });
    } catch (error) {
      if (error instanceof TemplateError) throw new ProvisioningRejection(400, error.code, error.message);
      throw error;
    }
    // The hook ran asynchronously: a concurrent RegisterThing may have used the token meanwhile.
    this.certificateForToken(request.certificateOwnershipToken ?? '');
    const changes = planProvisioning(registry, evaluated, certificate.certificateId);
    try {
      registry.applyProvisioning(changes);
    } catch (error) {
      if (error instanceof IotRegistryError) {
        throw new ProvisioningRejection(400, 'ResourceRegistrationFailure', error.message);
      }
      throw error;
    }
    this.log(
      `RegisterThing for ${requester.clientId}: certificate ${certificate.certificateId} ${evaluated.certificate?.status ?? 'left PENDING_ACTIVATION'}` +
        (evaluated.thing ? `, thing ${evaluated.thing.thingName}` : ', no thing in the template') +
        ` at ${new Date(clock.now()).toISOString()}`,
    );
    return {
      deviceConfiguration: evaluated.deviceConfiguration,
      ...(evaluated.thing ? { thingName: evaluated.thing.thingName } : {}),
    };
  }

  private certificateForToken(token: string): CertificateRecord {
    const invalidToken = (message: string) =>
      new ProvisioningRejection(400, 'InvalidCertificateOwnershipToken', message);
    if (token.trim() === '') throw invalidToken('Certificate ownership token cannot be empty.');
    const certificate = this.options.registry.findCertificateByOwnershipToken(token);
    if (!certificate) throw invalidToken('Certificate ownership token is invalid.');
    if (certificate.registered === true)
      throw invalidToken('Certificate ownership token has already been used.');
    if (this.tokenExpiredUnused(certificate, this.options.clock.now())) {
      this.sweepExpiredCertificates();
      throw invalidToken('Certificate ownership token has expired; call CreateKeysAndCertificate again.');
    }
    return certificate;
  }
}
