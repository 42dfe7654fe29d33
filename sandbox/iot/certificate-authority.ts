import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  webcrypto,
  X509Certificate as NodeX509Certificate,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../clock.js';

/**
 * The sandbox's certificate authority: one RSA 2048 root that signs the MQTT broker's TLS
 * certificate, the claim certificates of CreateProvisioningClaim and the device certificates of
 * CreateKeysAndCertificate / CreateCertificateFromCsr. Every validity period comes from the injected
 * clock, so tests can expire a claim by moving time.
 */

export type CertificateAuthorityErrorCode =
  /** A CSR that does not parse, is not self-consistent (signature) or carries an unsupported key. */
  | 'InvalidCsr'
  /** A public key PEM that does not parse or is of an unsupported type or size. */
  | 'InvalidPublicKey'
  /** A certificate PEM that does not parse. */
  | 'InvalidCertificate'
  /** The CA files in the data dir are missing one half, unreadable or do not belong together. */
  | 'UnusableCaFiles';

export class CertificateAuthorityError extends Error {
  constructor(
    readonly code: CertificateAuthorityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateAuthorityError';
  }
}

export interface CertificateAuthorityOptions {
  /** Directory for `ca-certificate.pem` and `ca-private-key.pem`; without it the CA lives in memory. */
  dataDir?: string;
  clock: Clock;
  /** Common name of a newly created root. */
  commonName?: string;
}

export interface IssuedServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface IssuedClaimCertificate {
  certificateId: string;
  certificatePem: string;
  publicKeyPem: string;
  /** `-----BEGIN RSA PRIVATE KEY-----`, as AWS sends it. */
  privateKeyPem: string;
  /** Epoch seconds; the certificate's notAfter. */
  expiration: number;
}

export interface IssuedDeviceCertificate {
  certificateId: string;
  certificatePem: string;
  /** Only when the CA generated the key pair (CreateKeysAndCertificate). */
  privateKeyPem?: string;
  /** Only when the CA generated the key pair. */
  publicKeyPem?: string;
}

const caCertificateFile = 'ca-certificate.pem';
const caPrivateKeyFile = 'ca-private-key.pem';
const signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** AWS IoT device certificates are valid until the end of 2049. */
const deviceCertificateNotAfter = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
const caValidityMs = 10 * 365 * 24 * 60 * 60 * 1000;
const serverValidityMs = 365 * 24 * 60 * 60 * 1000;
/** The root is back-dated a day so small clock differences between sandbox and clients do not matter. */
const caBackdateMs = 24 * 60 * 60 * 1000;
const awsSubject = 'CN=AWS IoT Certificate';
const generateKeyPairAsync = promisify(generateKeyPair);

/** Lowercase hex SHA-256 of the certificate's DER: AWS IoT's certificate id. */
export function certificateIdOf(certificatePem: string): string {
  let der: Buffer;
  try {
    der = new NodeX509Certificate(certificatePem).raw;
  } catch (error) {
    throw new CertificateAuthorityError(
      'InvalidCertificate',
      `The certificate PEM does not parse: ${(error as Error).message}`,
    );
  }
  return createHash('sha256').update(der).digest('hex');
}

export class CertificateAuthority {
  private constructor(
    private readonly clock: Clock,
    private readonly caCertificate: x509.X509Certificate,
    private readonly caSigningKey: webcrypto.CryptoKey,
    readonly caCertificatePem: string,
  ) {}

