import { arch, platform, release, type as osType, version as osVersion } from 'node:os';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import type {
  AppInfo,
  BenchHealthView,
  EngineView,
  ProfileView,
  SerialDeviceList,
  SessionView,
  SystemReportView,
} from '../../../shared/view-models.js';
import { redactForDisplay, redactSecrets } from '../logging/secret-redaction.js';
import { profileEndpoints } from './profile-endpoints.js';
import {
  currentIdentity,
  readGroupFile,
  readPortAccess,
  type GroupEntry,
  type PortAccessFacts,
  type ProcessIdentity,
} from './serial-access-check.js';

export interface SystemReportInput {
  appName: string;
  appVersion: string;
  runtime: AppInfo['runtime'];
  stationId: string;
  /** When it was made, on the core's clock. */
  generatedAt: number;
  dataDirectory: string;
  /** Where the station.log files are, for support to ask for. */
  logDirectory: string;
  profile: StationProfile | undefined;
  profileSource: ProfileView['source'];
  session: SessionView;
  devices: SerialDeviceList;
  /** The ports the engine would use, out of `devices`. */
  benchPortPaths: readonly string[];
  health: BenchHealthView;
  engine: EngineView;
  /** The most recent log lines, oldest first, already redacted. */
  logLines: readonly string[];
  /** Overrides for tests. */
  identity?: ProcessIdentity | null;
  groupFile?: string;
}

/**
 * The plain-text report an operator sends to support: versions, this user's permissions, the
 * profile's ids and endpoints, who is signed in, the serial ports, the bench checks, the open batch
 * and the recent log. It is built from view models and ids only — never a token, key or claim —
 * and the whole text passes the log's redaction once more before it leaves.
 */
