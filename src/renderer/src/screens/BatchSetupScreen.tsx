import { type FormEvent, useCallback, useRef, useState } from 'react';
import type { TemplateDetailView, TemplateSummaryView } from '../../../shared/view-models.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import { DeviceList } from '../components/DeviceList.js';
import { PortSettings } from '../components/PortSettings.js';
import { useIpcRead } from '../hooks/use-ipc-read.js';
import { useSingleFlight } from '../hooks/use-single-flight.js';
import { useScanHandler } from '../scanner/use-scan-handler.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import {
  type BatchFormValues,
  batchFormErrors,
  batchStartRequest,
  labelPrefix,
  maxBays,
  maxLabelLength,
} from './batch/batch-form.js';
import { enterMovesToNextField } from './batch/form-navigation.js';
import { readSetupPreferences, saveSetupPreferences } from './batch/setup-preferences.js';
import { PhaseIcon } from './batch/PhaseIcon.js';
import { parameterFieldId, TemplateParameterFields } from './batch/TemplateParameterFields.js';
import './batch/batch-setup.css';

/** What describing "no template chosen" answers, without asking main. */
const noTemplate: IpcResult<TemplateDetailView | null> = { ok: true, value: null };

/** The template the form opens with: the last one used here, the profile's, or the only one there is. */
function initialTemplate(
  templates: readonly TemplateSummaryView[],
  remembered: string | null,
  profileTemplate: string | null,
): string {
  const enabled = templates.filter((template) => template.enabled);
  for (const name of [remembered, profileTemplate]) {
    if (name && enabled.some((template) => template.name === name)) return name;
  }
  return enabled.length === 1 ? (enabled[0]?.name ?? '') : '';
}

/** Field ids in the order they appear, for "focus the first field with a problem". */
function fieldIdOf(field: string, template: TemplateDetailView | null): string | null {
  if (field === 'label') return 'batch-label';
  if (field === 'template') return 'batch-template';
  if (field === 'bays') return 'batch-bays';
  if (field === 'targetCount') return 'batch-target';
  const index = template?.parameters.findIndex((parameter) => `param:${parameter.name}` === field) ?? -1;
  return index >= 0 ? parameterFieldId(index) : null;
}

const fieldOrder = (template: TemplateDetailView | null) => [
  'label',
  'template',
  ...(template?.parameters.map((parameter) => `param:${parameter.name}`) ?? []),
  'bays',
  'targetCount',
];

