import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { IotRegistry } from '../iot-registry.js';
import { durationText, expiredAtText } from './duration-text.js';

export type ClientCertificateVerdict = { certificateId: string } | { refusal: string };

/**
 * The TLS-level check of a client certificate, before its registry record is looked at: issued by
 * the sandbox CA, not expired by the sandbox clock, and passing Node's own verification (which
 * reads this computer's clock). Node's verdict (`authorizationError`) names one problem only and
 * Node would just hang up, so the broker checks the signature and the dates itself and can say
 * which it was: expired (when, how long ago), not yet valid, or from another CA.
 */
export class ClientCertificateCheck {
  private readonly ca: X509Certificate;

  constructor(
    caCertificatePem: string,
    private readonly registry: Pick<IotRegistry, 'getClaim'>,
    private readonly clock: Clock,
  ) {
    this.ca = new X509Certificate(caCertificatePem);
  }

  /** `tlsError` is the TLS socket's `authorizationError`, quoted when it is what refuses. */
  check(der: Buffer, tlsError: string | undefined): ClientCertificateVerdict {
    const certificateId = createHash('sha256').update(der).digest('hex');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(der);
    } catch {
      return { refusal: `client certificate ${short(certificateId)} cannot be parsed` };
    }
    const name = this.nameOf(certificateId);
    if (!(certificate.checkIssued(this.ca) && certificate.verify(this.ca.publicKey))) {
      return {
        refusal:
          `${name} (issuer "${oneLine(certificate.issuer)}") was not issued by this sandbox's CA` +
          `${tlsError ? ` (TLS: ${tlsError})` : ''}: the sandbox only knows certificates it issued ` +
          '(a reset makes a new CA, so certificates from before are unknown too); provision the ' +
          'device again with a claim from this sandbox',
      };
    }
    const now = this.clock.now();
    const notBefore = certificate.validFromDate.getTime();
    const notAfter = certificate.validToDate.getTime();
    if (now > notAfter) {
      const claim = this.registry.getClaim(certificateId);
      return {
        refusal:
          `${name} ${expiredAtText(notAfter, now)} (its notAfter, by the sandbox clock)` +
          (claim
            ? `; a claim of template ${claim.templateName}, valid ${durationText(notAfter - notBefore)}: ` +
              'get a new claim (the station makes one per device; without a station: sandbox-cli claim)'
            : ''),
      };
    }
    // TLS verification reads this computer's clock, which tests may have set apart from the sandbox's.
    if (tlsError === 'CERT_HAS_EXPIRED') {
      return {
        refusal: `${name} expired at ${new Date(notAfter).toISOString()} by this computer's clock (TLS verification); the sandbox clock is behind it`,
      };
    }
    if (tlsError === 'CERT_NOT_YET_VALID') {
      return {
        refusal:
          `${name} is not valid before ${new Date(notBefore).toISOString()} by this computer's clock ` +
          '(TLS verification): the clock that issued it is ahead, or this one is behind',
      };
    }
    if (tlsError) {
      return { refusal: `${name} failed TLS verification: ${tlsError}` };
    }
    return { certificateId };
  }

  private nameOf(certificateId: string): string {
    const kind = this.registry.getClaim(certificateId) ? 'claim certificate' : 'client certificate';
    return `${kind} ${short(certificateId)}`;
  }
}

function short(certificateId: string): string {
  return `${certificateId.slice(0, 12)}…`;
}

function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').join(', ');
}
