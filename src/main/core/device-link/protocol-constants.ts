/** Numbers of the device link protocol, version 1. docs/device-protocol.md is the normative text. */

export const PROTOCOL_VERSION = 1;
/** The protocol versions this implementation serves (sent in NAK VERSION_UNSUPPORTED). */
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION];
/** Smallest receive buffer a device may announce. */
export const MIN_RX_BUFFER = 256;
/** Largest frame body (before COBS) either side ever builds. */
export const MAX_FRAME_BODY = 4096;

/** Frame types. Station → device have the high bit clear, device → station have it set. */
export const MessageType = {
  HelloRequest: 0x01,
  ClaimBegin: 0x02,
  ClaimChunk: 0x03,
  ClaimCommit: 0x04,
  Provision: 0x05,
  Abort: 0x06,
  WipeClaim: 0x07,
  ResetIdentity: 0x08,
  EventAck: 0x09,
  Hello: 0x81,
  Ack: 0x82,
  Nak: 0x83,
  Progress: 0x84,
  Result: 0x85,
  Failure: 0x86,
} as const;

export const HelloTag = {
  ProtocolVersion: 0x01,
  SerialNumber: 0x02,
  Model: 0x03,
  HardwareRevision: 0x04,
  FirmwareVersion: 0x05,
  RxBuffer: 0x06,
  Modes: 0x07,
  MaxClaim: 0x08,
  ThingName: 0x09,
  CertificateId: 0x0a,
  HeldClaimId: 0x0b,
  HeldClaimBytes: 0x0c,
  HeldClaimTotal: 0x0d,
  State: 0x0e,
  Boot: 0x0f,
  BootId: 0x10,
} as const;

export const HelloRequestTag = { ProtocolVersion: 0x01 } as const;

export const ClaimBeginTag = { ClaimId: 0x01, TotalLength: 0x02, Crc32: 0x03 } as const;

export const ProvisionTag = { Mode: 0x01, Flags: 0x02 } as const;
/** ProvisionTag.Flags bits. */
export const ProvisionFlag = { ReplaceIdentity: 0x01 } as const;

export const ResetIdentityTag = { SerialNumber: 0x01 } as const;

export const AckTag = { HeldBytes: 0x01 } as const;

export const NakTag = { Code: 0x01, Message: 0x02, SupportedVersions: 0x03 } as const;

export const ProgressTag = { Stage: 0x01, Detail: 0x02 } as const;

export const ResultTag = {
  ThingName: 0x01,
  CertificateId: 0x02,
  Fingerprint: 0x03,
  ProvisionSeq: 0x04,
} as const;

export const FailureTag = {
  Code: 0x01,
  Message: 0x02,
  Stage: 0x03,
  AwsStatusCode: 0x04,
  AwsErrorCode: 0x05,
  AwsErrorMessage: 0x06,
  ProvisionSeq: 0x07,
} as const;

/** Fields of the claim blob delivered in chunks. */
export const ClaimTag = {
  CertificatePem: 0x01,
  PrivateKeyPem: 0x02,
  RootCaPem: 0x03,
  EndpointHost: 0x04,
  EndpointPort: 0x05,
  TemplateName: 0x06,
  TemplateParameter: 0x07,
  ExpiresAt: 0x08,
  StationTime: 0x09,
} as const;

/** Modes bitmask in the hello and mode byte in PROVISION. */
export const ModeBit = { Csr: 0x01, Keys: 0x02 } as const;
export type ProvisioningMode = 'csr' | 'keys';
export const modeCode: Record<ProvisioningMode, number> = { csr: 1, keys: 2 };

export const DeviceState = {
  Idle: 0,
  ReceivingClaim: 1,
  ClaimReady: 2,
  Provisioning: 3,
} as const;
export const deviceStateName = ['idle', 'receiving-claim', 'claim-ready', 'provisioning'] as const;

export const ProgressStage = {
  Connecting: 1,
  Connected: 2,
  Subscribed: 3,
  KeyGenerated: 4,
  CertificateRequested: 5,
  CertificateReceived: 6,
  RegisterRequested: 7,
  Registered: 8,
  CredentialsStored: 9,
  Verifying: 10,
  Verified: 11,
} as const;
export const progressStageName: Record<number, string> = {
  1: 'connecting',
  2: 'connected',
  3: 'subscribed',
  4: 'key-generated',
  5: 'certificate-requested',
  6: 'certificate-received',
  7: 'register-requested',
  8: 'registered',
  9: 'credentials-stored',
  10: 'verifying',
  11: 'verified',
};

/** Error codes carried by NAK and FAILURE. */
export const ErrorCode = {
  UnknownType: 0x0101,
  Malformed: 0x0102,
  Busy: 0x0103,
  NoClaim: 0x0104,
  ClaimTooLarge: 0x0105,
  ClaimIncomplete: 0x0106,
  ClaimCrcMismatch: 0x0107,
  ClaimInvalid: 0x0108,
  ClaimExpired: 0x0109,
  ModeUnsupported: 0x010a,
  IdentityPresent: 0x010b,
  SerialMismatch: 0x010c,
  VersionUnsupported: 0x010d,
  ConnectFailed: 0x0201,
  SubscribeFailed: 0x0202,
  CreateRejected: 0x0203,
  RegisterRejected: 0x0204,
  AwsTimeout: 0x0205,
  StoreFailed: 0x0206,
  VerifyFailed: 0x0207,
  KeyGenerationFailed: 0x0208,
  /** Revision 1.2: the TLS connection stood, MQTT CONNECT was sent, no CONNACK came within 10 s. */
  ConnackTimeout: 0x0209,
  /** Revision 1.2: the broker or network closed the connection after CONNACK, mid-exchange. */
  ConnectionLost: 0x020a,
  Internal: 0x02ff,
} as const;
/** The document's names of the error codes (section 6.2), e.g. 0x010c → `SERIAL_MISMATCH`. */
export const errorCodeName: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [
    code,
    name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toUpperCase(),
  ]),
);

/** Timing rules (milliseconds) both sides rely on; see the protocol document, "Timeouts". */
export const Timing = {
  /** Device answers any request within this time after its last byte arrived. */
  deviceResponse: 100,
  /** Station waits this long (plus line time) for an answer before retransmitting. */
  stationResponse: 500,
  /** Attempts of a control request before the station gives up. */
  requestAttempts: 4,
  /** Station waits this long for HELLO after HELLO_REQUEST. */
  hello: 1000,
  /** Device sends PROGRESS at least this often while provisioning. */
  progressHeartbeat: 2000,
  /** Station calls a provisioning device silent after this long without a frame. */
  provisioningSilence: 6000,
  /** Station ends provisioning that takes longer than this. */
  provisioningTotal: 120_000,
  /** Device repeats RESULT/FAILURE this often until EVENT_ACK. */
  eventRepeat: 1000,
  /** Device wipes a claim left unused for this long. */
  claimIdleWipe: 300_000,
  /** Device waits this long for each MQTT answer (CONNACK, SUBACK, accepted/rejected). */
  mqttAnswer: 10_000,
  /** AWS IoT accepts one CONNECT per second per client id: never reuse a client id sooner. */
  sameClientIdConnectSpacing: 1000,
} as const;
