import { z } from 'zod';
import {
  AckTag,
  ClaimBeginTag,
  DeviceState,
  deviceStateName,
  FailureTag,
  HelloRequestTag,
  HelloTag,
  MIN_RX_BUFFER,
  ModeBit,
  modeCode,
  NakTag,
  ProgressTag,
  ProvisionFlag,
  ProvisionTag,
  ResetIdentityTag,
  ResultTag,
} from './protocol-constants.js';
import type { ProvisioningMode } from './protocol-constants.js';
import { encodeTlv, TlvFields, u16, u32, u8, utf8 } from './tlv.js';
import type { FieldRules, TlvField } from './tlv.js';

/** Typed payloads of every message, with encoders and validating decoders for both directions. */

/** Sizes and repeatability of each message's known tags (section 4): other shapes are malformed. */
const once = {};
export const fieldRules = {
  helloRequest: { [HelloRequestTag.ProtocolVersion]: { size: 1 } },
  hello: {
    [HelloTag.ProtocolVersion]: { size: 1 },
    [HelloTag.SerialNumber]: once,
    [HelloTag.Model]: once,
    [HelloTag.HardwareRevision]: once,
    [HelloTag.FirmwareVersion]: once,
    [HelloTag.RxBuffer]: { size: 2 },
    [HelloTag.Modes]: { size: 1 },
    [HelloTag.MaxClaim]: { size: 4 },
    [HelloTag.ThingName]: once,
    [HelloTag.CertificateId]: { size: 64 },
    [HelloTag.HeldClaimId]: { size: 16 },
    [HelloTag.HeldClaimBytes]: { size: 4 },
    [HelloTag.HeldClaimTotal]: { size: 4 },
    [HelloTag.State]: { size: 1 },
    [HelloTag.Boot]: { size: 1 },
    [HelloTag.BootId]: { size: 4 },
  },
  claimBegin: {
    [ClaimBeginTag.ClaimId]: { size: 16 },
    [ClaimBeginTag.TotalLength]: { size: 4 },
    [ClaimBeginTag.Crc32]: { size: 4 },
  },
  provision: { [ProvisionTag.Mode]: { size: 1 }, [ProvisionTag.Flags]: { size: 1 } },
  resetIdentity: { [ResetIdentityTag.SerialNumber]: once },
  ack: { [AckTag.HeldBytes]: { size: 4 } },
  nak: { [NakTag.Code]: { size: 2 }, [NakTag.Message]: once, [NakTag.SupportedVersions]: once },
  progress: { [ProgressTag.Stage]: { size: 1 }, [ProgressTag.Detail]: once },
  result: {
    [ResultTag.ThingName]: once,
    [ResultTag.CertificateId]: { size: 64 },
    [ResultTag.Fingerprint]: { size: 32 },
    [ResultTag.ProvisionSeq]: { size: 1 },
  },
  failure: {
    [FailureTag.Code]: { size: 2 },
    [FailureTag.Message]: once,
    [FailureTag.Stage]: { size: 1 },
    [FailureTag.AwsStatusCode]: { size: 2 },
    [FailureTag.AwsErrorCode]: once,
    [FailureTag.AwsErrorMessage]: once,
    [FailureTag.ProvisionSeq]: { size: 1 },
  },
} satisfies Record<string, FieldRules>;

/** Empty-payload requests (ABORT, WIPE_CLAIM) still carry well-formed fields (none known). */
export function isWellFormed(payload: Buffer): boolean {
  return TlvFields.decode(payload) !== undefined;
}

const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x20-\x7e]+$/, 'printable ASCII only');

