import type { TemplateDetailView } from '../../../../shared/view-models.js';
import { parameterKind, parameterRequired } from './batch-form.js';
import { enterMovesToNextField } from './form-navigation.js';

/** Where each station-filled value comes from, for the read-only list under the parameters. */
const stationSources: Record<string, string> = {
  SerialNumber: 'the serial number the device announces',
  Model: 'the model the device announces',
  BatchId: 'this batch’s id',
  StationId: 'this station’s id',
  Operator: 'your username',
};

export function parameterFieldId(index: number): string {
  return `batch-param-${index}`;
}

export interface TemplateParameterFieldsProps {
  template: TemplateDetailView;
  values: Record<string, string>;
  /** The problem shown for a parameter (already filtered to the ones the operator touched). */
  errorOf: (name: string) => string | undefined;
  onChange: (name: string, value: string) => void;
  onBlur: (name: string) => void;
}

/** The template's declared parameters as inputs, and the ones the station fills, as information. */
export function TemplateParameterFields(props: TemplateParameterFieldsProps) {
  const { template } = props;
  return (
    <>
      {template.parameters.length > 0 ? (
        <fieldset className="parameter-fields" data-testid="template-parameters">
          <legend>Template parameters</legend>
          {template.parameters.map((parameter, index) => {
            const id = parameterFieldId(index);
            const error = props.errorOf(parameter.name);
            const required = parameterRequired(parameter);
            const kind = parameterKind(parameter.type);
            return (
              <div className="form-field" key={parameter.name}>
                <label htmlFor={id}>
                  <span className="mono">{parameter.name}</span>
                  {required ? <span className="required-mark"> (required)</span> : null}
                </label>
                <input
                  id={id}
                  name={parameter.name}
                  data-testid="template-parameter"
                  data-parameter={parameter.name}
                  value={props.values[parameter.name] ?? ''}
                  placeholder={parameter.default ?? ''}
                  inputMode={kind === 'number' ? 'decimal' : undefined}
                  spellCheck={false}
                  autoComplete="off"
                  aria-required={required}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
                  onChange={(event) => props.onChange(parameter.name, event.target.value)}
                  onBlur={() => props.onBlur(parameter.name)}
                  onKeyDown={enterMovesToNextField}
                />
                <span className="field-hint" id={`${id}-hint`}>
                  {parameter.type}
                  {kind === 'list' ? ', values separated by commas' : ''}
                  {parameter.default !== null
                    ? ` · leave empty for the template’s default “${parameter.default}”`
                    : ' · the template has no default'}
                </span>
                {error ? (
                  <span className="field-error" id={`${id}-error`}>
                    {error}
                  </span>
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ) : (
        <p className="muted" data-testid="no-template-parameters">
          This template declares no parameters for the batch.
        </p>
      )}
      {template.stationFilled.length > 0 ? (
        <div className="station-filled" data-testid="station-filled-parameters">
          <h3 id="station-filled-heading">Filled by the station per device</h3>
          <ul aria-labelledby="station-filled-heading">
            {template.stationFilled.map((name) => (
              <li key={name}>
                <span className="mono">{name}</span>
                <span className="muted"> — {stationSources[name] ?? 'filled by the station per device'}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
