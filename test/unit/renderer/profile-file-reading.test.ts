import { describe, expect, it } from 'vitest';
import { profileFromProfileSource } from '../../../src/main/core/profiles/profile-source.js';
import {
  fileNotReadProblem,
  looksLikeAmplifyOutputs,
  MAX_AMPLIFY_OUTPUTS_CHARS,
  profileSourceFromFile,
  readPickedProfileFile,
  readProfileFile,
} from '../../../src/renderer/src/screens/profile/profile-file-reading.js';

const amplifyOutputs = {
  version: '1.4',
  auth: {
    aws_region: 'eu-west-1',
    user_pool_id: 'eu-west-1_AbCdEf123',
    user_pool_client_id: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
    identity_pool_id: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
  },
};

const stationProfile = {
  name: 'Production eu-west-1',
  kind: 'aws',
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_AbCdEf123',
    userPoolClientId: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
    identityPoolId: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
  },
  iot: { dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com:8883', templateName: 'Tpl' },
};

const noBeside = { templateName: '', dataEndpoint: '', name: '' };

describe('looksLikeAmplifyOutputs', () => {
  it('is true for auth or version at the top, false when station profile keys are there', () => {
    expect(looksLikeAmplifyOutputs({ auth: {} })).toBe(true);
    expect(looksLikeAmplifyOutputs({ version: '1.4' })).toBe(true);
    expect(looksLikeAmplifyOutputs({ version: '1', cognito: {} })).toBe(false);
    expect(looksLikeAmplifyOutputs(stationProfile)).toBe(false);
    expect(looksLikeAmplifyOutputs({})).toBe(false);
  });
});

describe('readProfileFile', () => {
  it('reads amplify_outputs.json with what its custom section says about the IoT side', () => {
    const withCustom = {
      ...amplifyOutputs,
      custom: {
        provisioningStation: { templateName: ' Tpl ', iotDataEndpoint: 'x-ats.iot.eu-west-1.amazonaws.com' },
      },
    };
    const text = JSON.stringify(withCustom);
    expect(readProfileFile('amplify_outputs.json', text)).toEqual({
      kind: 'amplify-outputs',
      json: text,
      region: 'eu-west-1',
      templateName: 'Tpl',
      dataEndpoint: 'x-ats.iot.eu-west-1.amazonaws.com',
      name: null,
    });
    expect(readProfileFile('a.json', JSON.stringify(amplifyOutputs))).toMatchObject({
      kind: 'amplify-outputs',
      templateName: null,
      dataEndpoint: null,
    });
  });

  it('reads anything else that is a JSON object as a station profile, for main to judge', () => {
    const text = JSON.stringify(stationProfile);
    expect(readProfileFile('station-profile.json', text)).toEqual({
      kind: 'profile-json',
      json: text,
      name: 'Production eu-west-1',
    });
    expect(readProfileFile('odd.json', '{"foo":1}')).toEqual({
      kind: 'profile-json',
      json: '{"foo":1}',
      name: null,
    });
  });

  it('says in words when the file is not JSON, not an object, or far too large', () => {
    expect(readProfileFile('notes.txt', 'hello')).toEqual({
      kind: 'unreadable',
      problem: expect.stringContaining('notes.txt is not a JSON file'),
    });
    expect(readProfileFile('list.json', '[1,2]')).toMatchObject({ kind: 'unreadable' });
    const padded = JSON.stringify({ ...stationProfile, padding: 'x'.repeat(130 * 1024) });
    expect(readProfileFile('big.json', padded)).toEqual({
      kind: 'unreadable',
      problem: expect.stringContaining('larger than 128 KiB'),
    });
  });
});

describe('readPickedProfileFile', () => {
  const picked = (name: string, text: () => Promise<string>, size = 100) => {
    let reads = 0;
    return {
      file: {
        name,
        size,
        text: () => {
          reads += 1;
          return text();
        },
      },
      reads: () => reads,
    };
  };

  it('reads the picked file and tells what kind of profile it is', async () => {
    const { file } = picked('amplify_outputs.json', () => Promise.resolve(JSON.stringify(amplifyOutputs)));
    expect(await readPickedProfileFile(file)).toMatchObject({ kind: 'amplify-outputs', region: 'eu-west-1' });
  });

  it('says "That file could not be read" when the file system refuses it, rather than throwing', async () => {
    const { file } = picked('gone.json', () => Promise.reject(new DOMException('gone', 'NotFoundError')));
    const reading = await readPickedProfileFile(file);
    expect(reading).toEqual({ kind: 'unreadable', problem: fileNotReadProblem });
    expect(fileNotReadProblem).toMatch(/^That file could not be read\./);
  });

  it('does not read a file far too large to be a profile', async () => {
    const { file, reads } = picked(
      'huge.json',
      () => Promise.resolve('{}'),
      4 * MAX_AMPLIFY_OUTPUTS_CHARS + 1,
    );
    expect(await readPickedProfileFile(file)).toEqual({
      kind: 'unreadable',
      problem: 'huge.json is too large to be a profile. Pick another file.',
    });
    expect(reads()).toBe(0);
  });
});

describe('profileSourceFromFile', () => {
  it('sends a station profile as profile-json, which main turns into that profile', () => {
    const reading = readProfileFile('p.json', JSON.stringify(stationProfile));
    if (reading.kind === 'unreadable') throw new Error(reading.problem);
    const source = profileSourceFromFile(reading, noBeside);
    expect(source).toEqual({ kind: 'profile-json', json: JSON.stringify(stationProfile) });
    expect(profileFromProfileSource(source).name).toBe('Production eu-west-1');
  });

  it('sends amplify_outputs.json with only the filled fields beside it, trimmed, and main accepts it', () => {
    const reading = readProfileFile('amplify_outputs.json', JSON.stringify(amplifyOutputs));
    if (reading.kind === 'unreadable') throw new Error(reading.problem);
    const source = profileSourceFromFile(reading, {
      templateName: ' TrustedUserProvisioningTemplate ',
      dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com',
      name: '  ',
    });
    expect(source).toEqual({
      kind: 'amplify-outputs',
      json: JSON.stringify(amplifyOutputs),
      templateName: 'TrustedUserProvisioningTemplate',
      dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com',
    });
    const profile = profileFromProfileSource(source);
    expect(profile.iot).toMatchObject({
      templateName: 'TrustedUserProvisioningTemplate',
      dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com:8883',
    });
  });

  it('leaves the missing IoT fields to main, which names them', () => {
    const reading = readProfileFile('amplify_outputs.json', JSON.stringify(amplifyOutputs));
    if (reading.kind === 'unreadable') throw new Error(reading.problem);
    expect(() => profileFromProfileSource(profileSourceFromFile(reading, noBeside))).toThrow(
      /templateName: missing/,
    );
  });
});
