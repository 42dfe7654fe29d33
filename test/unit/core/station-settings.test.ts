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
