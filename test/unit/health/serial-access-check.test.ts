import { describe, expect, it } from 'vitest';
import {
  decideReadWrite,
  parseGroupFile,
  serialPermissionCheck,
  type GroupEntry,
  type PortAccessFacts,
  type SerialPermissionFacts,
} from '../../../src/main/core/health/serial-access-check.js';
import {
  localUdevRulesPath,
  packagedUdevRulesPath,
  udevReloadCommand,
  udevRuleInstallCommand,
} from '../../../src/main/core/health/udev-rule.js';

const DIALOUT = 20;
const OPERATOR = 1000;
const charDevice = 0o020000;

const groupFile = `root:x:0:
tty:x:5:
dialout:x:${DIALOUT}:alice
operator:x:${OPERATOR}:
plugdev:x:46:operator,alice
# a comment
broken line
`;
const groups: GroupEntry[] = parseGroupFile(groupFile);

function port(path: string, mode: number, uid: number, gid: number, realPath = path): PortAccessFacts {
  return { path, realPath, file: { mode: charDevice | mode, uid, gid }, error: null };
}

function facts(overrides: Partial<SerialPermissionFacts>): SerialPermissionFacts {
  return {
    platform: 'linux',
    ports: [port('/dev/ttyUSB0', 0o660, 0, DIALOUT)],
    who: { uid: OPERATOR, gid: OPERATOR, groups: [OPERATOR, 46] },
    username: 'operator',
    groups,
    udevRulesPath: packagedUdevRulesPath,
    ...overrides,
  };
}

describe('decideReadWrite (the kernel permission check for a device file)', () => {
  const adapter = { mode: charDevice | 0o660, uid: 0, gid: DIALOUT };

  it('lets root open anything, whatever the mode', () => {
    expect(decideReadWrite({ mode: charDevice, uid: 5, gid: 5 }, { uid: 0, gid: 0, groups: [] })).toEqual({
      readWrite: true,
      as: 'root',
    });
  });

  it('applies the owner bits to the owner, and only those', () => {
    expect(
      decideReadWrite({ ...adapter, uid: OPERATOR, mode: 0o600 }, { uid: OPERATOR, gid: 1, groups: [] }),
    ).toEqual({
      readWrite: true,
      as: 'owner',
    });
    // An owner whose bits deny is not let in by the group bits it would also match.
    expect(
      decideReadWrite(
        { ...adapter, uid: OPERATOR, mode: 0o460 },
        { uid: OPERATOR, gid: DIALOUT, groups: [DIALOUT] },
      ),
    ).toEqual({ readWrite: false, as: 'owner' });
  });

  it('applies the group bits to a member by primary or supplementary group', () => {
    expect(decideReadWrite(adapter, { uid: OPERATOR, gid: DIALOUT, groups: [] })).toEqual({
      readWrite: true,
      as: 'group',
    });
    expect(decideReadWrite(adapter, { uid: OPERATOR, gid: OPERATOR, groups: [46, DIALOUT] })).toEqual({
      readWrite: true,
      as: 'group',
    });
    // Read without write is not enough for a serial link.
    expect(
      decideReadWrite({ ...adapter, mode: 0o640 }, { uid: OPERATOR, gid: OPERATOR, groups: [DIALOUT] }),
    ).toEqual({ readWrite: false, as: 'group' });
  });

  it('applies the others bits to someone outside the dialout group', () => {
    expect(decideReadWrite(adapter, { uid: OPERATOR, gid: OPERATOR, groups: [46] })).toEqual({
      readWrite: false,
      as: 'others',
    });
    expect(
      decideReadWrite({ ...adapter, mode: 0o666 }, { uid: OPERATOR, gid: OPERATOR, groups: [46] }),
    ).toEqual({ readWrite: true, as: 'others' });
  });
});

describe('parseGroupFile', () => {
  it('reads names, ids and members, skipping comments and broken lines', () => {
    expect(groups.map((group) => group.name)).toEqual(['root', 'tty', 'dialout', 'operator', 'plugdev']);
    expect(groups.find((group) => group.name === 'dialout')).toEqual({
      name: 'dialout',
      gid: DIALOUT,
      members: ['alice'],
    });
    expect(groups.find((group) => group.name === 'plugdev')?.members).toEqual(['operator', 'alice']);
  });
});

