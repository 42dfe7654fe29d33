import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationSettingsStore } from '../../../src/main/core/station-settings.js';

describe('StationSettingsStore', () => {
  it('starts with defaults and round-trips what it saves', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'station-settings-'));
    const store = new StationSettingsStore(directory);
    expect(await store.load()).toEqual({ version: 1, serialPortPatterns: [] });
    await store.save({ version: 1, serialPortPatterns: ['/tmp/devices/*'] });
    expect(await new StationSettingsStore(directory).load()).toEqual({
      version: 1,
      serialPortPatterns: ['/tmp/devices/*'],
    });
  });

  it('reads a version 1 file written before the profile choice existed, and keeps its ports on update', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'station-settings-'));
    const older = { version: 1, serialPortPatterns: ['/dev/serial/by-id/usb-*'] };
    writeFileSync(join(directory, 'settings.json'), `${JSON.stringify(older, null, 2)}\n`);
    const log: string[] = [];
    const store = new StationSettingsStore(directory, (line) => log.push(line));
    const loaded = await store.load();
    expect(loaded).toEqual(older);
    expect(loaded.profileChoice).toBeUndefined();
    expect(log).toEqual([]);

    await store.update({ profileChoice: 'sandbox' });
    expect(await new StationSettingsStore(directory).load()).toEqual({ ...older, profileChoice: 'sandbox' });
    // Saving the ports (devices.configurePorts) keeps the choice, and the other way round.
    await store.update({ serialPortPatterns: ['/tmp/bench/tty-*'] });
    await store.update({ profileChoice: 'imported' });
    expect(JSON.parse(readFileSync(join(directory, 'settings.json'), 'utf8'))).toEqual({
      version: 1,
      serialPortPatterns: ['/tmp/bench/tty-*'],
      profileChoice: 'imported',
    });
  });

  it('drops a profile choice it does not know (a newer station wrote it) and keeps the ports', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'station-settings-'));
    writeFileSync(
      join(directory, 'settings.json'),
      JSON.stringify({ version: 1, serialPortPatterns: ['/tmp/bench/*'], profileChoice: 'production' }),
    );
    const settings = await new StationSettingsStore(directory, () => undefined).load();
    expect(settings).toEqual({ version: 1, serialPortPatterns: ['/tmp/bench/*'] });
    expect(readdirSync(directory).some((name) => name.startsWith('settings.json.damaged-'))).toBe(false);
  });

  it('sets a damaged file aside instead of losing it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'station-settings-'));
    writeFileSync(join(directory, 'settings.json'), '{"version": 1, "serialPortPatterns": [');
    const log: string[] = [];
    const settings = await new StationSettingsStore(directory, (line) => log.push(line)).load();
    expect(settings.serialPortPatterns).toEqual([]);
    const aside = readdirSync(directory).find((name) => name.startsWith('settings.json.damaged-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(directory, aside!), 'utf8')).toContain('serialPortPatterns');
    expect(log.join('\n')).toContain('was not valid');
  });
});