  /** Loads the root from `dataDir` when it holds one, else creates it (and saves it there). */
  static async create(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const { dataDir, clock } = options;
    if (dataDir) {
      const certificatePath = join(dataDir, caCertificateFile);
      const keyPath = join(dataDir, caPrivateKeyFile);
      const haveCertificate = existsSync(certificatePath);
      const haveKey = existsSync(keyPath);
      if (haveCertificate && haveKey) return CertificateAuthority.load(clock, certificatePath, keyPath);
      if (haveCertificate !== haveKey) {
        throw new CertificateAuthorityError(
          'UnusableCaFiles',
          `${dataDir} holds only one of ${caCertificateFile} and ${caPrivateKeyFile}; ` +
            'remove the other one to create a new sandbox CA.',
        );
      }
    }
    const keys = await generateRsaKeyPair();
    const now = clock.now();
    const signingKey = await toSigningKey(keys.privateKey);
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerialNumber(),
        subject: `CN=${options.commonName ?? 'Provisioning Station Sandbox Root CA'}, O=Provisioning Station Sandbox`,
        issuer: `CN=${options.commonName ?? 'Provisioning Station Sandbox Root CA'}, O=Provisioning Station Sandbox`,
        notBefore: wholeSeconds(now - caBackdateMs),
        notAfter: wholeSeconds(now + caValidityMs),
        publicKey: spkiDer(keys.publicKey),
        signingKey,
        signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(spkiDer(keys.publicKey), false, webcrypto),
        ],
      },
      webcrypto,
    );
    const certificatePem = pemWithNewline(certificate.toString('pem'));
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dataDir, caPrivateKeyFile), pkcs8Pem(keys.privateKey), { mode: 0o600 });
      writeFileSync(join(dataDir, caCertificateFile), certificatePem, { mode: 0o644 });
    }
    return new CertificateAuthority(clock, certificate, signingKey, certificatePem);
  }

  private static async load(
    clock: Clock,
    certificatePath: string,
    keyPath: string,
  ): Promise<CertificateAuthority> {
    let certificate: x509.X509Certificate;
    let privateKey: KeyObject;
    try {
      certificate = new x509.X509Certificate(readFileSync(certificatePath, 'utf8'));
      privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
    } catch (error) {
      throw new CertificateAuthorityError(
        'UnusableCaFiles',
        `The sandbox CA files ${certificatePath} / ${keyPath} are unreadable: ${(error as Error).message}. ` +
          'Remove both to create a new sandbox CA.',
      );
    }
    const keyMatches = Buffer.from(certificate.publicKey.rawData).equals(
      spkiDer(createPublicKey(privateKey)),
    );
    if (!keyMatches || privateKey.asymmetricKeyType !== 'rsa') {
      throw new CertificateAuthorityError(
        'UnusableCaFiles',
        `${keyPath} is not the RSA private key of ${certificatePath}. Remove both to create a new sandbox CA.`,
      );
    }
    const signingKey = await toSigningKey(privateKey);
    return new CertificateAuthority(
      clock,
      certificate,
      signingKey,
      pemWithNewline(certificate.toString('pem')),
    );
  }

  /** A TLS server certificate for the MQTT broker, valid one year from now. */
  async issueServerCertificate(input: {
    dnsNames: string[];
    ipAddresses: string[];
  }): Promise<IssuedServerCertificate> {
    if (input.dnsNames.length + input.ipAddresses.length === 0) {
      throw new Error('A server certificate needs at least one DNS name or IP address.');
    }
    const keys = await generateRsaKeyPair();
    const now = this.clock.now();
    const names: x509.JsonGeneralNames = [
      ...input.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...input.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ];
    const certificate = await this.sign({
      subject: `CN=${input.dnsNames[0] ?? input.ipAddresses[0] ?? 'sandbox'}`,
      publicKey: spkiDer(keys.publicKey),
      notBefore: now,
      notAfter: new Date(now + serverValidityMs),
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
      ],
    });
    return { certificatePem: certificate, privateKeyPem: pkcs8Pem(keys.privateKey) };
  }

  /** A claim certificate with a fresh RSA 2048 key pair, expiring `validForSeconds` from now. */
  async issueClaimCertificate(input: { validForSeconds: number }): Promise<IssuedClaimCertificate> {
    if (!Number.isInteger(input.validForSeconds) || input.validForSeconds <= 0) {
      throw new Error(`validForSeconds must be a positive whole number, not ${input.validForSeconds}.`);
    }
    const keys = await generateRsaKeyPair();
    const now = this.clock.now();
    const expiration = Math.floor(now / 1000) + input.validForSeconds;
    const certificatePem = await this.sign({
      subject: awsSubject,
      publicKey: spkiDer(keys.publicKey),
      notBefore: now,
      notAfter: new Date(expiration * 1000),
      extensions: deviceExtensions(),
    });
    return {
      certificateId: certificateIdOf(certificatePem),
      certificatePem,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      expiration,
    };
  }

  /**
   * A device certificate (valid until 2049 as AWS's are): for a CSR (its signature is checked
   * first), for a given public key, or for a key pair generated here (CreateKeysAndCertificate).
   */
  async issueDeviceCertificate(
    input: { publicKeyPem?: string; csrPem?: string } = {},
  ): Promise<IssuedDeviceCertificate> {
    if (input.publicKeyPem !== undefined && input.csrPem !== undefined) {
      throw new Error('Give either a public key or a CSR, not both.');
    }
    let publicKey: KeyObject;
    let privateKey: KeyObject | undefined;
    if (input.csrPem !== undefined) {
      publicKey = await publicKeyOfCsr(input.csrPem);
    } else if (input.publicKeyPem !== undefined) {
      publicKey = parsePublicKey(input.publicKeyPem);
    } else {
      ({ publicKey, privateKey } = await generateRsaKeyPair());
    }
    const certificatePem = await this.sign({
      subject: awsSubject,
      publicKey: spkiDer(publicKey),
      notBefore: this.clock.now(),
      notAfter: deviceCertificateNotAfter,
      extensions: deviceExtensions(),
    });
    return {
      certificateId: certificateIdOf(certificatePem),
      certificatePem,
      ...(privateKey
        ? {
            privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
            publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          }
        : {}),
    };
  }

  private async sign(input: {
    subject: string;
    publicKey: Buffer;
    notBefore: number;
    notAfter: Date;
    extensions: x509.Extension[];
  }): Promise<string> {
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerialNumber(),
        subject: input.subject,
        issuer: this.caCertificate.subjectName,
        notBefore: wholeSeconds(input.notBefore),
        notAfter: input.notAfter,
        publicKey: input.publicKey,
        signingKey: this.caSigningKey,
        signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          ...input.extensions,
          await x509.SubjectKeyIdentifierExtension.create(input.publicKey, false, webcrypto),
          await x509.AuthorityKeyIdentifierExtension.create(this.caCertificate.publicKey, false, webcrypto),
        ],
      },
      webcrypto,
    );
    return pemWithNewline(certificate.toString('pem'));
  }
}

