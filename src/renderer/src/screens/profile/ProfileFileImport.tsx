import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { ProfileSwitchError } from './ProfileSwitchError.js';
import {
  profileSourceFromFile,
  readPickedProfileFile,
  type BesideAmplifyOutputsFields,
  type ProfileFileReading,
} from './profile-file-reading.js';
import type { ProfileSwitch } from './use-profile-switch.js';

type PickedFile = { fileName: string; reading: ProfileFileReading };

/**
 * Import a file: amplify_outputs.json (what Amplify Gen 2 writes) or a station profile. The file
 * is read here and its text sent to main, which validates it. amplify_outputs.json may lack the
 * IoT side; the fields beside it fill that in.
 */
export function ProfileFileImport({ profileSwitch }: { profileSwitch: ProfileSwitch }) {
  const [picked, setPicked] = useState<PickedFile | null>(null);
  const [beside, setBeside] = useState<BesideAmplifyOutputsFields>({
    templateName: '',
    dataEndpoint: '',
    name: '',
  });
  const error = profileSwitch.error?.way === 'file' ? profileSwitch.error.message : null;
  /** Counts picks: a slow read of an earlier file never replaces the newest one, nor lands after unmount. */
  const pickCount = useRef(0);
  useEffect(() => {
    const picks = pickCount;
    return () => {
      picks.current += 1;
    };
  }, []);

  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const pick = ++pickCount.current;
    const file = event.target.files?.[0];
    // The file before it is not offered any more while this one is read.
    setPicked(null);
    if (!file) return;
    const reading = await readPickedProfileFile(file);
    if (pick === pickCount.current) setPicked({ fileName: file.name, reading });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!picked || picked.reading.kind === 'unreadable') return;
    void profileSwitch.use(profileSourceFromFile(picked.reading, beside), 'file');
  };

  const reading = picked?.reading;
  const readable = reading && reading.kind !== 'unreadable' ? reading : null;
  const field = (key: keyof BesideAmplifyOutputsFields) => ({
    value: beside[key],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setBeside({ ...beside, [key]: event.target.value }),
  });

  return (
    <section className="profile-way" aria-labelledby="profile-file-heading" data-testid="profile-file">
      <h3 id="profile-file-heading">Import a file</h3>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <label htmlFor="profile-file-input">amplify_outputs.json or a station profile (.json)</label>
        <input
          id="profile-file-input"
          type="file"
          accept=".json,application/json"
          onChange={(event) => void onPick(event)}
          aria-describedby="profile-file-hint"
          data-testid="profile-file-input"
        />
        <p id="profile-file-hint" className="field-hint">
          amplify_outputs.json is what <span className="mono">npx ampx sandbox</span> or an Amplify deployment
          writes. The file stays on this computer.
        </p>
        {reading?.kind === 'unreadable' && (
          <p className="profile-error" role="alert" data-testid="profile-file-problem">
            <span aria-hidden="true">✖</span> {reading.problem}
          </p>
        )}
        {reading?.kind === 'profile-json' && (
          <p data-testid="profile-file-kind">
            <span aria-hidden="true">✔</span> Read a station profile
            {reading.name ? <> named “{reading.name}”</> : null}.
          </p>
        )}
        {reading?.kind === 'amplify-outputs' && (
          <fieldset className="profile-beside" data-testid="profile-file-kind">
            <legend>amplify_outputs.json{reading.region ? ` (${reading.region})` : ''}: the IoT side</legend>
            <BesideField
              id="profile-beside-template"
              label="Provisioning template name"
              fromFile={reading.templateName}
              maxLength={36}
              {...field('templateName')}
            />
            <BesideField
              id="profile-beside-endpoint"
              label="IoT data endpoint"
              fromFile={reading.dataEndpoint}
              maxLength={300}
              placeholder="e.g. abc123example-ats.iot.eu-west-1.amazonaws.com"
              {...field('dataEndpoint')}
            />
            <BesideField
              id="profile-beside-name"
              label="Display name"
              fromFile={reading.name}
              optional
              maxLength={120}
              {...field('name')}
            />
          </fieldset>
        )}
        <ProfileSwitchError id="profile-file-error" message={error} />
        {readable && (
          <div className="button-row">
            <button type="submit" disabled={profileSwitch.busy !== null} data-testid="profile-file-use">
              {profileSwitch.busy === 'file' ? 'Switching…' : 'Use this file'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

function BesideField({
  id,
  label,
  fromFile,
  optional = false,
  value,
  onChange,
  maxLength,
  placeholder,
}: {
  id: string;
  label: string;
  fromFile: string | null;
  optional?: boolean;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  maxLength: number;
  placeholder?: string;
}) {
  const hint = fromFile
    ? `The file says “${fromFile}”; type here only to use another.`
    : optional
      ? 'Optional.'
      : 'Not in the file: required.';
  return (
    <div className="stack tight">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={onChange}
        maxLength={maxLength}
        placeholder={fromFile ? `from the file: ${fromFile}` : placeholder}
        spellCheck={false}
        aria-describedby={`${id}-hint`}
      />
      <span id={`${id}-hint`} className="field-hint">
        {hint}
      </span>
    </div>
  );
}
