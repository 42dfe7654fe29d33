import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, sandboxCli as cli, startedOutput } from './sandbox-cli-process.js';

/** The hook's rules on the command line: `--serial-pattern`, `--deny-serial`, and the Lambda's variables. */

const scratch = mkdtempSync(join(tmpdir(), 'sandbox-cli-hook-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts the CLI, returns what it printed up to "Press Ctrl+C", and stops it. */
async function startedSummary(args: string[], environment: Record<string, string>): Promise<string> {
  const child = cli(['start', '--port-base', '0', '--quiet', ...args], environment);
  const result = finished(child);
  const printed = await startedOutput(child);
  child.kill('SIGTERM');
  const { code, output } = await result;
  expect(code, output).toBe(0);
  return printed;
}

const hookLine = (printed: string) =>
  printed.split('\n').find((line) => line.includes('pre-provisioning hook'));

describe('sandbox-cli start, pre-provisioning hook rules', () => {
  it('takes the Lambda’s variables, and a flag wins over its variable', async () => {
    const printed = await startedSummary(
      ['--data-dir', join(scratch, 'data'), '--serial-pattern', 'SN-[0-9]+'],
      { SERIAL_NUMBER_PATTERN: 'ENV-.*', DENIED_SERIAL_NUMBERS: 'SN-1 SN-2' },
    );
    expect(hookLine(printed)).toMatch(
      /pre-provisioning hook arn:aws:lambda:eu-west-1:123456789012:function:StationPreProvisioningHook: serial numbers must match SN-\[0-9\]\+; denied SN-1,SN-2$/,
    );

    const flagsOnly = await startedSummary(
      ['--data-dir', join(scratch, 'data'), '--deny-serial', 'SN-7,SN-8', '--deny-serial', 'SN-9'],
      { DENIED_SERIAL_NUMBERS: 'SN-1' },
    );
    expect(hookLine(flagsOnly)).toMatch(/: denied SN-7,SN-8,SN-9$/);
  });

  it('allows every serial number without rules, and refuses a pattern that is no regular expression', async () => {
    expect(hookLine(await startedSummary(['--data-dir', join(scratch, 'plain')], {}))).toMatch(
      /: every serial number allowed$/,
    );
    const bad = await finished(
      cli(['start', '--data-dir', join(scratch, 'bad'), '--serial-pattern', '(('], {}),
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('is not a regular expression');
  });
});
