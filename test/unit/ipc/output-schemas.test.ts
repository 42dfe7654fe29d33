import { describe, expect, it } from 'vitest';
import { eventChannelNames, invokeChannelNames } from '../../../src/shared/ipc-channels.js';
import {
  devicePath,
  epochMs,
  eventSchemas,
  fingerprintHex,
  hasOpaqueRun,
  idText,
  multilineText,
  opaqueRunLimit,
  responseSchemas,
  viewText,
} from '../../../src/shared/ipc-output-schemas.js';
import type {
  AppInfo,
  RunView,
  SerialDeviceChange,
  SerialDeviceList,
  SessionView,
} from '../../../src/shared/view-models.js';

const fingerprint = '3f1c0a9e8d7b6a5c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d';

const appInfo: AppInfo = {
  name: 'Provisioning Station',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  runtime: { electron: '45.5.0', chrome: null, node: '24.21.0' },
  profile: { name: 'Sandbox (embedded)', kind: 'sandbox', region: 'us-east-1' },
};
const list: SerialDeviceList = {
  devices: [
    {
      path: '/dev/ttyUSB0',
      source: 'system',
      vendorId: '0403',
      productId: '6001',
      serialNumber: 'A50285BI',
      manufacturer: 'FTDI',
      location: '1-1.2',
    },
    {
      path: '/tmp/station-e2e-ports-x1/tty-a',
      source: 'configured',
      vendorId: null,
      productId: null,
      serialNumber: null,
      manufacturer: null,
      location: null,
    },
  ],
  configuredPatterns: ['/tmp/station-e2e-ports-x1/tty-*'],
  fixedPatterns: ['COM3'],
  watchMode: 'polling',
};
const change: SerialDeviceChange = { added: [list.devices[0]!], removed: ['/dev/ttyACM0'], list };
const run: RunView = {
  runId: 'run_01J9Z',
  batchId: 'batch_01J9Z',
  bayId: 'bay-1',
  portPath: '/dev/ttyUSB0',
  attempt: 1,
  phase: 'done',
  phaseStartedAt: 1_767_000_000_000,
  startedAt: 1_767_000_000_000,
  finishedAt: 1_767_000_004_000,
  serialNumber: 'SN-0001',
  model: 'Sensor Mk II',
  hardwareRevision: 'B',
  firmwareVersion: '1.4.2',
  mode: 'csr',
  progress: { stage: 3, stageName: 'registering thing', detail: null },
  transfer: null,
  claimExpiresAt: null,
  heldIdentity: null,
  thingName: 'station-7-SN-0001',
  certificateId: fingerprint,
  fingerprint,
  otherCertificateIds: [],
  replaced: null,
  failure: null,
  recovered: false,
};
const session: SessionView = {
  status: 'challenge',
  username: 'installer@example.com',
  groups: ['installers'],
  mayProvision: true,
  reauthenticateBy: null,
  step: 'totp-setup',
  totpSetup: {
    secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    otpauthUri: 'otpauth://totp/Station:installer?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Station',
  },
  remembered: false,
  notice: null,
};