export const deviceHelloSchema = z.object({
  protocolVersion: z.number().int().min(1).max(255),
  serialNumber: printable(64),
  model: printable(64),
  hardwareRevision: printable(32),
  firmwareVersion: printable(32),
  rxBuffer: z.number().int().min(MIN_RX_BUFFER).max(65535),
  modes: z.array(z.enum(['csr', 'keys'])).min(1),
  maxClaim: z.number().int().min(1),
  /**
   * The permanent identity the device holds. `thingName` is '' when the template made no thing
   * (section 4.2: an empty or absent ThingName beside a CertificateId).
   */
  identity: z
    .object({
      thingName: z
        .string()
        .max(128)
        .regex(/^[\x20-\x7e]*$/, 'printable ASCII only'),
      certificateId: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .optional(),
  heldClaim: z
    .object({
      claimId: z.string().regex(/^[0-9a-f]{32}$/),
      bytes: z.number().int().min(0),
      total: z.number().int().min(1),
    })
    .refine((held) => held.bytes <= held.total, 'held bytes exceed the claim length')
    .optional(),
  state: z.enum(deviceStateName),
  /** True when the device sent this hello on its own after (re)booting. */
  boot: z.boolean(),
  /** Changes on every power-on or reset: a new value means the device restarted. */
  bootId: z.number().int().min(1).max(0xffffffff),
});
export type DeviceHello = z.infer<typeof deviceHelloSchema>;

export function encodeHello(hello: DeviceHello): Buffer {
  const fields: TlvField[] = [
    [HelloTag.ProtocolVersion, u8(hello.protocolVersion)],
    [HelloTag.SerialNumber, utf8(hello.serialNumber)],
    [HelloTag.Model, utf8(hello.model)],
    [HelloTag.HardwareRevision, utf8(hello.hardwareRevision)],
    [HelloTag.FirmwareVersion, utf8(hello.firmwareVersion)],
    [HelloTag.RxBuffer, u16(hello.rxBuffer)],
    [HelloTag.Modes, u8(hello.modes.reduce((bits, mode) => bits | modeCode[mode], 0))],
    [HelloTag.MaxClaim, u32(hello.maxClaim)],
    [HelloTag.State, u8(deviceStateName.indexOf(hello.state))],
    [HelloTag.Boot, u8(hello.boot ? 1 : 0)],
    [HelloTag.BootId, u32(hello.bootId)],
  ];
  if (hello.identity) {
    fields.push([HelloTag.ThingName, utf8(hello.identity.thingName)]);
    fields.push([HelloTag.CertificateId, utf8(hello.identity.certificateId)]);
  }
  if (hello.heldClaim) {
    fields.push([HelloTag.HeldClaimId, Buffer.from(hello.heldClaim.claimId, 'hex')]);
    fields.push([HelloTag.HeldClaimBytes, u32(hello.heldClaim.bytes)]);
    fields.push([HelloTag.HeldClaimTotal, u32(hello.heldClaim.total)]);
  }
  return encodeTlv(fields);
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function fromSchema<T>(schema: z.ZodType<T>, input: unknown): DecodeResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  };
}

export function decodeHello(payload: Buffer): DecodeResult<DeviceHello> {
  const tlv = TlvFields.decode(payload, fieldRules.hello);
  if (!tlv) return { ok: false, reason: 'malformed fields (past the end, repeated or of the wrong size)' };
  const modeBits = tlv.uint(HelloTag.Modes) ?? 0;
  const modes: ProvisioningMode[] = [];
  if (modeBits & ModeBit.Csr) modes.push('csr');
  if (modeBits & ModeBit.Keys) modes.push('keys');
  const thingName = tlv.string(HelloTag.ThingName);
  const certificateId = tlv.string(HelloTag.CertificateId);
  const heldId = tlv.bytes(HelloTag.HeldClaimId);
  const stateCode = tlv.uint(HelloTag.State) ?? DeviceState.Idle;
  return fromSchema(deviceHelloSchema, {
    protocolVersion: tlv.uint(HelloTag.ProtocolVersion),
    serialNumber: tlv.string(HelloTag.SerialNumber),
    model: tlv.string(HelloTag.Model),
    hardwareRevision: tlv.string(HelloTag.HardwareRevision),
    firmwareVersion: tlv.string(HelloTag.FirmwareVersion),
    rxBuffer: tlv.uint(HelloTag.RxBuffer),
    modes,
    maxClaim: tlv.uint(HelloTag.MaxClaim),
    // CertificateId says "provisioned"; a ThingName without it is invalid (the schema refuses it).
    identity:
      thingName !== undefined || certificateId !== undefined
        ? { thingName: thingName ?? '', certificateId }
        : undefined,
    heldClaim:
      heldId !== undefined
        ? {
            claimId: heldId.toString('hex'),
            bytes: tlv.uint(HelloTag.HeldClaimBytes),
            total: tlv.uint(HelloTag.HeldClaimTotal),
          }
        : undefined,
    state: deviceStateName[stateCode] ?? `unknown state ${stateCode}`,
    boot: (tlv.uint(HelloTag.Boot) ?? 0) === 1,
    bootId: tlv.uint(HelloTag.BootId),
  });
}

export function encodeHelloRequest(protocolVersion: number): Buffer {
  return encodeTlv([[HelloRequestTag.ProtocolVersion, u8(protocolVersion)]]);
}

export function decodeHelloRequest(payload: Buffer): DecodeResult<{ protocolVersion: number }> {
  const version = TlvFields.decode(payload, fieldRules.helloRequest)?.uint(HelloRequestTag.ProtocolVersion);
  return version === undefined
    ? { ok: false, reason: 'ProtocolVersion missing or malformed' }
    : { ok: true, value: { protocolVersion: version } };
}

export interface ClaimBegin {
  /** 16 bytes as 32 lowercase hex characters. */
  claimId: string;
  totalLength: number;
  crc32: number;
}

export function encodeClaimBegin(begin: ClaimBegin): Buffer {
  return encodeTlv([
    [ClaimBeginTag.ClaimId, Buffer.from(begin.claimId, 'hex')],
    [ClaimBeginTag.TotalLength, u32(begin.totalLength)],
    [ClaimBeginTag.Crc32, u32(begin.crc32)],
  ]);
}

export function decodeClaimBegin(payload: Buffer): DecodeResult<ClaimBegin> {
  const tlv = TlvFields.decode(payload, fieldRules.claimBegin);
  const id = tlv?.bytes(ClaimBeginTag.ClaimId);
  const totalLength = tlv?.uint(ClaimBeginTag.TotalLength);
  const crc = tlv?.bytes(ClaimBeginTag.Crc32);
  if (!id || id.length !== 16 || totalLength === undefined || totalLength === 0 || !crc || crc.length !== 4) {
    return { ok: false, reason: 'CLAIM_BEGIN needs a 16-byte claim id, a non-zero length and a CRC-32' };
  }
  return { ok: true, value: { claimId: id.toString('hex'), totalLength, crc32: crc.readUInt32LE(0) } };
}

/** CLAIM_CHUNK is not TLV: offset u32 LE followed by the claim bytes, to keep the window efficient. */
export const CHUNK_HEADER_LENGTH = 4;

export function encodeClaimChunk(offset: number, data: Uint8Array): Buffer {
  const payload = Buffer.alloc(CHUNK_HEADER_LENGTH + data.length);
  payload.writeUInt32LE(offset, 0);
  payload.set(data, CHUNK_HEADER_LENGTH);
  return payload;
}

export function decodeClaimChunk(payload: Buffer): DecodeResult<{ offset: number; data: Buffer }> {
  if (payload.length < CHUNK_HEADER_LENGTH + 1) return { ok: false, reason: 'chunk without data' };
  return {
    ok: true,
    value: { offset: payload.readUInt32LE(0), data: payload.subarray(CHUNK_HEADER_LENGTH) },
  };
}

export interface ProvisionRequest {
  mode: ProvisioningMode;
  replaceIdentity: boolean;
}

/** A well-formed PROVISION; `mode` is absent when the Mode byte names no mode this protocol knows. */
export interface DecodedProvision {
  mode?: ProvisioningMode;
  replaceIdentity: boolean;
}

export function encodeProvision(request: ProvisionRequest): Buffer {
  return encodeTlv([
    [ProvisionTag.Mode, u8(modeCode[request.mode])],
    [ProvisionTag.Flags, u8(request.replaceIdentity ? ProvisionFlag.ReplaceIdentity : 0)],
  ]);
}

/** Malformed only if the fields are, or Mode is missing; an unknown mode value is MODE_UNSUPPORTED. */
export function decodeProvision(payload: Buffer): DecodeResult<DecodedProvision> {
  const tlv = TlvFields.decode(payload, fieldRules.provision);
  const mode = tlv?.uint(ProvisionTag.Mode);
  if (!tlv || mode === undefined) return { ok: false, reason: 'PROVISION needs a one-byte Mode' };
  const flags = tlv.uint(ProvisionTag.Flags) ?? 0;
  const replaceIdentity = (flags & ProvisionFlag.ReplaceIdentity) !== 0;
  if (mode !== 1 && mode !== 2) return { ok: true, value: { replaceIdentity } };
  return { ok: true, value: { mode: mode === 1 ? 'csr' : 'keys', replaceIdentity } };
}

export function encodeResetIdentity(serialNumber: string): Buffer {
  return encodeTlv([[ResetIdentityTag.SerialNumber, utf8(serialNumber)]]);
}

export function decodeResetIdentity(payload: Buffer): DecodeResult<{ serialNumber: string }> {
  const serialNumber = TlvFields.decode(payload, fieldRules.resetIdentity)?.string(
    ResetIdentityTag.SerialNumber,
  );
  return serialNumber ? { ok: true, value: { serialNumber } } : { ok: false, reason: 'no serial number' };
}

export function encodeAck(heldBytes?: number): Buffer {
  return heldBytes === undefined ? Buffer.alloc(0) : encodeTlv([[AckTag.HeldBytes, u32(heldBytes)]]);
}

export function decodeAck(payload: Buffer): DecodeResult<{ heldBytes?: number }> {
  const tlv = TlvFields.decode(payload, fieldRules.ack);
  if (!tlv) return { ok: false, reason: 'malformed ACK' };
  const heldBytes = tlv.uint(AckTag.HeldBytes);
  return { ok: true, value: heldBytes === undefined ? {} : { heldBytes } };
}

export interface DeviceError {
  code: number;
  message: string;
  /** NAK VERSION_UNSUPPORTED only: the protocol versions the device serves. */
  supportedVersions?: number[];
}

const boundedText = (max: number) => z.string().max(max);

export function encodeNak(error: DeviceError): Buffer {
  const fields: TlvField[] = [
    [NakTag.Code, u16(error.code)],
    [NakTag.Message, utf8(error.message)],
  ];
  if (error.supportedVersions) fields.push([NakTag.SupportedVersions, Buffer.from(error.supportedVersions)]);
  return encodeTlv(fields);
}

export function decodeNak(payload: Buffer): DecodeResult<DeviceError> {
  const tlv = TlvFields.decode(payload, fieldRules.nak);
  const versions = tlv?.bytes(NakTag.SupportedVersions);
  return fromSchema(
    z.object({
      code: z.number().int(),
      message: boundedText(512),
      supportedVersions: z.array(z.number().int().min(1)).min(1).optional(),
    }),
    {
      code: tlv?.uint(NakTag.Code),
      message: tlv?.string(NakTag.Message) ?? '',
      ...(versions ? { supportedVersions: [...versions] } : {}),
    },
  );
}

export interface ProgressEvent {
  stage: number;
  detail?: string;
}

export function encodeProgress(event: ProgressEvent): Buffer {
  const fields: TlvField[] = [[ProgressTag.Stage, u8(event.stage)]];
  if (event.detail) fields.push([ProgressTag.Detail, utf8(event.detail)]);
  return encodeTlv(fields);
}

export function decodeProgress(payload: Buffer): DecodeResult<ProgressEvent> {
  const tlv = TlvFields.decode(payload, fieldRules.progress);
  return fromSchema(
    z.object({ stage: z.number().int().min(1).max(255), detail: boundedText(256).optional() }),
    {
      stage: tlv?.uint(ProgressTag.Stage),
      detail: tlv?.string(ProgressTag.Detail),
    },
  );
}

export const provisioningResultSchema = z.object({
  thingName: z.string().max(128),
  certificateId: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the certificate DER, lowercase hex (AWS IoT's certificate id is the same value). */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ProvisioningResult = z.infer<typeof provisioningResultSchema>;

/** `provisionSeq`: the seq of the PROVISION this result answers (required of revision 1.1 devices). */
export function encodeResult(result: ProvisioningResult, provisionSeq?: number): Buffer {
  const fields: TlvField[] = [
    [ResultTag.ThingName, utf8(result.thingName)],
    [ResultTag.CertificateId, utf8(result.certificateId)],
    [ResultTag.Fingerprint, Buffer.from(result.fingerprint, 'hex')],
  ];
  if (provisionSeq !== undefined) fields.push([ResultTag.ProvisionSeq, u8(provisionSeq)]);
  return encodeTlv(fields);
}

/**
 * The ProvisionSeq of a RESULT or FAILURE: the seq of the PROVISION it answers. Undefined when the
 * device does not send it (document revision 1.0) or the payload is malformed.
 */
export function eventProvisionSeq(type: 'result' | 'failure', payload: Buffer): number | undefined {
  const tag = type === 'result' ? ResultTag.ProvisionSeq : FailureTag.ProvisionSeq;
  return TlvFields.decode(payload, fieldRules[type])?.uint(tag);
}

export function decodeResult(payload: Buffer): DecodeResult<ProvisioningResult> {
  const tlv = TlvFields.decode(payload, fieldRules.result);
  return fromSchema(provisioningResultSchema, {
    thingName: tlv?.string(ResultTag.ThingName) ?? '',
    certificateId: tlv?.string(ResultTag.CertificateId),
    fingerprint: tlv?.bytes(ResultTag.Fingerprint)?.toString('hex'),
  });
}

export const provisioningFailureSchema = z.object({
  code: z.number().int(),
  message: boundedText(512),
  stage: z.number().int().optional(),
  aws: z
    .object({
      statusCode: z.number().int().optional(),
      errorCode: boundedText(128).optional(),
      errorMessage: boundedText(1024).optional(),
    })
    .optional(),
});
export type ProvisioningFailure = z.infer<typeof provisioningFailureSchema>;

/** `provisionSeq`: the seq of the PROVISION this failure answers (required of revision 1.1 devices). */
export function encodeFailure(failure: ProvisioningFailure, provisionSeq?: number): Buffer {
  const fields: TlvField[] = [
    [FailureTag.Code, u16(failure.code)],
    [FailureTag.Message, utf8(failure.message)],
  ];
  if (failure.stage !== undefined) fields.push([FailureTag.Stage, u8(failure.stage)]);
  if (failure.aws?.statusCode !== undefined)
    fields.push([FailureTag.AwsStatusCode, u16(failure.aws.statusCode)]);
  if (failure.aws?.errorCode) fields.push([FailureTag.AwsErrorCode, utf8(failure.aws.errorCode)]);
  if (failure.aws?.errorMessage) fields.push([FailureTag.AwsErrorMessage, utf8(failure.aws.errorMessage)]);
  if (provisionSeq !== undefined) fields.push([FailureTag.ProvisionSeq, u8(provisionSeq)]);
  return encodeTlv(fields);
}

export function decodeFailure(payload: Buffer): DecodeResult<ProvisioningFailure> {
  const tlv = TlvFields.decode(payload, fieldRules.failure);
  const statusCode = tlv?.uint(FailureTag.AwsStatusCode);
  const errorCode = tlv?.string(FailureTag.AwsErrorCode);
  const errorMessage = tlv?.string(FailureTag.AwsErrorMessage);
  const hasAws = statusCode !== undefined || errorCode !== undefined || errorMessage !== undefined;
  return fromSchema(provisioningFailureSchema, {
    code: tlv?.uint(FailureTag.Code),
    message: tlv?.string(FailureTag.Message) ?? '',
    stage: tlv?.uint(FailureTag.Stage),
    aws: hasAws ? { statusCode, errorCode, errorMessage } : undefined,
  });
}
