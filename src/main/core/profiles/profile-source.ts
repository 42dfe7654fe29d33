import type { InvokeArgs } from '../../../shared/ipc-contract.js';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import { StationError } from '../station-error.js';
import { parseProfileText } from '../station-profile.js';
import { profileFromAmplifyOutputs, profileFromFields } from './amplify-outputs-profile.js';

export type ProfileSource = InvokeArgs<'profile.use'>[0];

/**
 * One of the three ways an operator names the AWS side: a station profile file's contents, an
 * Amplify Gen 2 amplify_outputs.json (with the IoT template and endpoint beside it when its
 * `custom` section lacks them), or fields typed in. Every problem names the field.
 */
export function profileFromProfileSource(source: ProfileSource): StationProfile {
  switch (source.kind) {
    case 'profile-json':
      return parseProfileText(source.json);
    case 'amplify-outputs': {
      let document: unknown;
      try {
        document = JSON.parse(source.json);
      } catch {
        throw new StationError(
          'That amplify_outputs.json is not valid JSON. Pick the file Amplify generated.',
        );
      }
      const parsed = profileFromAmplifyOutputs(document, {
        ...(source.templateName ? { templateName: source.templateName } : {}),
        ...(source.dataEndpoint ? { dataEndpoint: source.dataEndpoint } : {}),
        ...(source.name ? { name: source.name } : {}),
      });
      if (!parsed.ok) throw new StationError(`amplify_outputs.json is not usable: ${parsed.problem}.`);
      return parsed.profile;
    }
    case 'sandbox':
      // The station core answers this one itself: only it knows whether it can start a sandbox.
      throw new StationError('This station cannot start an embedded sandbox.');
    case 'fields': {
      const parsed = profileFromFields(source.fields);
      if (!parsed.ok) throw new StationError(`The profile is not usable: ${parsed.problem}.`);
      return parsed.profile;
    }
  }
}
