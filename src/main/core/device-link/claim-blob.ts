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

/** Section 5.1 limits, in UTF-8 bytes (what a device measures). */
export const TEMPLATE_PARAMETER_KEY_MAX_BYTES = 2048;
export const TEMPLATE_PARAMETER_VALUE_MAX_BYTES = 4096;
export const ENDPOINT_HOST_MAX_BYTES = 253;

/** A string a TemplateParameter can carry: well-formed UTF-16 (so valid UTF-8), no NUL, ≤ `maxBytes`. */
const parameterText = (minBytes: number, maxBytes: number) =>
  z
    .string()
    .refine((text) => !/[\uD800-\uDFFF]/u.test(text), 'not valid Unicode (a lone surrogate)')
    .refine((text) => !text.includes('\0'), 'contains a NUL character')
    .refine((text) => {
      const bytes = Buffer.byteLength(text, 'utf8');
      return bytes >= minBytes && bytes <= maxBytes;
    }, `must be ${minBytes}–${maxBytes} UTF-8 bytes`);

/** What a device needs to run Fleet Provisioning on its own: the short-lived claim and where to use it. */
export const deviceClaimSchema = z.object({
  certificatePem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  privateKeyPem: z.string().includes('PRIVATE KEY-----'),
  rootCaPem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  endpoint: z.object({
    host: z
      .string()
      .min(1)
      .refine((host) => Buffer.byteLength(host, 'utf8') <= ENDPOINT_HOST_MAX_BYTES, 'longer than 253 bytes'),
    port: z.number().int().min(1).max(65535),
  }),
  templateName: z.string().regex(/^[0-9A-Za-z_-]{1,36}$/),
  /** Sent to RegisterThing exactly as given: the device adds, drops and changes none (section 6.1). */
  templateParameters: z.record(
    parameterText(1, TEMPLATE_PARAMETER_KEY_MAX_BYTES),
    parameterText(0, TEMPLATE_PARAMETER_VALUE_MAX_BYTES),
  ),
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One TemplateParameter field, `key 00 value` (section 5.1): exactly one 00, a non-empty key, both
 * valid UTF-8 within their byte limits. Returns what is wrong (never the text itself) otherwise.
 */
function decodeTemplateParameter(field: Buffer): { key: string; value: string } | string {
  const separator = field.indexOf(0);
  if (separator < 0) return 'without its 00 separator';
  if (separator === 0) return 'with an empty key';
  if (field.indexOf(0, separator + 1) >= 0) return 'with a second 00 byte';
  const key = field.subarray(0, separator);
  const value = field.subarray(separator + 1);
  if (key.length > TEMPLATE_PARAMETER_KEY_MAX_BYTES) return 'key longer than 2048 bytes';
  if (value.length > TEMPLATE_PARAMETER_VALUE_MAX_BYTES) return 'value longer than 4096 bytes';
  try {
    return { key: strictUtf8.decode(key), value: strictUtf8.decode(value) };
  } catch {
    return 'not valid UTF-8';
  }
}

/** Device side: parses and validates a complete claim blob. */
export function decodeClaimBlob(
  bytes: Buffer,
): { ok: true; claim: DecodedClaim } | { ok: false; reason: string } {
  const tlv = TlvFields.decode(bytes, claimFieldRules);
  if (!tlv)
    return { ok: false, reason: 'claim fields malformed (past the end, repeated or of the wrong size)' };
  const parameters: Record<string, string> = {};
  for (const field of tlv.all(ClaimTag.TemplateParameter)) {
    const parameter = decodeTemplateParameter(field);
    if (typeof parameter === 'string') return { ok: false, reason: `template parameter ${parameter}` };
    if (Object.hasOwn(parameters, parameter.key)) return { ok: false, reason: 'template parameter repeated' };
    parameters[parameter.key] = parameter.value;
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
