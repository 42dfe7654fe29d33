import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBenchHealth } from '../../../src/main/core/health/bench-health.js';
import { udevRuleInstallCommand } from '../../../src/main/core/health/udev-rule.js';
import type { BenchCheckView } from '../../../src/shared/view-models.js';

/**
 * The serial-permission hint through runBenchHealth, which looks for the deb's udev rule on disk: a
 * real file stands in for an adapter no group may open (mode 0600, judged for nobody), and the rule
 * path points at a file that is there (a deb install) or is not (AppImage, npm start).
 */

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'udev-rule-hint-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function permission(udevRulesPath: string): Promise<BenchCheckView> {
  const adapter = join(dir, 'ttyUSB9');
  writeFileSync(adapter, '');
  chmodSync(adapter, 0o600);
  const view = await runBenchHealth({
    platform: 'linux',
    portPaths: [adapter],
    profile: undefined,
    profileSource: 'none',
    secretStorage: null,
    now: Date.now,
    identity: { uid: 65534, gid: 65534, groups: [] },
    groupFile: join(dir, 'group'),
    udevRulesPath,
  });
  const check = view.checks.find((entry) => entry.id === 'serial-permission');
  if (!check) throw new Error('no serial-permission check');
  return check;
}

describe.runIf(process.platform === 'linux')('the udev rule in the serial-permission hint', () => {
  it('names the deb’s rule where it is installed and only reloads udev', async () => {
    const rule = join(dir, '99-provisioning-station.rules');
    writeFileSync(rule, 'SUBSYSTEM=="tty"\n');
    const check = await permission(rule);
    expect(check.status).toBe('problem');
    expect(check.fix).toContain(`though the station's udev rule is installed (${rule})`);
    expect(check.command).toMatch(/^sudo udevadm control --reload && /);
  });

  it('installs the rule into /etc where the deb has not, without naming a file that is not there', async () => {
    const missing = join(dir, 'not-installed.rules');
    const check = await permission(missing);
    expect(check.status).toBe('problem');
    expect(check.fix).not.toContain(missing);
    expect(check.command).toBe(`${udevRuleInstallCommand()} && sudo usermod -aG dialout "$USER"`);
  });
});
