import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedSandboxProfile, loadProfileView } from '../../../src/main/core/station-profile.js';
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

describe('loadProfileView', () => {
  it('uses the embedded sandbox without a profile file', async () => {
    expect(await loadProfileView(undefined)).toEqual(embeddedSandboxProfile);
  });

  it('summarises a valid profile for the renderer, nothing more', async () => {
    const view = await loadProfileView(profileFile('aws.json', JSON.stringify(awsProfile)));
    expect(view).toEqual({ name: 'Production eu-west-1', kind: 'aws', region: 'eu-west-1' });
  });

  it.each([
    ['a missing file', undefined, 'cannot be read (ENOENT)'],
    ['broken JSON', '{"name": ', 'not valid JSON'],
    ['an unknown key', JSON.stringify({ ...awsProfile, password: 'x' }), 'not usable'],
    ['a pool in another region', JSON.stringify({ ...awsProfile, region: 'us-east-1' }), 'userPoolId'],
  ])('refuses %s with a message saying what to do', async (_name, content, expected) => {
    const path =
      content === undefined ? join(directory, 'missing.json') : profileFile(`${_name}.json`, content);
    const failure = loadProfileView(path);
    await expect(failure).rejects.toBeInstanceOf(StationError);
    await expect(failure).rejects.toThrow(expected);
  });
});