describe('output schemas', () => {
  it('has one for every channel', () => {
    expect(Object.keys(responseSchemas).sort()).toEqual([...invokeChannelNames].sort());
    expect(Object.keys(eventSchemas).sort()).toEqual([...eventChannelNames].sort());
  });

  it('accept legitimate view models', () => {
    expect(responseSchemas['app.info'].parse(appInfo)).toEqual(appInfo);
    expect(responseSchemas['devices.list'].parse(list)).toEqual(list);
    expect(responseSchemas['devices.configurePorts'].parse(list)).toEqual(list);
    expect(eventSchemas['devices.changed'].parse(change)).toEqual(change);
    expect(responseSchemas['runs.retry'].parse(run)).toEqual(run);
    expect(responseSchemas['session.get'].parse(session)).toEqual(session);
  });

  it('refuse unknown keys at any depth instead of dropping them', () => {
    const extraTop = { ...appInfo, privateKey: 'x' };
    const extraDeep = { ...list, devices: [{ ...list.devices[0]!, claim: 'x' }] };
    expect(responseSchemas['app.info'].safeParse(extraTop).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['privateKey'],
    });
    expect(responseSchemas['devices.list'].safeParse(extraDeep).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['devices', 0],
    });
  });

  it('refuse binary and structured values where text is declared', () => {
    for (const value of [Buffer.from('MIIB'), new Uint8Array(3), new Map(), new Error('x'), 12]) {
      expect(responseSchemas['devices.list'].safeParse({ ...list, fixedPatterns: [value] }).success).toBe(
        false,
      );
    }
  });

  it('refuse a secret in the TOTP set-up fields (base32 and otpauth:// only)', () => {
    const leaked = {
      ...session,
      totpSetup: { secret: '-----BEGIN PRIVATE KEY-----', otpauthUri: session.totpSetup!.otpauthUri },
    };
    expect(responseSchemas['session.get'].safeParse(leaked).success).toBe(false);
  });
});

describe('building blocks', () => {
  it('viewText bounds length and refuses control characters and opaque runs', () => {
    const text = viewText(40);
    expect(text.safeParse('Reseat the cable and press Retry.').success).toBe(true);
    expect(text.safeParse('x'.repeat(41)).success).toBe(false);
    expect(text.safeParse('line\nbreak').success).toBe(false);
    expect(text.safeParse('bidi \u202e trick').success).toBe(false);
    const long = viewText(1000);
    expect(long.safeParse(`see ${'A'.repeat(opaqueRunLimit)} done`).success).toBe(true);
    expect(long.safeParse(`see ${'A'.repeat(opaqueRunLimit + 1)} done`).success).toBe(false);
    expect(long.safeParse(`words ${'word '.repeat(150)}`).success).toBe(true);
  });

  it('multilineText allows line breaks and tabs, still no opaque runs', () => {
    expect(multilineText(100).safeParse('a,b\r\nc,\td\n').success).toBe(true);
    expect(multilineText(1000).safeParse(`x\n${'Zm9v'.repeat(40)}`).success).toBe(false);
    expect(multilineText(100).safeParse('bell\u0007').success).toBe(false);
  });

  it('idText takes identifiers up to 128 printable characters', () => {
    expect(idText.safeParse('station-7_batch-2024-11-26:SN-0001').success).toBe(true);
    expect(idText.safeParse(`${'thing-'.repeat(20)}:x`).success).toBe(true);
    expect(idText.safeParse('has space').success).toBe(false);
    expect(idText.safeParse('').success).toBe(false);
    expect(idText.safeParse('a'.repeat(129)).success).toBe(false);
  });

  it('fingerprintHex is exactly 64 lowercase hex digits', () => {
    expect(fingerprintHex.safeParse(fingerprint).success).toBe(true);
    expect(fingerprintHex.safeParse(fingerprint.toUpperCase()).success).toBe(false);
    expect(fingerprintHex.safeParse(`${fingerprint}00`).success).toBe(false);
  });

  it('epochMs is a whole, non-negative time', () => {
    expect(epochMs.safeParse(1_767_000_000_000).success).toBe(true);
    expect(epochMs.safeParse(1.5).success).toBe(false);
    expect(epochMs.safeParse(-1).success).toBe(false);
    expect(epochMs.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });

  it('devicePath takes port paths, not empty text', () => {
    expect(
      devicePath.safeParse('/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0').success,
    ).toBe(true);
    expect(devicePath.safeParse('').success).toBe(false);
  });

  it('hasOpaqueRun sees base64, base64url and hex runs only', () => {
    expect(hasOpaqueRun('f'.repeat(opaqueRunLimit + 1))).toBe(true);
    expect(hasOpaqueRun(`${'ab-_'.repeat(31)}`)).toBe(true);
    expect(hasOpaqueRun(`${'abcd.'.repeat(40)}`)).toBe(false);
  });
});
