import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanConfiguredPorts } from '../../../src/main/core/devices/configured-port-resolver.js';
import { SerialDiscovery } from '../../../src/main/core/devices/serial-discovery.js';
import { invokeSchemas } from '../../../src/shared/ipc-contract.js';
import {
  compileNameMatcher,
  portPatternHelp,
  portPatternProblem,
} from '../../../src/shared/serial-port-pattern.js';

describe('portPatternProblem', () => {
  it.each([
    '/dev/ttyUSB0',
    '/dev/ttyUSB*',
    '/dev/tty[AU][CS][MB]?',
    '/dev/serial/by-id/*',
    '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
    '/tmp/station-e2e-ports-x1/tty-*',
    '/home/operator/devices/tty-*',
    '/var/folders/xy/T/station-ports/tty-?',
    'COM3',
    'com12',
    '\\\\.\\COM10',
  ])('accepts %s', (pattern) => {
    expect(portPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['/**', '"**" (every folder below) is not supported'],
    ['/dev/**/tty*', '"**" (every folder below) is not supported'],
    ['/*', 'A wildcard needs a folder named in full'],
    ['/dev/*/tty*', 'only be in the last part'],
    ['/tmp/d?/tty', 'only be in the last part'],
    ['/dev/tty{USB,ACM}*', 'add one pattern for each'],
    ['/dev/../etc/*', 'has an empty, "." or ".." part'],
    ['/dev//tty*', 'has an empty, "." or ".." part'],
    ['/dev/tty[AB', 'unclosed "["'],
    ['ttyUSB0', 'must be absolute'],
    ['C:\\ports\\*', 'must be absolute'],
    ['', 'cannot be empty'],
    [`/dev/${'x'.repeat(600)}`, 'at most 512'],
    ['/dev/tty\u0000', 'control characters'],
  ])('refuses %s, saying why and what to use', (pattern, why) => {
    const problem = portPatternProblem(pattern);
    expect(problem).toContain(why);
    if (pattern.length > 0 && pattern.length <= 512 && !pattern.includes('\u0000'))
      expect(problem).toContain(portPatternHelp);
  });

  it('is what the IPC contract applies to configured ports', () => {
    const result = invokeSchemas['devices.configurePorts'].safeParse([['/dev/ttyUSB*', '/**']]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(
      '"**" (every folder below) is not supported. Use a device path',
    );
    expect(invokeSchemas['devices.configurePorts'].safeParse([['/dev/ttyUSB*', 'COM3']]).success).toBe(true);
  });
});

describe('compileNameMatcher', () => {
  it.each([
    ['tty*', 'ttyUSB0', true],
    ['tty*', 'tty', true],
    ['tty*', 'xtty', false],
    ['tty?', 'ttyS', true],
    ['tty?', 'ttyS0', false],
    ['tty[AU]*', 'ttyUSB0', true],
    ['tty[AU]*', 'ttyS0', false],
    ['tty[!U]*', 'ttyS0', true],
    ['tty[^U]*', 'ttyUSB0', false],
    ['tty[0-3]', 'tty2', true],
    ['tty[0-3]', 'tty7', false],
    ['*-port0', 'usb-FTDI-if00-port0', true],
    ['*', '.hidden', false],
    ['.*', '.hidden', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
  ])('%s against %s is %s', (segment, name, expected) => {
    expect(compileNameMatcher(segment)(name)).toBe(expected);
  });

  it('cannot be made slow by its pattern', () => {
    const matches = compileNameMatcher(`${'*a'.repeat(30)}b`);
    const started = performance.now();
    for (let i = 0; i < 100; i++) matches('a'.repeat(255));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('scanning configured ports is bounded', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'station-port-scan-'));
    mkdirSync(join(directory, 'many'));
    for (let i = 0; i < 600; i++) writeFileSync(join(directory, 'many', `file-${i}`), '');
    mkdirSync(join(directory, 'ports'));
    // Character devices behind links, as pseudo-terminal and by-id links are.
    for (let i = 0; i < 12; i++)
      symlinkSync('/dev/null', join(directory, 'ports', `tty-${String(i).padStart(2, '0')}`));
    writeFileSync(join(directory, 'ports', 'tty-not-a-port'), '');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('lists the character devices a glob matches in its one folder', async () => {
    const scan = await scanConfiguredPorts([join(directory, 'ports', 'tty-0*')]);
    expect(scan.ports.map((port) => port.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => join(directory, 'ports', `tty-0${i}`)),
    );
    expect(scan.warnings).toEqual([]);
  });

  it('refuses /** and the other walks without reading anything', async () => {
    const started = performance.now();
    const scan = await scanConfiguredPorts(['/**', '/*', '/dev/*/x*']);
    expect(performance.now() - started).toBeLessThan(100);
    expect(scan.ports).toEqual([]);
    expect(scan.warnings).toHaveLength(3);
    expect(scan.warnings[0]).toBe(
      `devices: ignoring the port pattern "/**": "**" (every folder below) is not supported. ${portPatternHelp}`,
    );
  });

  it('stops reading a huge folder at the entry bound', async () => {
    const scan = await scanConfiguredPorts([join(directory, 'many', '*')], {
      limits: { entriesPerPattern: 100 },
    });
    expect(scan.warnings).toEqual([
      `devices: the port pattern "${join(directory, 'many', '*')}" matched a folder of more than 100 entries; narrow it.`,
    ]);
  });

  it('stops at the match bound, per pattern and in total', async () => {
    const pattern = join(directory, 'ports', 'tty-*');
    const perPattern = await scanConfiguredPorts([pattern], { limits: { matchesPerPattern: 5 } });
    expect(perPattern.ports).toHaveLength(5);
    expect(perPattern.warnings[0]).toContain('matched more than 5 ports');
    const total = await scanConfiguredPorts([pattern, join(directory, 'ports', 'tty-1*')], {
      limits: { totalPorts: 3 },
    });
    expect(total.ports).toHaveLength(3);
    expect(total.warnings.join('\n')).toContain('configured ports stop at 3');
  });

  it('stops when the scan runs out of time', async () => {
    let clock = 0;
    const now = () => (clock += 100);
    const scan = await scanConfiguredPorts([join(directory, 'ports', 'tty-*'), '/dev/null'], {
      now,
      limits: { scanMs: 500 },
    });
    expect(scan.ports.length).toBeLessThan(12);
    expect(scan.warnings[0]).toMatch(/took over 500 ms/);
  });

  it('keeps discovery responsive with bad patterns, reporting each once', async () => {
    const log: string[] = [];
    const discovery = new SerialDiscovery({
      listSystemPorts: async () => [],
      fixedPatterns: ['/**', join(directory, 'many', '*')],
      configuredPatterns: [join(directory, 'ports', 'tty-0[0-2]')],
      useUsbHotplug: false,
      pollIntervalMs: 60_000,
      scanLimits: { entriesPerPattern: 100 },
      log: (line) => log.push(line),
    });
    const started = performance.now();
    await discovery.start();
    await discovery.rescan();
    await discovery.rescan();
    discovery.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(discovery.snapshot().devices.map((device) => device.path)).toEqual(
      ['00', '01', '02'].map((n) => join(directory, 'ports', `tty-${n}`)),
    );
    expect(log.filter((line) => line.includes('"/**"'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('more than 100 entries'))).toHaveLength(1);
  });
});
