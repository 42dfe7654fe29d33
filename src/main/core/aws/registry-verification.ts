import { createHash, X509Certificate } from 'node:crypto';

/** What the station expects the registry to hold after a device reported success. */
export interface ExpectedIdentity {
  thingName: string;
  certificateId: string;
  /** SHA-256 of the certificate's DER as the device computed it, lowercase hex. */
  fingerprint: string;
}

export type VerificationFailureCode =
  | 'THING_MISSING'
  | 'CERTIFICATE_MISSING'
  | 'CERTIFICATE_NOT_ACTIVE'
  | 'CERTIFICATE_NOT_ATTACHED'
  | 'FINGERPRINT_MISMATCH';

export type VerificationOutcome =
  | { ok: true; thingArn: string; certificateArn: string; otherCertificateIds: string[] }
  | { ok: false; code: VerificationFailureCode; message: string; hint: string };

/** What the registry answered (null: it has no such Thing / certificate). */
export interface RegistryFacts {
  thing: { thingArn: string } | null;
  /** ARNs of everything attached to the Thing (certificates, and possibly other principals). */
  principals: string[];
  certificate: { certificateArn: string; status: string; certificatePem: string } | null;
}

/** SHA-256 of the certificate's DER, lowercase hex: AWS IoT's certificate id for the certificate. */
export function certificateIdOf(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}

/** certificateIdOf for a PEM certificate. */
export function certificateFingerprint(certificatePem: string): string {
  return certificateIdOf(new X509Certificate(certificatePem));
}

/** `ab:CD:…` or `ABCD…` → `abcd…`, so a device that formats its fingerprint differently still matches. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[:\s]/g, '').toLowerCase();
}

/** The certificate id in a certificate ARN (`arn:aws:iot:{region}:{account}:cert/{id}`), else undefined. */
export function certificateIdFromArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iot:[^:]*:\d*:cert\/([0-9a-fA-F]{64})$/.exec(arn)?.[1]?.toLowerCase();
}

/**
 * Decides the verification from the registry's answers. Checked in order of what the operator
 * can do about it: no Thing, no certificate, a different certificate than the device reported,
 * not attached, not active. Other certificates on the Thing (a device reset mid-provisioning
 * leaves one behind) are reported, not failed.
 */
export function decideVerification(expected: ExpectedIdentity, facts: RegistryFacts): VerificationOutcome {
  const { thingName } = expected;
  const certificateId = expected.certificateId.toLowerCase();
  if (thingName === '') {
    // A device may hold a certificate without a Thing (device protocol 4.2): the station's
    // verification needs a Thing, so this is the template's doing, not the device's.
    return failure(
      'THING_MISSING',
      `The device holds certificate ${certificateId} but no Thing name: the template created no Thing.`,
      'Ask your AWS admin to add an AWS::IoT::Thing resource to the provisioning template, then provision the device again.',
    );
  }
  if (!facts.thing) {
    return failure(
      'THING_MISSING',
      `The registry has no Thing ${thingName}.`,
      'The device reported success but its registration did not reach AWS IoT. Press Retry to check again; if it stays missing, cancel this device and provision it in a new batch (it will ask to confirm replacing its identity).',
    );
  }
  const certificate = facts.certificate;
  if (!certificate) {
    return failure(
      'CERTIFICATE_MISSING',
      `The registry has no certificate ${certificateId}, which the device reported as its new identity.`,
      'Press Retry to check again; if it stays so, cancel this device and provision it in a new batch (it will ask to confirm replacing its identity).',
    );
  }
  let registryFingerprint: string | undefined;
  try {
    registryFingerprint = certificateFingerprint(certificate.certificatePem);
  } catch {
    registryFingerprint = undefined;
  }
  const reported = normalizeFingerprint(expected.fingerprint);
  if (registryFingerprint !== reported || registryFingerprint !== certificateId) {
    return failure(
      'FINGERPRINT_MISMATCH',
      registryFingerprint === undefined
        ? `The registry's copy of certificate ${certificateId} could not be read, so it cannot be compared with the device's.`
        : `The certificate in the registry (SHA-256 ${registryFingerprint}) is not the one the device reported ` +
            `(fingerprint ${reported}, certificate id ${certificateId}).`,
      'Do not ship this device: it holds a different certificate than AWS issued. Re-provision it; if this repeats, set it aside for inspection.',
    );
  }
  if (!facts.principals.includes(certificate.certificateArn)) {
    return failure(
      'CERTIFICATE_NOT_ATTACHED',
      `Certificate ${certificateId} is not attached to Thing ${thingName}.`,
      'Press Retry to check again; if it repeats, ask your AWS admin to check that the template attaches the certificate to the Thing.',
    );
  }
  if (certificate.status !== 'ACTIVE') {
    return failure(
      'CERTIFICATE_NOT_ACTIVE',
      `Certificate ${certificateId} is ${certificate.status}, not ACTIVE.`,
      'The device cannot connect with it. Ask your AWS admin to check that the template activates certificates (Status ACTIVE), then press Retry.',
    );
  }
  const otherCertificateIds = facts.principals
    .map(certificateIdFromArn)
    .filter((id): id is string => id !== undefined && id !== certificateId)
    .sort();
  return {
    ok: true,
    thingArn: facts.thing.thingArn,
    certificateArn: certificate.certificateArn,
    otherCertificateIds,
  };
}

function failure(code: VerificationFailureCode, message: string, hint: string): VerificationOutcome {
  return { ok: false, code, message, hint };
}