export async function buildSystemReport(input: SystemReportInput): Promise<SystemReportView> {
  const posix = process.platform !== 'win32';
  const [groups, ports] = await Promise.all([
    posix ? readGroupFile(input.groupFile) : Promise.resolve<GroupEntry[]>([]),
    posix
      ? Promise.all(input.devices.devices.map((device) => readPortAccess(device.path)))
      : Promise.resolve([]),
  ]);
  const identity = input.identity !== undefined ? input.identity : currentIdentity();
  const groupName = (gid: number) => groups.find((group) => group.gid === gid)?.name ?? String(gid);
  const report = new ReportText();

  report.heading(`${input.appName} — system report`);
  report.line(`Generated: ${iso(input.generatedAt)} (station clock)`);
  report.line(
    "For support. It holds no password, token, key or certificate: the whole text passed the station's redaction.",
  );

  report.section('Versions');
  report.field('App', `${input.appName} ${input.appVersion}`);
  report.field('Electron', input.runtime.electron ?? 'none (not running in Electron)');
  report.field('Chrome', input.runtime.chrome ?? 'none');
  report.field('Node', input.runtime.node);
  report.field('V8', process.versions.v8);
  report.field('OpenSSL', process.versions.openssl);
  report.field('OS', `${osType()} ${release()} (${platform()}, ${arch()})`);
  report.field(
    'OS version',
    safe(() => osVersion()),
  );
  report.field('Station id', input.stationId);
  report.field('Data folder', input.dataDirectory);
  report.field('Log folder', `${input.logDirectory} (station.log, older ones station.1.log …)`);

  report.section('Permissions');
  if (identity) {
    report.field('OS user', `uid ${identity.uid}, gid ${identity.gid} (${groupName(identity.gid)})`);
    const names = [...new Set([identity.gid, ...identity.groups])].map((gid) => `${groupName(gid)} (${gid})`);
    report.field('Groups', names.join(', '));
    const dialout = groups.find((group) => group.name === 'dialout');
    report.field(
      'dialout group',
      identity.uid === 0
        ? 'not needed (root)'
        : dialout
          ? identity.groups.includes(dialout.gid) || identity.gid === dialout.gid
            ? 'this process is a member'
            : 'this process is not a member'
          : 'none on this system',
    );
  } else {
    report.field('OS user', 'this platform has no user ids (Windows)');
  }

  report.section('Profile');
  const profile = input.profile;
  if (!profile) {
    report.line('No AWS profile is configured.');
  } else {
    report.field('Name', profile.name);
    report.field('Kind', profile.kind);
    report.field('Source', input.profileSource);
    report.field('Region', profile.region);
    report.field('User pool id', profile.cognito.userPoolId);
    report.field('App client id', profile.cognito.userPoolClientId);
    report.field('Identity pool id', profile.cognito.identityPoolId);
    report.field('Installers group', profile.cognito.installersGroup ?? 'installers (default)');
    report.field('Template', profile.iot.templateName);
    for (const endpoint of profileEndpoints(profile)) report.field(endpoint.name, endpoint.address);
    const caCount = profile.iot.caCertificatePem?.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
    report.field(
      'Device CA',
      caCount > 0 ? `the profile's own (${caCount} certificate(s))` : "Amazon's (Amazon Root CA)",
    );
  }

  report.section('Session');
  const session = input.session;
  report.field('Status', session.status);
  report.field('Username', session.username ?? 'none');
  report.field('Groups', session.groups.length > 0 ? session.groups.join(', ') : 'none');
  report.field('May provision', session.mayProvision ? 'yes' : 'no');
  report.field('Sign in again by', session.reauthenticateBy === null ? 'n/a' : iso(session.reauthenticateBy));
  report.field('Remembered', session.remembered ? 'yes' : 'no');
  if (session.step) report.field('Waiting for', session.step);
  if (session.notice) report.field('Notice', session.notice);

  report.section('Serial ports');
  const { devices } = input;
  report.field('Watch mode', devices.watchMode);
  report.field('Configured patterns', list(devices.configuredPatterns));
  report.field('Fixed patterns', list(devices.fixedPatterns));
  if (devices.devices.length === 0) report.line('No serial port found.');
  const bench = new Set(input.benchPortPaths);
  for (const device of devices.devices) {
    const usb = device.vendorId ? `USB ${device.vendorId}:${device.productId ?? '????'}` : 'no USB ids';
    const details = [
      device.source,
      usb,
      device.manufacturer ? `manufacturer ${device.manufacturer}` : '',
      device.serialNumber ? `serial ${device.serialNumber}` : '',
      device.location ? `location ${device.location}` : '',
      bench.has(device.path) ? 'bench port' : 'not used by the bench',
      describeAccess(
        ports.find((port) => port.path === device.path),
        groupName,
      ),
    ].filter((part) => part !== '');
    report.line(`- ${device.path}: ${details.join(', ')}`);
  }

  report.section(`Bench health (checked ${iso(input.health.checkedAt)})`);
  for (const check of input.health.checks) {
    report.line(`[${check.status}] ${check.title} (${check.id}): ${check.summary}`);
    if (check.fix) report.line(`    Fix: ${check.fix}`);
    if (check.command) report.line(`    Command: ${check.command}`);
  }

  report.section('Batch');
  const batch = input.engine.batch;
  if (!batch) {
    report.line('No batch is open.');
  } else {
    report.field('Label', batch.label);
    report.field('Id', batch.id);
    report.field('Status', batch.status);
    report.field('Template', batch.templateName);
    report.field('Operator', batch.operatorUsername);
    report.field('Bays', String(batch.bays));
    report.field('Target', batch.targetCount === null ? 'none' : String(batch.targetCount));
    report.field('Started', iso(batch.createdAt));
    const { counts } = batch;
    report.field(
      'Devices',
      `${counts.done} done, ${counts.failed} failed, ${counts.active} active, ${counts.waiting} waiting, ${counts.cancelled} cancelled`,
    );
    if (batch.devicesPerHour !== null) report.field('Devices per hour', batch.devicesPerHour.toFixed(1));
  }
  for (const bay of input.engine.bays) {
    report.line(
      `- bay ${bay.bayId} on ${bay.portPath}: ${bay.status}${bay.message ? ` (${bay.message})` : ''}`,
    );
  }
  const failures = input.engine.runs.filter((run) => run.failure !== null);
  for (const run of failures.slice(-20)) {
    report.line(
      `- ${run.serialNumber ?? run.runId} failed in ${run.failure?.phase ?? '?'}: ${run.failure?.code ?? '?'} ${run.failure?.message ?? ''}`,
    );
  }

  report.section(`Recent log (last ${input.logLines.length} lines)`);
  for (const line of input.logLines) report.line(line, 4000);

  return {
    fileName: reportFileName(input.stationId, input.generatedAt),
    content: redactSecrets(report.text()),
  };
}

/** `station-report-<stationId>-<YYYYMMDD-HHMMSS>.txt`, in UTC, with only file-name-safe characters. */
export function reportFileName(stationId: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const station = stationId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'station';
  return `station-report-${station}-${stamp}.txt`;
}

class ReportText {
  private readonly lines: string[] = [];

  heading(text: string): void {
    this.line(text);
    this.lines.push('='.repeat(Math.min(72, text.length)));
  }

  section(title: string): void {
    this.lines.push('', `== ${clean(title, 200)} ==`);
  }

  field(name: string, value: string): void {
    this.line(`${name}: ${value}`);
  }

  /** Every line on one line, bounded and without control characters, whatever it came from. */
  line(text: string, max = 2000): void {
    this.lines.push(clean(text, max));
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function clean(text: string, max: number): string {
  return redactForDisplay(text, max);
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

function list(values: readonly string[]): string {
  return values.length > 0 ? values.join(', ') : 'none';
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return 'unknown';
  }
}

function describeAccess(port: PortAccessFacts | undefined, groupName: (gid: number) => string): string {
  if (!port) return '';
  if (!port.file) return `cannot be looked at (${port.error ?? 'error'})`;
  const mode = `0${(port.file.mode & 0o777).toString(8).padStart(3, '0')}`;
  const real = port.realPath && port.realPath !== port.path ? `${port.realPath}, ` : '';
  return `${real}mode ${mode}, owner uid ${port.file.uid}, group ${groupName(port.file.gid)}`;
}