describe('serialPermissionCheck', () => {
  it('is ok for root, for the owner and for a dialout member, saying how each may open it', () => {
    const asRoot = serialPermissionCheck(facts({ who: { uid: 0, gid: 0, groups: [0] } }));
    expect(asRoot).toMatchObject({ status: 'ok', fix: null, command: null });
    expect(asRoot.summary).toMatch(/\/dev\/ttyUSB0: read\/write as root \(mode 0660, group dialout\)/);

    const owner = serialPermissionCheck(facts({ ports: [port('/dev/ttyACM0', 0o600, OPERATOR, OPERATOR)] }));
    expect(owner.status).toBe('ok');
    expect(owner.summary).toMatch(/as its owner/);

    const member = serialPermissionCheck(facts({ who: { uid: OPERATOR, gid: OPERATOR, groups: [DIALOUT] } }));
    expect(member.status).toBe('ok');
    expect(member.summary).toMatch(/as a member of dialout/);
  });

  it('is a problem outside the dialout group, with the usermod command and nothing more', () => {
    const check = serialPermissionCheck(facts({}));
    expect(check.status).toBe('problem');
    expect(check.summary).toMatch(/\/dev\/ttyUSB0: this user may not open it \(mode 0660, group dialout\)/);
    expect(check.fix).toBe('Add yourself to the dialout group, then log out and in again.');
    expect(check.command).toBe('sudo usermod -aG dialout "$USER"');
  });

  it('says to log out and in again when /etc/group lists the user but this session predates it', () => {
    const check = serialPermissionCheck(facts({ username: 'alice' }));
    expect(check.status).toBe('problem');
    expect(check.fix).toMatch(
      /You are in the dialout group, but this session started before you were added: log out and in again/,
    );
    expect(check.command).toBeNull();
  });

  it('installs the udev rule into /etc where the deb has not (AppImage, npm start) when no group may open the adapter', () => {
    for (const udevRulesInstalled of [false, undefined]) {
      const check = serialPermissionCheck(
        facts({ ports: [port('/dev/ttyUSB1', 0o600, 0, 0)], udevRulesInstalled }),
      );
      expect(check.status).toBe('problem');
      expect(check.fix).toMatch(
        /^No group may open \/dev\/ttyUSB1 \(mode 0600\)\. Install the station's udev rule, which gives common USB serial adapters the dialout group and mode 0660: the command below writes it to \/etc\/udev\/rules\.d\/99-provisioning-station\.rules/,
      );
      expect(check.fix).toMatch(/log out and in again \(the command also adds you to the dialout group\)/);
      // The packaged rule is not there, so nothing names it (nor the app folder, which AppImages lack).
      expect(check.fix).not.toContain(packagedUdevRulesPath);
      expect(check.fix).not.toMatch(/\/opt\/|\/usr\/lib\//);
      expect(check.command).toBe(`${udevRuleInstallCommand()} && sudo usermod -aG dialout "$USER"`);
    }
  });

  it('names the packaged rule where the deb installed it, and says how to add an unknown vendor', () => {
    const check = serialPermissionCheck(
      facts({ ports: [port('/dev/ttyUSB1', 0o600, 0, 0)], udevRulesInstalled: true }),
    );
    expect(check.status).toBe('problem');
    expect(check.fix).toContain(
      `No group may open /dev/ttyUSB1 (mode 0600), though the station's udev rule is installed (${packagedUdevRulesPath}).`,
    );
    expect(check.fix).toContain(
      `add a line for the idVendor that \`udevadm info --attribute-walk --name=/dev/ttyUSB1 | grep idVendor\` shows to ${localUdevRulesPath} (start it as a copy of the installed rule`,
    );
    // Nothing is written over the packaged rule or an admin's override: udev only rereads.
    expect(check.command).toBe(`${udevReloadCommand} && sudo usermod -aG dialout "$USER"`);
  });

  it('leaves usermod out for a member of dialout, and quotes an odd port path in the udevadm hint', () => {
    const member = { uid: OPERATOR, gid: OPERATOR, groups: [OPERATOR, DIALOUT] };
    const check = serialPermissionCheck(
      facts({ who: member, ports: [port('/dev/bench port', 0o600, 0, 0)], udevRulesInstalled: true }),
    );
    expect(check.command).toBe(udevReloadCommand);
    expect(check.fix).not.toMatch(/log out/);
    expect(check.fix).toContain("udevadm info --attribute-walk --name='/dev/bench port' | grep idVendor");
    const notInstalled = serialPermissionCheck(
      facts({ who: member, ports: [port('/dev/ttyUSB1', 0o600, 0, 0)] }),
    );
    expect(notInstalled.command).toBe(udevRuleInstallCommand());
  });

  it('names the owner rule for a pseudo-terminal another user made', () => {
    const check = serialPermissionCheck(
      facts({ ports: [port('/tmp/bench/tty-a', 0o620, 4242, 5, '/dev/pts/7')] }),
    );
    expect(check.status).toBe('problem');
    expect(check.fix).toMatch(/pseudo-terminal, which belongs to the user who made it/);
  });

  it('reports the worst port, and a vanished port as a warning', () => {
    const mixed = serialPermissionCheck(
      facts({
        who: { uid: OPERATOR, gid: OPERATOR, groups: [DIALOUT] },
        ports: [port('/dev/ttyUSB0', 0o660, 0, DIALOUT), port('/dev/ttyUSB1', 0o600, 0, 0)],
      }),
    );
    expect(mixed.status).toBe('problem');
    expect(mixed.summary).toMatch(/ttyUSB0: read\/write.*; \/dev\/ttyUSB1: this user may not open it/);
    const gone = serialPermissionCheck(
      facts({ ports: [{ path: '/dev/ttyUSB3', realPath: null, file: null, error: 'ENOENT' }] }),
    );
    expect(gone).toMatchObject({ status: 'warning' });
    expect(gone.summary).toMatch(/\/dev\/ttyUSB3 could not be checked \(ENOENT\)/);
  });

  it('warns when no port is plugged in or configured, with what to do', () => {
    const check = serialPermissionCheck(facts({ ports: [] }));
    expect(check.status).toBe('warning');
    expect(check.summary).toMatch(/No serial device is plugged in or configured/);
    expect(check.fix).toMatch(/Settings → Serial ports/);
    expect(serialPermissionCheck(facts({ ports: [], platform: 'win32' })).fix).toMatch(/COM3/);
  });

  it('does not fail on Windows (no groups) or macOS (nothing needed)', () => {
    const windows = serialPermissionCheck(
      facts({
        platform: 'win32',
        who: null,
        ports: [{ path: 'COM3', realPath: null, file: null, error: null }],
      }),
    );
    expect(windows).toMatchObject({ status: 'ok', fix: null });
    expect(windows.summary).toMatch(/Windows has no permission groups for serial ports; 1 port found: COM3/);
    const mac = serialPermissionCheck(
      facts({ platform: 'darwin', ports: [port('/dev/cu.usbserial-1', 0o600, 0, 0)] }),
    );
    expect(mac).toMatchObject({ status: 'ok' });
    expect(mac.summary).toMatch(/macOS needs no permission/);
  });
});
