import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { StationError } from '../station-error.js';

/**
 * The CAs an AWS IoT device trusts for the ATS data endpoint: Amazon Root CA 1 (RSA) and 3 (ECC).
 * Taken from Node's bundled Mozilla store rather than a copy in this repository, picked by subject
 * and checked against their published SHA-256 fingerprints so that a look-alike never gets in.
 */
const amazonRoots = [
  {
    subject: 'C=US\nO=Amazon\nCN=Amazon Root CA 1',
    fingerprint256:
      '8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E',
  },
  {
    subject: 'C=US\nO=Amazon\nCN=Amazon Root CA 3',
    fingerprint256:
      '18:CE:6C:FE:7B:F1:4E:60:B2:E3:47:B8:DF:E8:68:CB:31:D0:2E:BB:3A:DA:27:15:69:F5:03:43:B4:6D:B3:A4',
  },
] as const;

/** Amazon Root CA 1 then 3 as one PEM bundle, from `roots` (Node's `tls.rootCertificates` by default). */
export function amazonRootCaPem(roots: readonly string[] = rootCertificates): string {
  // Parsed once: a few milliseconds for Node's ~150 roots, done when a profile is loaded.
  const parsed = roots.map((pem) => ({ pem, certificate: parseOrUndefined(pem) }));
  const found: string[] = [];
  for (const wanted of amazonRoots) {
    const pem = parsed.find(
      ({ certificate }) =>
        certificate?.subject === wanted.subject &&
        certificate.issuer === wanted.subject &&
        certificate.fingerprint256 === wanted.fingerprint256,
    )?.pem;
    if (!pem) {
      const name = wanted.subject.slice(wanted.subject.lastIndexOf('CN=') + 3);
      throw new StationError(
        `${name} is missing from this Node runtime's bundled root certificates, so the station cannot ` +
          'tell devices which CA to trust for AWS IoT. Install the official build of the station, or put the ' +
          "CA bundle (Amazon Root CA 1 and 3, https://www.amazontrust.com/repository/) in the profile's " +
          'iot.caCertificatePem.',
      );
    }
    found.push(pem.trim());
  }
  return `${found.join('\n')}\n`;
}

function parseOrUndefined(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
