import { describe, expect, it } from 'vitest';
import { PROFILE_FIELD_NAMES } from '../../../src/main/core/profiles/entered-fields-profile.js';
import { profileFromFields } from '../../../src/main/core/profiles/amplify-outputs-profile.js';
import { profileFromProfileSource } from '../../../src/main/core/profiles/profile-source.js';
import {
  emptyProfileFieldValues,
  fieldNamedIn,
  missingRequiredField,
  profileFieldKeys,
  profileFieldSpecs,
  profileFieldsRecord,
  withFieldLabels,
  type ProfileFieldValues,
} from '../../../src/renderer/src/screens/profile/profile-fields.js';

function filled(): ProfileFieldValues {
  return {
    ...emptyProfileFieldValues(),
    userPoolId: 'eu-west-1_AbCdEf123',
    userPoolClientId: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
    identityPoolId: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
    templateName: 'TrustedUserProvisioningTemplate',
    dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com',
  };
}

describe('the fields form and main’s profileFromFields', () => {
  it('has exactly the keys main reads, each with one spec', () => {
    expect([...profileFieldKeys].sort()).toEqual([...PROFILE_FIELD_NAMES].sort());
    expect(profileFieldSpecs.map((spec) => spec.key).sort()).toEqual([...PROFILE_FIELD_NAMES].sort());
  });

  it('marks as required exactly the fields main refuses to do without', () => {
    for (const spec of profileFieldSpecs) {
      const values = { ...filled(), [spec.key]: '' };
      const result = profileFromFields(profileFieldsRecord(values));
      const refusedAsMissing = !result.ok && result.problem === `${spec.key}: required`;
      expect(refusedAsMissing, spec.key).toBe(spec.required);
    }
  });

  it('turns a filled form into a record main accepts, blank fields left out', () => {
    const values = { ...filled(), name: 'Bench 4', region: ' ', installersGroup: 'fitters' };
    const record = profileFieldsRecord(values);
    expect(Object.keys(record).sort()).toEqual(
      [
        'dataEndpoint',
        'identityPoolId',
        'installersGroup',
        'name',
        'templateName',
        'userPoolClientId',
        'userPoolId',
      ].sort(),
    );
    const profile = profileFromProfileSource({ kind: 'fields', fields: record });
    expect(profile).toMatchObject({
      name: 'Bench 4',
      region: 'eu-west-1',
      cognito: { installersGroup: 'fitters' },
    });
  });
});

describe('missingRequiredField', () => {
  it('names the first blank required field in form order, in words', () => {
    expect(missingRequiredField(emptyProfileFieldValues())).toEqual({
      key: 'userPoolId',
      message: 'User pool id is required.',
    });
    expect(missingRequiredField({ ...filled(), dataEndpoint: '  ' })).toEqual({
      key: 'dataEndpoint',
      message: 'IoT data endpoint is required.',
    });
    expect(missingRequiredField(filled())).toBeNull();
  });
});

describe('fieldNamedIn', () => {
  it('finds the field in main’s refusal', () => {
    const refusal = (values: ProfileFieldValues) => {
      try {
        profileFromProfileSource({ kind: 'fields', fields: profileFieldsRecord(values) });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(fieldNamedIn(refusal({ ...filled(), userPoolId: 'nonsense' }))).toBe('userPoolId');
    expect(fieldNamedIn(refusal({ ...filled(), refreshTokenValiditySeconds: 'soon' }))).toBe(
      'refreshTokenValiditySeconds',
    );
  });

  it('finds nothing in a message about no field', () => {
    expect(fieldNamedIn('Batch "B1" is open; finish or cancel it before switching profiles.')).toBeNull();
    expect(fieldNamedIn('Note: nothing here')).toBeNull();
  });
});

describe('withFieldLabels', () => {
  it('speaks of the fields by their labels, not their keys', () => {
    expect(
      withFieldLabels('The profile is not usable: userPoolId: userPoolId must look like eu-west-1_AbC123.'),
    ).toBe('The profile is not usable: User pool id: User pool id must look like eu-west-1_AbC123.');
    expect(withFieldLabels('The profile is not usable: name: too long.')).toBe(
      'The profile is not usable: Display name: too long.',
    );
  });

  it('leaves plain words and dotted paths alone', () => {
    const message =
      'Enter the template name for this region, or add custom.provisioningStation.templateName.';
    expect(withFieldLabels(message)).toBe(message);
  });
});
