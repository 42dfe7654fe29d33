import { useState, type FormEvent } from 'react';
import { ProfileSwitchError } from './ProfileSwitchError.js';
import {
  emptyProfileFieldValues,
  fieldNamedIn,
  missingRequiredField,
  profileFieldSpecs,
  profileFieldsRecord,
  withFieldLabels,
  type ProfileFieldKey,
  type ProfileFieldSpec,
  type ProfileFieldValues,
} from './profile-fields.js';
import type { ProfileSwitch } from './use-profile-switch.js';

const inputId = (key: ProfileFieldKey) => `profile-field-${key}`;

/** Enter the AWS side by hand: the ids of the Cognito pools and the IoT template and endpoint. */
export function ProfileFieldsForm({ profileSwitch }: { profileSwitch: ProfileSwitch }) {
  const [values, setValues] = useState<ProfileFieldValues>(emptyProfileFieldValues);
  const [missing, setMissing] = useState<ReturnType<typeof missingRequiredField>>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const mainError = profileSwitch.error?.way === 'fields' ? profileSwitch.error.message : null;
  const message = missing?.message ?? (mainError ? withFieldLabels(mainError) : null);
  const pointedAt = missing?.key ?? (mainError ? fieldNamedIn(mainError) : null);

  const focusField = (key: ProfileFieldKey) => {
    if (profileFieldSpecs.find((spec) => spec.key === key)?.advanced) setAdvancedOpen(true);
    // After the details element opened (same task would be too early for a closed one).
    requestAnimationFrame(() => document.getElementById(inputId(key))?.focus());
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = missingRequiredField(values);
    setMissing(found);
    if (found) {
      focusField(found.key);
      return;
    }
    const result = await profileSwitch.use({ kind: 'fields', fields: profileFieldsRecord(values) }, 'fields');
    // Main names the field it refused ("userPoolId: must look like …"): the cursor goes there.
    const named = result && !result.ok ? fieldNamedIn(result.error.message) : null;
    if (named) focusField(named);
  };

  const renderField = (spec: ProfileFieldSpec) => (
    <ProfileField
      key={spec.key}
      spec={spec}
      value={values[spec.key]}
      error={pointedAt === spec.key ? message : null}
      onChange={(value) => setValues((current) => ({ ...current, [spec.key]: value }))}
    />
  );

  return (
    <section className="profile-way" aria-labelledby="profile-fields-heading" data-testid="profile-fields">
      <h3 id="profile-fields-heading">Enter the settings</h3>
      <p className="field-hint">From the AWS console, or from whoever set up the account.</p>
      <form className="profile-fields-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        {profileFieldSpecs.filter((spec) => !spec.advanced).map(renderField)}
        <details
          className="profile-advanced"
          open={advancedOpen}
          onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
        >
          <summary>Advanced (leave blank for the AWS defaults)</summary>
          <div className="profile-advanced-fields">
            {profileFieldSpecs.filter((spec) => spec.advanced).map(renderField)}
          </div>
        </details>
        {/* A message about one field is shown under it; any other here. */}
        <ProfileSwitchError id="profile-fields-error" message={pointedAt ? null : message} />
        <div className="button-row">
          <button type="submit" disabled={profileSwitch.busy !== null} data-testid="profile-fields-use">
            {profileSwitch.busy === 'fields' ? 'Switching…' : 'Use these settings'}
          </button>
        </div>
      </form>
    </section>
  );
}

function ProfileField({
  spec,
  value,
  error,
  onChange,
}: {
  spec: ProfileFieldSpec;
  value: string;
  error: string | null;
  onChange: (value: string) => void;
}) {
  const id = inputId(spec.key);
  const invalid = error !== null;
  const describedBy = invalid ? `${id}-error ${id}-hint` : `${id}-hint`;
  const common = {
    id,
    value,
    spellCheck: false,
    'aria-invalid': invalid || undefined,
    'aria-required': spec.required || undefined,
    'aria-describedby': describedBy,
    'data-testid': id,
  };
  return (
    <div className="stack tight">
      <label htmlFor={id}>
        {spec.label}
        {spec.required ? <span className="required-mark"> (required)</span> : null}
      </label>
      {spec.multiline ? (
        <textarea {...common} rows={5} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          placeholder={spec.placeholder}
          autoCapitalize="none"
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {error !== null && <ProfileSwitchError id={`${id}-error`} message={error} />}
      <span id={`${id}-hint`} className="field-hint">
        {spec.hint}
      </span>
    </div>
  );
}
