import { createHash } from 'node:crypto';
import { z } from 'zod';
import { crc32 } from './crc32.js';
import { ClaimTag } from './protocol-constants.js';
import { encodeTlv, TlvFields, u16, u32, utf8 } from './tlv.js';
import type { FieldRules, TlvField } from './tlv.js';

/** Section 5.1: every known claim field occurs once, except TemplateParameter; integers have their size. */
const claimFieldRules: FieldRules = {
  [ClaimTag.CertificatePem]: {},
  [ClaimTag.PrivateKeyPem]: {},
  [ClaimTag.RootCaPem]: {},
  [ClaimTag.EndpointHost]: {},
  [ClaimTag.EndpointPort]: { size: 2 },
  [ClaimTag.TemplateName]: {},
  [ClaimTag.TemplateParameter]: { repeatable: true },
  [ClaimTag.ExpiresAt]: { size: 4 },
  [ClaimTag.StationTime]: { size: 4 },
};

/** Any expiry below this (March 1973 in milliseconds) is a value in seconds passed by mistake. */
const SMALLEST_PLAUSIBLE_EXPIRY_MS = 100_000_000_000;

/** What a device needs to run Fleet Provisioning on its own: the short-lived claim and where to use it. */
export const deviceClaimSchema = z.object({
  certificatePem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  privateKeyPem: z.string().includes('PRIVATE KEY-----'),
  rootCaPem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  endpoint: z.object({ host: z.string().min(1).max(253), port: z.number().int().min(1).max(65535) }),
  templateName: z.string().regex(/^[0-9A-Za-z_-]{1,36}$/),
  templateParameters: z.record(z.string().min(1).max(2048), z.string().max(4096)),
  /** Milliseconds since the epoch; the claim certificate stops working then. */
  expiresAt: z.number().int().positive(),
});
export type DeviceClaim = z.infer<typeof deviceClaimSchema>;

/**
 * The claim as the bytes that travel in CLAIM_CHUNKs, with its id and CRC. Encode once and deliver
 * (and resume) the same object; call wipe() when the device no longer needs it.
 */
export class EncodedClaim {
  private constructor(
    readonly claimId: string,
    readonly bytes: Buffer,
    readonly crc32: number,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /**
   * `claim.expiresAt` and `stationTimeMs` are milliseconds since the epoch. Throws a RangeError naming
   * the field (never its value, nor any claim material) for an expiry that is clearly in seconds or
   * that is not after the station's clock in whole seconds (the device would refuse it: CLAIM_EXPIRED).
   */
  static encode(claim: DeviceClaim, stationTimeMs = Date.now()): EncodedClaim {
    const valid = deviceClaimSchema.parse(claim);
    if (valid.expiresAt < SMALLEST_PLAUSIBLE_EXPIRY_MS) {
      throw new RangeError(
        'claim.expiresAt looks like seconds since 1970; it must be milliseconds since 1970 (e.g. Date.now() + 300_000).',
      );
    }
    if (Math.floor(valid.expiresAt / 1000) <= Math.floor(stationTimeMs / 1000)) {
      throw new RangeError(
        'claim.expiresAt is not in the future of the station clock: the claim has already expired; get a fresh claim.',
      );
    }
    const fields: TlvField[] = [
      [ClaimTag.CertificatePem, utf8(valid.certificatePem)],
      [ClaimTag.PrivateKeyPem, utf8(valid.privateKeyPem)],
      [ClaimTag.RootCaPem, utf8(valid.rootCaPem)],
      [ClaimTag.EndpointHost, utf8(valid.endpoint.host)],
      [ClaimTag.EndpointPort, u16(valid.endpoint.port)],
      [ClaimTag.TemplateName, utf8(valid.templateName)],
      ...Object.entries(valid.templateParameters).map(([key, value]): TlvField => [
        ClaimTag.TemplateParameter,
        Buffer.concat([utf8(key), Buffer.from([0]), utf8(value)]),
      ]),
      [ClaimTag.ExpiresAt, u32(Math.floor(valid.expiresAt / 1000))],
      [ClaimTag.StationTime, u32(Math.floor(stationTimeMs / 1000))],
    ];
    const bytes = encodeTlv(fields);
    for (const [, value] of fields) value.fill(0);
    const claimId = createHash('sha256').update(bytes).digest().subarray(0, 16).toString('hex');
    return new EncodedClaim(claimId, bytes, crc32(bytes));
  }

  wipe(): void {
    this.bytes.fill(0);
  }
}

export interface DecodedClaim extends DeviceClaim {
  /** Station clock when the claim was encoded (ms; required): the device's "now" for expiry (5.4). */
  stationTime: number;
}

/** Device side: parses and validates a complete claim blob. */
export function decodeClaimBlob(
  bytes: Buffer,
): { ok: true; claim: DecodedClaim } | { ok: false; reason: string } {
  const tlv = TlvFields.decode(bytes, claimFieldRules);
  if (!tlv)
    return { ok: false, reason: 'claim fields malformed (past the end, repeated or of the wrong size)' };
  const parameters: Record<string, string> = {};
  for (const value of tlv.all(ClaimTag.TemplateParameter)) {
    const separator = value.indexOf(0);
    if (separator <= 0) return { ok: false, reason: 'template parameter without key' };
    parameters[value.subarray(0, separator).toString('utf8')] = value
      .subarray(separator + 1)
      .toString('utf8');
  }
  const expiresAt = tlv.uint(ClaimTag.ExpiresAt);
  const stationTime = tlv.uint(ClaimTag.StationTime);
  const parsed = deviceClaimSchema.extend({ stationTime: z.number().int().positive() }).safeParse({
    certificatePem: tlv.string(ClaimTag.CertificatePem),
    privateKeyPem: tlv.string(ClaimTag.PrivateKeyPem),
    rootCaPem: tlv.string(ClaimTag.RootCaPem),
    endpoint: { host: tlv.string(ClaimTag.EndpointHost), port: tlv.uint(ClaimTag.EndpointPort) },
    templateName: tlv.string(ClaimTag.TemplateName),
    templateParameters: parameters,
    expiresAt: expiresAt === undefined ? undefined : expiresAt * 1000,
    stationTime: stationTime === undefined ? undefined : stationTime * 1000,
  });
  if (!parsed.success) {
    // Name the fields only; values may be secret.
    return {
      ok: false,
      reason: `invalid claim fields: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    };
  }
  return { ok: true, claim: parsed.data };
}
