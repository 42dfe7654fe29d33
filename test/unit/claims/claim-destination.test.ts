import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { amazonRootCaPem, claimDestinationFor } from '../../../src/main/core/claims/index.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { newKeyMaterial, selfSignedPem } from './claim-fixtures.js';

function certificatesIn(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );
}

const subjectOf = (root: string) => new X509Certificate(root).subject;
const isAmazonRoot = (cn: string) => (root: string) => subjectOf(root) === `C=US\nO=Amazon\nCN=${cn}`;

describe('amazonRootCaPem', () => {
  it("takes Amazon Root CA 1 and 3 (only) from Node's bundled roots", () => {
    const bundle = amazonRootCaPem();
    const certificates = certificatesIn(bundle);
    expect(certificates.map((certificate) => certificate.subject)).toEqual([
      'C=US\nO=Amazon\nCN=Amazon Root CA 1',
      'C=US\nO=Amazon\nCN=Amazon Root CA 3',
    ]);
    // The bundled certificates themselves, self-signed, RSA then EC.
    const bundled = rootCertificates.map((root) => new X509Certificate(root).raw);
    expect(certificates.every((certificate) => bundled.some((raw) => raw.equals(certificate.raw)))).toBe(
      true,
    );
    expect(certificates.map((certificate) => certificate.publicKey.asymmetricKeyType)).toEqual(['rsa', 'ec']);
    expect(certificates.every((certificate) => certificate.verify(certificate.publicKey))).toBe(true);
    expect(bundle.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
  });

  it.each(['Amazon Root CA 1', 'Amazon Root CA 3'])('fails clearly when %s is missing', (name) => {
    const roots = rootCertificates.filter((root) => !isAmazonRoot(name)(root));
    expect(roots.length).toBe(rootCertificates.length - 1);
    let error: unknown;
    try {
      amazonRootCaPem(roots);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StationError);
    expect((error as Error).message).toContain(
      `${name} is missing from this Node runtime's bundled root certificates`,
    );
    expect((error as Error).message).toContain('iot.caCertificatePem');
  });

  it('is not fooled by a look-alike with the same subject', async () => {
    const impostor = await selfSignedPem(
      await newKeyMaterial('ec'),
      Date.UTC(2020, 0, 1),
      Date.UTC(2040, 0, 1),
      'C=US, O=Amazon, CN=Amazon Root CA 3',
    );
    expect(subjectOf(impostor)).toBe('C=US\nO=Amazon\nCN=Amazon Root CA 3');
    const roots = [impostor, ...rootCertificates.filter((root) => !isAmazonRoot('Amazon Root CA 3')(root))];
    expect(() => amazonRootCaPem(roots)).toThrow(/Amazon Root CA 3 is missing/);
    // With the genuine one present too, the genuine one is chosen.
    const bundle = amazonRootCaPem([impostor, ...rootCertificates]);
    expect(bundle).not.toContain(impostor.trim());
  });

  it('skips entries that do not parse', () => {
    expect(certificatesIn(amazonRootCaPem(['not a certificate', ...rootCertificates]))).toHaveLength(2);
  });
});

describe('claimDestinationFor', () => {
  let sandboxCa: string;
  beforeAll(async () => {
    sandboxCa = await selfSignedPem(
      await newKeyMaterial('ec'),
      Date.UTC(2025, 0, 1),
      Date.UTC(2035, 0, 1),
      'CN=Sandbox CA',
    );
  });

  it("uses the profile's CA bundle where it has one (the sandbox)", () => {
    expect(claimDestinationFor({ dataEndpoint: '127.0.0.1:40123', caCertificatePem: sandboxCa })).toEqual({
      endpoint: { host: '127.0.0.1', port: 40123 },
      rootCaPem: sandboxCa,
    });
  });

  it('uses Amazon Root CA 1 + 3 for an AWS endpoint', () => {
    expect(claimDestinationFor({ dataEndpoint: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883' })).toEqual({
      endpoint: { host: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com', port: 8883 },
      rootCaPem: amazonRootCaPem(),
    });
  });

  it.each(['a1b2c3-ats.iot.eu-west-1.amazonaws.com', ':8883', 'host:0', 'host:70000', 'host:88a'])(
    'refuses the data endpoint %s',
    (dataEndpoint) => {
      expect(() => claimDestinationFor({ dataEndpoint, caCertificatePem: sandboxCa })).toThrow(
        /iot\.dataEndpoint .* is not host:port/,
      );
    },
  );
});
