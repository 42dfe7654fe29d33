import type { Clock } from '../../clock.js';
import type { PolicyDocument } from '../../iam/iam-policy.js';
import type { IotRegistry } from '../iot-registry.js';
import type { CertificateStatus } from '../registry-model.js';
import { claimCertificatePolicy } from './claim-certificate-policy.js';
import { expiredAtText } from './duration-text.js';
import {
  evaluatePolicies,
  type ConnectionThing,
  type IotAction,
  type PolicyDecision,
} from './iot-policy-evaluator.js';

/** What to do about a certificate that is registered but may not connect. */
const statusHints: Partial<Record<CertificateStatus, string>> = {
  INACTIVE:
    ' (deactivated, e.g. by a re-provision that replaced it; UpdateCertificate can set it ACTIVE again)',
  REVOKED: ' (revoked for good; provision the device again)',
  PENDING_ACTIVATION: ' (RegisterThing has not activated it: finish Fleet Provisioning first)',
};

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
      const now = this.clock.now();
      if (claim.expiration <= now) {
        return {
          refusal: `claim certificate ${certificateId.slice(0, 12)}… ${expiredAtText(claim.expiration, now)} (sandbox clock); get a new claim`,
        };
      }
      return { principal: { kind: 'claim', ...claim } };
    }
    const certificate = this.registry.getCertificate(certificateId);
    if (!certificate) {
      return {
        refusal:
          `certificate ${certificateId.slice(0, 12)}… is not registered: the sandbox CA issued it, but the ` +
          'registry has no record (an unused certificate is deleted when its ownership token expires)',
      };
    }
    if (certificate.status !== 'ACTIVE') {
      return {
        refusal: `certificate ${certificateId.slice(0, 12)}… is ${certificate.status}, not ACTIVE${statusHints[certificate.status] ?? ''}`,
      };
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
    const unresolvedThing =
      decision !== 'allow' &&
      principal.kind === 'certificate' &&
      thing === undefined &&
      JSON.stringify(documents).includes('iot:Connection.Thing.');
    return {
      decision,
      explanation: unresolvedThing
        ? `${explanation}${this.thingNameHint(principal.certificateArn, clientId)}`
        : explanation,
    };
  }

  /** Why `${iot:Connection.Thing.*}` did not resolve: the usual cause is a client id that is not the thing name. */
  private thingNameHint(certificateArn: string, clientId: string): string {
    const attached = this.registry.listPrincipalThings(certificateArn);
    return attached.length === 0
      ? '; no thing is attached to this certificate, so ${iot:Connection.Thing.*} policy variables do not resolve'
      : `; client id ${clientId} is not the name of the thing attached to this certificate ` +
          `(${attached.join(', ')}), so \${iot:Connection.Thing.*} policy variables do not resolve: connect with the thing name as client id`;
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
