import type { Clock } from '../../clock.js';
import type { PolicyDocument } from '../../iam/iam-policy.js';
import type { IotRegistry } from '../iot-registry.js';
import { claimCertificatePolicy } from './claim-certificate-policy.js';
import {
  evaluatePolicies,
  type ConnectionThing,
  type IotAction,
  type PolicyDecision,
} from './iot-policy-evaluator.js';

/** Who is on the other end of a TLS connection, by its client certificate. */
export type ConnectionPrincipal =
  | { kind: 'claim'; certificateId: string; templateName: string; expiration: number }
  | { kind: 'certificate'; certificateId: string; certificateArn: string };

export type Identification = { principal: ConnectionPrincipal } | { refusal: string };

export interface AuthorizationResult {
  decision: PolicyDecision;
  /** For logs and error texts: what was asked and why it was refused. */
  explanation: string;
}

/**
 * Decides what a connection may do, as AWS IoT does: claim certificates get the Fleet Provisioning
 * topics of their template while their `expiration` has not passed (checked on every action, so a
 * claim that expires mid-session loses its rights); account certificates must be ACTIVE and get
 * what their attached policies allow. The registry is read on every call, so deactivating a
 * certificate or detaching a policy takes effect at once.
 */
export class ConnectionAuthorizer {
  constructor(
    private readonly registry: IotRegistry,
    private readonly clock: Clock,
  ) {}

  private get arnPrefix(): string {
    return `arn:aws:iot:${this.registry.region}:${this.registry.accountId}:`;
  }

  identify(certificateId: string): Identification {
    const claim = this.registry.getClaim(certificateId);
    if (claim) {
      if (claim.expiration <= this.clock.now()) {
        return {
          refusal: `claim certificate ${certificateId.slice(0, 12)}… expired at ${new Date(claim.expiration).toISOString()}`,
        };
      }
      return { principal: { kind: 'claim', ...claim } };
    }
    const certificate = this.registry.getCertificate(certificateId);
    if (!certificate) return { refusal: `certificate ${certificateId.slice(0, 12)}… is not registered` };
    if (certificate.status !== 'ACTIVE') {
      return { refusal: `certificate ${certificateId.slice(0, 12)}… is ${certificate.status}, not ACTIVE` };
    }
    return {
      principal: { kind: 'certificate', certificateId, certificateArn: certificate.certificateArn },
    };
  }

  /** The resource ARN AWS IoT checks for an action: client/, topic/ or topicfilter/. */
  resourceArn(action: IotAction, target: string): string {
    const kind = action === 'iot:Connect' ? 'client' : action === 'iot:Subscribe' ? 'topicfilter' : 'topic';
    return `${this.arnPrefix}${kind}/${target}`;
  }

  authorize(
    principal: ConnectionPrincipal,
    clientId: string,
    action: IotAction,
    target: string,
  ): AuthorizationResult {
    const resource = this.resourceArn(action, target);
    const still = this.identify(principal.certificateId);
    if ('refusal' in still)
      return { decision: 'implicit-deny', explanation: `${action} on ${resource}: ${still.refusal}` };
    let documents: PolicyDocument[];
    let thing: ConnectionThing | undefined;
    if (principal.kind === 'claim') {
      documents = [claimCertificatePolicy(this.arnPrefix, principal.templateName)];
    } else {
      documents = this.registry.listAttachedPolicies(principal.certificateArn).map((p) => p.policyDocument);
      thing = this.connectionThing(principal.certificateArn, clientId);
    }
    const decision = evaluatePolicies(documents, action, resource, { clientId, ...(thing ? { thing } : {}) });
    const who =
      principal.kind === 'claim' ? `claim certificate of template ${principal.templateName}` : 'certificate';
    const explanation =
      decision === 'allow'
        ? `${action} on ${resource} allowed`
        : `${action} on ${resource} is not allowed for this ${who} (${decision === 'explicit-deny' ? 'explicit Deny' : 'no Allow matches'})`;
    return { decision, explanation };
  }

  /** AWS resolves thing policy variables only from a thing attached to the certificate and named like the client id. */
  private connectionThing(certificateArn: string, clientId: string): ConnectionThing | undefined {
    if (!this.registry.listPrincipalThings(certificateArn).includes(clientId)) return undefined;
    const thing = this.registry.getThing(clientId);
    if (!thing) return undefined;
    return {
      thingName: thing.thingName,
      ...(thing.thingTypeName !== undefined ? { thingTypeName: thing.thingTypeName } : {}),
      attributes: thing.attributes,
    };
  }
}