function deviceExtensions(): x509.Extension[] {
  return [
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ];
}

async function publicKeyOfCsr(csrPem: string): Promise<KeyObject> {
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csrPem)) {
    throw new CertificateAuthorityError('InvalidCsr', 'The CSR is not a PEM "CERTIFICATE REQUEST".');
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (error) {
    throw new CertificateAuthorityError('InvalidCsr', `The CSR does not parse: ${(error as Error).message}`);
  }
  let signatureValid: boolean;
  try {
    signatureValid = await csr.verify(webcrypto);
  } catch (error) {
    throw new CertificateAuthorityError(
      'InvalidCsr',
      `The CSR signature cannot be checked: ${(error as Error).message}`,
    );
  }
  if (!signatureValid) {
    throw new CertificateAuthorityError('InvalidCsr', 'The CSR signature does not match its public key.');
  }
  return checkedKey(
    () => createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }),
    'InvalidCsr',
  );
}

function parsePublicKey(publicKeyPem: string): KeyObject {
  return checkedKey(() => createPublicKey(publicKeyPem), 'InvalidPublicKey');
}

/** AWS IoT accepts RSA keys of 2048 bits or more and EC keys on P-256 or P-384. */
function checkedKey(parse: () => KeyObject, code: 'InvalidCsr' | 'InvalidPublicKey'): KeyObject {
  let key: KeyObject;
  try {
    key = parse();
  } catch (error) {
    throw new CertificateAuthorityError(code, `The public key does not parse: ${(error as Error).message}`);
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return key;
  if (key.asymmetricKeyType === 'ec' && ['prime256v1', 'secp384r1'].includes(details?.namedCurve ?? '')) {
    return key;
  }
  throw new CertificateAuthorityError(
    code,
    `Unsupported public key (${key.asymmetricKeyType ?? 'unknown'}); use RSA 2048+ or EC P-256/P-384.`,
  );
}

async function generateRsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
}

function toSigningKey(privateKey: KeyObject): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey(
    'pkcs8',
    privateKey.export({ type: 'pkcs8', format: 'der' }),
    signingAlgorithm,
    false,
    ['sign'],
  );
}

function spkiDer(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}

function pkcs8Pem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Positive 128-bit serial with a non-zero leading byte (RFC 5280: positive, at most 20 octets). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** X.509 times have whole seconds; truncating keeps notBefore never later than the clock. */
function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function pemWithNewline(pem: string): string {
  const normalized = pem.replace(/\r\n/g, '\n');
  return normalized.endsWith('\n') ? normalized : `${normalized}\n`;
}
