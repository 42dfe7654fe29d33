import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadImportedProfile,
  loadProfileFile,
  profileSummary,
  profileView,
  saveImportedProfile,
  unconfiguredProfile,
} from '../../../src/main/core/station-profile.js';
import { StationError } from '../../../src/main/core/station-error.js';

const directory = mkdtempSync(join(tmpdir(), 'station-profile-'));
function profileFile(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

const awsProfile = {
  name: 'Production eu-west-1',
  kind: 'aws',
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_AbC123',
    userPoolClientId: 'client123',
    identityPoolId: 'eu-west-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  },
  iot: {
    dataEndpoint: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883',
    templateName: 'TrustedUserProvisioningTemplate',
  },
};

describe('station profiles', () => {
  it('says no profile is configured when there is none', () => {
    expect(profileSummary(undefined)).toEqual(unconfiguredProfile);
    expect(profileView(undefined, 'command-line')).toMatchObject({ configured: false, source: 'none' });
  });

  it('summarises a valid profile for the renderer, nothing more', async () => {
    const profile = await loadProfileFile(profileFile('aws.json', JSON.stringify(awsProfile)));
    expect(profileSummary(profile)).toEqual({
      name: 'Production eu-west-1',
      kind: 'aws',
      region: 'eu-west-1',
    });
    expect(profileView(profile, 'imported')).toEqual({
      configured: true,
      name: 'Production eu-west-1',
      kind: 'aws',
      region: 'eu-west-1',
      templateName: 'TrustedUserProvisioningTemplate',
      userPoolId: 'eu-west-1_AbC123',
      dataEndpoint: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883',
      source: 'imported',
      sandboxAvailable: false,
    });
    expect(profileView(profile, 'embedded', true)).toMatchObject({
      source: 'embedded',
      sandboxAvailable: true,
    });
  });

  it('remembers an imported profile and ignores a damaged one with a log line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imported-profile-'));
    const logs: string[] = [];
    expect(await loadImportedProfile(dir, (line) => logs.push(line))).toBeUndefined();
    const profile = await loadProfileFile(profileFile('aws2.json', JSON.stringify(awsProfile)));
    await saveImportedProfile(dir, profile);
    expect(await loadImportedProfile(dir, (line) => logs.push(line))).toEqual(profile);
    writeFileSync(join(dir, 'profile.json'), '{"name":');
    expect(await loadImportedProfile(dir, (line) => logs.push(line))).toBeUndefined();
    expect(logs.join('\n')).toContain('not valid JSON');
  });

  it.each([
    ['a missing file', undefined, 'cannot be read (ENOENT)'],
    ['broken JSON', '{"name": ', 'not valid JSON'],
    ['an unknown key', JSON.stringify({ ...awsProfile, password: 'x' }), 'not usable'],
    ['a pool in another region', JSON.stringify({ ...awsProfile, region: 'us-east-1' }), 'userPoolId'],
  ])('refuses %s with a message saying what to do', async (_name, content, expected) => {
    const path =
      content === undefined ? join(directory, 'missing.json') : profileFile(`${_name}.json`, content);
    const failure = loadProfileFile(path);
    await expect(failure).rejects.toBeInstanceOf(StationError);
    await expect(failure).rejects.toThrow(expected);
  });
});
