import type { TemplateDetailView } from '../../../../shared/view-models.js';

/**
 * The batch set-up form's checks, as the operator types. Main checks everything again
 * (src/shared/ipc-contract.ts, src/main/core/batch/batch-parameters.ts) and its message wins; these
 * only say early and in place what main would refuse.
 */

export const maxLabelLength = 120;
export const maxBays = 32;
export const maxTargetCount = 1_000_000;
/** AWS's limit on one template parameter value. */
export const maxParameterLength = 4096;

export type TemplateParameter = TemplateDetailView['parameters'][number];

export interface BatchFormValues {
  templateName: string;
  label: string;
  /** As typed; an empty value leaves the template's default in force. */
  parameters: Record<string, string>;
  bays: string;
  targetCount: string;
}

export interface BatchStartRequest {
  label: string;
  templateName: string;
  parameters: Record<string, string>;
  targetCount: number | null;
  bays: number;
}

/** A field's problem in plain words, keyed by field: label, bays, targetCount, template, param:<name>. */
export type BatchFormErrors = Record<string, string>;

const controlCharacter = /\p{Cc}/u;

export function labelProblem(label: string): string | null {
  if (label.trim() === '') return 'Give the batch a label, e.g. the work order number.';
  if (label.length > maxLabelLength) {
    return `The label is ${label.length} characters; at most ${maxLabelLength}.`;
  }
  if (controlCharacter.test(label)) return 'The label cannot contain control characters (tabs, line breaks).';
  return null;
}

/** A whole number in a range; `what` names it in the message. */
function wholeNumberProblem(text: string, what: string, min: number, max: number): string | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `${what} is a whole number from ${min} to ${max}.`;
  const value = Number(trimmed);
  if (value < min || value > max) return `${what} is a whole number from ${min} to ${max}.`;
  return null;
}

export function baysProblem(text: string): string | null {
  return wholeNumberProblem(text, 'Bays', 1, maxBays);
}

/** Empty means no target. */
export function targetProblem(text: string): string | null {
  if (text.trim() === '') return null;
  return wholeNumberProblem(text, 'The target count', 1, maxTargetCount);
}

/** The parameter's type as the template declares it, reduced to what the form can check. */
export function parameterKind(type: string): 'string' | 'number' | 'list' {
  const normalised = type.trim().toLowerCase();
  if (normalised === 'number') return 'number';
  if (normalised.startsWith('list') || normalised === 'commadelimitedlist') return 'list';
  return 'string';
}

export function parameterRequired(parameter: TemplateParameter): boolean {
  return parameter.default === null;
}

export function parameterProblem(parameter: TemplateParameter, value: string): string | null {
  if (value.trim() === '') {
    return parameterRequired(parameter)
      ? `${parameter.name} is required: the template has no default for it.`
      : null;
  }
  if (value.length > maxParameterLength) {
    return `${parameter.name} is ${value.length} characters; AWS allows at most ${maxParameterLength}.`;
  }
  if (controlCharacter.test(value)) return `${parameter.name} cannot contain control characters.`;
  const kind = parameterKind(parameter.type);
  if (kind === 'number' && !Number.isFinite(Number(value.trim()))) {
    return `${parameter.name} is a number (the template declares it as ${parameter.type}).`;
  }
  if (kind === 'list' && value.split(',').some((item) => item.trim() === '')) {
    return `${parameter.name} is a list: values separated by commas, none empty.`;
  }
  return null;
}

/** Every problem of the form at once; the template is the described one for the chosen name. */
export function batchFormErrors(
  values: BatchFormValues,
  template: TemplateDetailView | null,
): BatchFormErrors {
  const errors: BatchFormErrors = {};
  if (values.templateName === '') errors['template'] = 'Choose the provisioning template for this batch.';
  else if (template && !template.enabled) {
    errors['template'] = `Template ${template.name} is disabled; ask your AWS admin to enable it.`;
  }
  const label = labelProblem(values.label);
  if (label) errors['label'] = label;
  const bays = baysProblem(values.bays);
  if (bays) errors['bays'] = bays;
  const target = targetProblem(values.targetCount);
  if (target) errors['targetCount'] = target;
  for (const parameter of template?.parameters ?? []) {
    const problem = parameterProblem(parameter, values.parameters[parameter.name] ?? '');
    if (problem) errors[`param:${parameter.name}`] = problem;
  }
  return errors;
}

/**
 * What batch.start gets: trimmed label and numbers, and only the parameters the operator filled
 * (an empty one is left out so the template's own default applies).
 */
export function batchStartRequest(values: BatchFormValues, template: TemplateDetailView): BatchStartRequest {
  const parameters: Record<string, string> = {};
  for (const parameter of template.parameters) {
    const value = values.parameters[parameter.name] ?? '';
    if (value.trim() !== '') parameters[parameter.name] = value.trim();
  }
  const target = values.targetCount.trim();
  return {
    label: values.label.trim(),
    templateName: values.templateName,
    parameters,
    targetCount: target === '' ? null : Number(target),
    bays: Number(values.bays.trim()),
  };
}

/**
 * The part of the last label worth typing again: everything before its trailing number
 * ("WO-1234" → "WO-", "Line 2 box 17" → "Line 2 box "); a label without one is not repeated.
 */
export function labelPrefix(lastLabel: string): string {
  const match = /^(.*?)\d+$/u.exec(lastLabel.trim());
  const prefix = match?.[1] ?? '';
  return labelProblem(prefix || 'x') === null ? prefix : '';
}
