import {
  CreateProvisioningClaimCommand,
  DescribeCertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeThingCommand,
  DetachThingPrincipalCommand,
  ListProvisioningTemplatesCommand,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
  type CreateProvisioningClaimCommandOutput,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { AwsCallError, toAwsCallError } from './aws-call-error.js';
import type { AwsCallGovernor } from './aws-call-governor.js';
import type { IotOperationName } from './iot-operation-names.js';
import {
  certificateIdFromArn,
  decideVerification,
  type ExpectedIdentity,
  type RegistryFacts,
  type VerificationOutcome,
} from './registry-verification.js';
import { parseTemplateParameters, TemplateBodyError, type TemplateParameter } from './template-parameters.js';

export type { VerificationOutcome } from './registry-verification.js';

export interface TemplateSummary {
  name: string;
  description: string | null;
  enabled: boolean;
}

export interface TemplateDescription extends TemplateSummary {
  parameters: TemplateParameter[];
}

export type RetirementOutcome = { outcome: 'retired' } | { outcome: 'left-for-admin'; reason: string };

const certificateIdPattern = /^[0-9a-f]{64}$/;

/**
 * The registry side of provisioning, with the operator's own credentials: templates for the batch
 * form, claims for the claim manager, verification of what a device reports, what a Thing holds
 * (crash recovery), and retiring the certificate a re-provision replaced. Every call goes through
 * the shared governor; every failure is an AwsCallError (or the abort signal's reason).
 */
export class IotRegistryClient {
  constructor(
    private readonly client: IoTClient,
    private readonly governor: AwsCallGovernor,
  ) {}

  /** Every template in the account and Region, all pages. */
  async listTemplates(signal?: AbortSignal): Promise<TemplateSummary[]> {
    const templates: TemplateSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(
        'ListProvisioningTemplates',
        (abortSignal) =>
          this.client.send(new ListProvisioningTemplatesCommand({ maxResults: 250, nextToken }), {
            abortSignal,
          }),
        signal,
      );
      for (const template of page.templates ?? []) {
        if (!template.templateName) continue;
        templates.push({
          name: template.templateName,
          description: template.description ?? null,
          enabled: template.enabled ?? false,
        });
      }
      nextToken = page.nextToken || undefined;
    } while (nextToken);
    return templates;
  }

  /** The template and the parameters its body declares (AWS::* pseudo parameters left out). */
  async describeTemplate(name: string, signal?: AbortSignal): Promise<TemplateDescription> {
    const described = await this.call(
      'DescribeProvisioningTemplate',
      (abortSignal) =>
        this.client.send(new DescribeProvisioningTemplateCommand({ templateName: name }), { abortSignal }),
      signal,
      { templateName: name },
    );
    if (typeof described.templateBody !== 'string') {
      throw new TemplateBodyError(name, 'AWS IoT returned it without a body');
    }
    return {
      name: described.templateName ?? name,
      enabled: described.enabled ?? false,
      description: described.description ?? null,
      parameters: parseTemplateParameters(name, described.templateBody),
    };
  }

  /** CreateProvisioningClaim, raw: the claim manager alone handles its certificate and key. */
  createProvisioningClaim(
    templateName: string,
    signal?: AbortSignal,
  ): Promise<CreateProvisioningClaimCommandOutput> {
    return this.call(
      'CreateProvisioningClaim',
      (abortSignal) =>
        this.client.send(new CreateProvisioningClaimCommand({ templateName }), { abortSignal }),
      signal,
      { templateName },
    );
  }

  /**
   * Checks the registry against what the device reported: the Thing exists, the reported
   * certificate is in the registry, hashes (SHA-256 of its DER) to the reported fingerprint and
   * certificate id, is attached to the Thing and ACTIVE. Other certificates on the Thing are
   * reported in `otherCertificateIds`, not failed.
   */
  async verifyProvisioned(expected: ExpectedIdentity, signal?: AbortSignal): Promise<VerificationOutcome> {
    const certificateId = expected.certificateId.toLowerCase();
    if (expected.thingName === '') {
      // Nothing to look up: the decision is made from the expectation alone.
      return decideVerification(expected, { thing: null, principals: [], certificate: null });
    }
    const [thing, principals, certificate] = await Promise.all([
      this.describeThing(expected.thingName, signal),
      this.listPrincipals(expected.thingName, signal),
      certificateIdPattern.test(certificateId)
        ? this.describeCertificate(certificateId, signal)
        : Promise.resolve(null),
    ]);
    const facts: RegistryFacts = { thing, principals: principals ?? [], certificate };
    return decideVerification(expected, facts);
  }

  /** The certificates attached to a Thing and their status; null when the Thing does not exist. */
  async thingCertificates(
    thingName: string,
    signal?: AbortSignal,
  ): Promise<{ certificateId: string; status: string }[] | null> {
    const principals = await this.listPrincipals(thingName, signal);
    if (principals === null) return null;
    const ids = principals.map(certificateIdFromArn).filter((id): id is string => id !== undefined);
    const described = await Promise.all(ids.map((id) => this.describeCertificate(id, signal)));
    // A principal whose certificate is gone cannot be used by anything: it is not reported.
    return ids.flatMap((certificateId, index) => {
      const certificate = described[index];
      return certificate ? [{ certificateId, status: certificate.status }] : [];
    });
  }

  /**
   * Retires the certificate a verified re-provision replaced: INACTIVE first (the old identity
   * stops working at once), then detached from the Thing. Where the operator's role may not do
   * either, the certificate is reported as left for an administrator, with what is left to do.
   */
  async retireCertificate(
    input: { thingName: string; certificateId: string },
    signal?: AbortSignal,
  ): Promise<RetirementOutcome> {
    const { thingName } = input;
    const certificateId = input.certificateId.toLowerCase();
    const task = `set certificate ${certificateId} INACTIVE and detach it from Thing ${thingName}`;
    let principals: string[];
    try {
      // An identity without a Thing (device protocol 4.2) has nothing to detach from.
      principals = thingName === '' ? [] : ((await this.listPrincipals(thingName, signal)) ?? []);
    } catch (error) {
      const refused = leftForAdmin(
        error,
        `Your role may not list the certificates of Thing ${thingName}`,
        task,
      );
      if (refused) return refused;
      throw error;
    }
    const attachedArn = principals.find((arn) => certificateIdFromArn(arn) === certificateId);
    try {
      await this.call(
        'UpdateCertificate',
        (abortSignal) =>
          this.client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }), {
            abortSignal,
          }),
        signal,
      );
    } catch (error) {
      const refused = leftForAdmin(error, `Your role may not change certificate status`, task);
      if (refused) return refused;
      if (!isNotFound(error)) throw error;
      if (!attachedArn) {
        // Not in this account at all (a device provisioned elsewhere before): nothing was retired here.
        return {
          outcome: 'left-for-admin',
          reason: `Certificate ${certificateId} is not in this AWS account (the device was provisioned elsewhere before); if it still works elsewhere, an administrator of that account should deactivate it.`,
        };
      }
    }
    if (attachedArn) {
      try {
        await this.call(
          'DetachThingPrincipal',
          (abortSignal) =>
            this.client.send(new DetachThingPrincipalCommand({ thingName, principal: attachedArn }), {
              abortSignal,
            }),
          signal,
        );
      } catch (error) {
        const refused = leftForAdmin(
          error,
          `Certificate ${certificateId} is INACTIVE, but your role may not detach it`,
          `detach certificate ${certificateId} from Thing ${thingName}`,
        );
        if (refused) return refused;
        if (!isNotFound(error)) throw error;
      }
    }
    return { outcome: 'retired' };
  }

  private async describeThing(thingName: string, signal?: AbortSignal): Promise<{ thingArn: string } | null> {
    const thing = await orNullIfNotFound(
      this.call(
        'DescribeThing',
        (abortSignal) => this.client.send(new DescribeThingCommand({ thingName }), { abortSignal }),
        signal,
      ),
    );
    return thing ? { thingArn: thing.thingArn ?? '' } : null;
  }

  /** Every principal ARN attached to the Thing (all pages); null when the Thing does not exist. */
  private async listPrincipals(thingName: string, signal?: AbortSignal): Promise<string[] | null> {
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await orNullIfNotFound(
        this.call(
          'ListThingPrincipals',
          (abortSignal) =>
            this.client.send(new ListThingPrincipalsCommand({ thingName, maxResults: 250, nextToken }), {
              abortSignal,
            }),
          signal,
        ),
      );
      if (!page) return null;
      principals.push(...(page.principals ?? []));
      nextToken = page.nextToken || undefined;
    } while (nextToken);
    return principals;
  }

  private async describeCertificate(
    certificateId: string,
    signal?: AbortSignal,
  ): Promise<RegistryFacts['certificate']> {
    const described = await orNullIfNotFound(
      this.call(
        'DescribeCertificate',
        (abortSignal) => this.client.send(new DescribeCertificateCommand({ certificateId }), { abortSignal }),
        signal,
      ),
    );
    const description = described?.certificateDescription;
    if (!description) return null;
    return {
      certificateArn: description.certificateArn ?? '',
      status: description.status ?? 'UNKNOWN',
      certificatePem: description.certificatePem ?? '',
    };
  }

  /** One governed SDK call; failures become AwsCallError, an abort rejects with the signal's reason. */
  private async call<T>(
    operation: IotOperationName,
    send: (abortSignal: AbortSignal | undefined) => Promise<T>,
    signal: AbortSignal | undefined,
    context: { templateName?: string } = {},
  ): Promise<T> {
    try {
      return await this.governor.run(operation, () => send(signal), signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason as Error;
      throw toAwsCallError(operation, error, context);
    }
  }
}

async function orNullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function leftForAdmin(error: unknown, what: string, task: string): RetirementOutcome | undefined {
  if (!(error instanceof AwsCallError)) return undefined;
  if (error.kind === 'access-denied') {
    return {
      outcome: 'left-for-admin',
      reason: `${what} (${error.awsName}: ${error.awsMessage}). An AWS administrator has to ${task}.`,
    };
  }
  if (error.awsName === 'CertificateStateException') {
    return {
      outcome: 'left-for-admin',
      reason: `The certificate is in a state the station may not change (${error.awsName}: ${error.awsMessage}). An AWS administrator has to ${task}.`,
    };
  }
  return undefined;
}

function isNotFound(error: unknown): boolean {
  return error instanceof AwsCallError && error.kind === 'not-found';
}