/** Shown while no batch is open: choose a template, fill its parameters, name the batch, start. */
export function BatchSetupScreen() {
  const state = useStationState();
  const store = useStationStore();
  const mayProvision = state.session?.mayProvision === true;
  const [preferences] = useState(readSetupPreferences);

  const templateList = useIpcRead(() => store.api.templates.list(), []);
  // Null while (re)reading: "Reading…" shows instead of the last answer.
  const templates = templateList.loading ? null : templateList.result;
  const [chosenTemplate, setChosenTemplate] = useState<string | null>(null);
  const [label, setLabel] = useState(() => labelPrefix(preferences.lastLabel ?? ''));
  const [bays, setBays] = useState(preferences.bays ?? '1');
  const [targetCount, setTargetCount] = useState('');
  const [parameters, setParameters] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const { busy: starting, run: runStart } = useSingleFlight();
  const startButton = useRef<HTMLButtonElement>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [scanStatus, setScanStatus] = useState('');

  const templateName =
    chosenTemplate ??
    (templates?.ok
      ? initialTemplate(templates.value, preferences.templateName, state.profile?.templateName ?? null)
      : '');

  const description = useIpcRead(
    () => (templateName === '' ? Promise.resolve(noTemplate) : store.api.templates.describe(templateName)),
    [templateName],
  );
  // Undefined while the chosen template is being read (the last answer may be another template's).
  const described =
    templateName === '' || description.loading ? undefined : (description.result ?? undefined);
  const template = described?.ok ? described.value : null;
  const values: BatchFormValues = { templateName, label, parameters, bays, targetCount };
  const errors = batchFormErrors(values, template);
  const shownError = (field: string) => (submitted || touched.has(field) ? errors[field] : undefined);
  const touch = useCallback((field: string) => {
    setTouched((before) => (before.has(field) ? before : new Set([...before, field])));
  }, []);

  // A scan while the focus is outside the fields names the batch (its work-order label, usually).
  const onScan = useCallback(
    (code: string) => {
      setLabel(code);
      touch('label');
      setScanStatus(`Batch label set from the scanner: ${code}`);
    },
    [touch],
  );
  useScanHandler(onScan, mayProvision && !starting);

  const ready = mayProvision && template !== null && Object.keys(errors).length === 0 && !starting;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!mayProvision || starting) return;
    setSubmitted(true);
    const firstProblem =
      fieldOrder(template).find((field) => errors[field]) ?? (errors['template'] ? 'template' : null);
    if (firstProblem || !template) {
      const id = fieldIdOf(firstProblem ?? 'template', template);
      if (id) document.getElementById(id)?.focus();
      return;
    }
    const request = batchStartRequest(values, template);
    await runStart(async () => {
      setStartError(null);
      const result = await store.act(store.api.batch.start(request), store.engineApplied);
      if (result.ok) {
        saveSetupPreferences({
          templateName: request.templateName,
          lastLabel: request.label,
          bays: String(request.bays),
        });
      } else {
        // Shown beside the Start button, where the operator is looking; not twice.
        setStartError(result.error.message);
        store.dismissNotice();
        // The fields were disabled while starting, which took the focus from the one that had it:
        // give it to Start, which the error now describes, instead of leaving it on <body>.
        startButton.current?.focus();
      }
    });
  };

  const enabledCount = templates?.ok ? templates.value.filter((each) => each.enabled).length : 0;
  const portCount = state.devices.devices.length;
  const stationFilledNote =
    template && template.stationFilled.length > 0 ? template.stationFilled.join(', ') : null;

  return (
    <main className="screen batch-setup" aria-labelledby="batch-setup-heading" data-testid="batch-setup">
      <h1 id="batch-setup-heading">Start a batch</h1>

      {!mayProvision ? (
        <section
          className="panel not-allowed"
          aria-labelledby="not-allowed-heading"
          data-testid="may-not-provision"
        >
          <h2 id="not-allowed-heading">
            <PhaseIcon icon="ban" className="inline-icon" /> You cannot start a batch with this account
          </h2>
          <p>
            <strong>{state.session?.username ?? 'This account'}</strong> is signed in, but is not in the
            installers group of the AWS profile <strong>{state.profile?.name ?? 'in use'}</strong>, so the
            station may not ask AWS for provisioning claims with it.
          </p>
          <p>
            Ask an administrator to add {state.session?.username ?? 'the account'} to the installers group,
            then sign out and sign in again.
          </p>
        </section>
      ) : null}

      <form
        className="panel batch-form"
        onSubmit={(event) => void onSubmit(event)}
        noValidate
        aria-labelledby="batch-form-heading"
      >
        <h2 id="batch-form-heading">Batch</h2>
        <fieldset className="form-fields" disabled={!mayProvision || starting}>
          <div className="form-field">
            <label htmlFor="batch-label">Batch label</label>
            <input
              id="batch-label"
              data-testid="batch-label"
              value={label}
              autoComplete="off"
              spellCheck={false}
              aria-required
              aria-invalid={shownError('label') ? true : undefined}
              aria-describedby={`batch-label-hint${shownError('label') ? ' batch-label-error' : ''}`}
              onChange={(event) => {
                setLabel(event.target.value);
                touch('label');
              }}
              onBlur={() => touch('label')}
              onKeyDown={enterMovesToNextField}
            />
            <span className="field-hint" id="batch-label-hint">
              E.g. the work order. Up to {maxLabelLength} characters; a scanned label moves on to the next
              field.
            </span>
            {shownError('label') ? (
              <span className="field-error" id="batch-label-error">
                {shownError('label')}
              </span>
            ) : null}
          </div>

          <div className="form-field">
            <label htmlFor="batch-template">Provisioning template</label>
            {templates === null ? (
              <p className="muted" role="status">
                Reading the templates of this AWS account…
              </p>
            ) : !templates.ok ? (
              <div className="load-error" role="alert" data-testid="templates-error">
                <p>{templates.error.message}</p>
                <button type="button" className="secondary" onClick={templateList.reload}>
                  Try again
                </button>
              </div>
            ) : null}
            <select
              id="batch-template"
              data-testid="batch-template"
              value={templateName}
              hidden={!templates?.ok}
              aria-required
              aria-invalid={shownError('template') ? true : undefined}
              aria-describedby={shownError('template') ? 'batch-template-error' : 'batch-template-hint'}
              onChange={(event) => {
                setChosenTemplate(event.target.value);
                touch('template');
              }}
            >
              <option value="">Choose a template…</option>
              {templates?.ok
                ? templates.value.map((each) => (
                    <option key={each.name} value={each.name} disabled={!each.enabled}>
                      {each.name}
                      {each.enabled ? '' : ' (disabled)'}
                    </option>
                  ))
                : null}
            </select>
            {templates?.ok ? (
              <span className="field-hint" id="batch-template-hint">
                {enabledCount === 0
                  ? 'No template of this account is enabled; ask your AWS admin to enable one.'
                  : (template?.description ??
                    `${enabledCount} enabled template${enabledCount === 1 ? '' : 's'} in this account.`)}
              </span>
            ) : null}
            {shownError('template') ? (
              <span className="field-error" id="batch-template-error">
                {shownError('template')}
              </span>
            ) : null}
          </div>

          {templateName !== '' && described === undefined ? (
            <p className="muted" role="status">
              Reading the parameters of {templateName}…
            </p>
          ) : null}
          {described && !described.ok ? (
            <div className="load-error" role="alert" data-testid="template-error">
              <p className="field-error">{described.error.message}</p>
              <button
                type="button"
                className="secondary"
                data-testid="template-retry"
                onClick={description.reload}
              >
                Try again
              </button>
            </div>
          ) : null}
          {template ? (
            <TemplateParameterFields
              template={template}
              values={parameters}
              errorOf={(name) => shownError(`param:${name}`)}
              onChange={(name, value) => {
                setParameters((before) => ({ ...before, [name]: value }));
                touch(`param:${name}`);
              }}
              onBlur={(name) => touch(`param:${name}`)}
            />
          ) : null}

          <div className="form-row">
            <div className="form-field">
              <label htmlFor="batch-bays">Bays</label>
              <input
                id="batch-bays"
                data-testid="batch-bays"
                type="number"
                min={1}
                max={maxBays}
                step={1}
                inputMode="numeric"
                value={bays}
                aria-invalid={shownError('bays') ? true : undefined}
                aria-describedby={`batch-bays-hint${shownError('bays') ? ' batch-bays-error' : ''}`}
                onChange={(event) => {
                  setBays(event.target.value);
                  touch('bays');
                }}
                onBlur={() => touch('bays')}
              />
              <span className="field-hint" id="batch-bays-hint">
                Devices provisioned at the same time, 1–{maxBays}. 1 = one after another.
              </span>
              {shownError('bays') ? (
                <span className="field-error" id="batch-bays-error">
                  {shownError('bays')}
                </span>
              ) : null}
            </div>
            <div className="form-field">
              <label htmlFor="batch-target">Target count (optional)</label>
              <input
                id="batch-target"
                data-testid="batch-target"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={targetCount}
                aria-invalid={shownError('targetCount') ? true : undefined}
                aria-describedby={`batch-target-hint${shownError('targetCount') ? ' batch-target-error' : ''}`}
                onChange={(event) => {
                  setTargetCount(event.target.value);
                  touch('targetCount');
                }}
                onBlur={() => touch('targetCount')}
              />
              <span className="field-hint" id="batch-target-hint">
                How many devices this batch is for; leave empty for no limit.
              </span>
              {shownError('targetCount') ? (
                <span className="field-error" id="batch-target-error">
                  {shownError('targetCount')}
                </span>
              ) : null}
            </div>
          </div>
        </fieldset>

        <div className="button-row start-row">
          <button
            type="submit"
            className="start-button"
            data-testid="start-batch"
            ref={startButton}
            disabled={!mayProvision}
            aria-disabled={starting}
            aria-describedby={startError ? 'start-hint start-error' : 'start-hint'}
          >
            {starting ? 'Starting…' : 'Start batch'}
          </button>
          <span className="field-hint" id="start-hint">
            {!mayProvision
              ? 'Starting needs an account in the installers group.'
              : ready
                ? `Then plug devices in: each one is provisioned on its own${stationFilledNote ? ` (the station fills ${stationFilledNote})` : ''}.`
                : 'Fill in the fields above to start.'}
          </span>
        </div>
        {startError ? (
          <p className="start-error" id="start-error" role="alert" data-testid="start-error">
            {startError}
          </p>
        ) : null}
      </form>

      <p className="scan-status" role="status" data-testid="scan-status">
        {scanStatus}
      </p>

      <details className="ports-section" data-testid="serial-ports">
        <summary>
          Serial ports — {portCount} {portCount === 1 ? 'port' : 'ports'} seen
        </summary>
        <div className="ports-body">
          <DeviceList list={state.devices} />
          <PortSettings
            patterns={state.devices.configuredPatterns}
            fixedPatterns={state.devices.fixedPatterns}
          />
        </div>
      </details>
    </main>
  );
}
