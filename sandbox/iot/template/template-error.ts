/**
 * Why a provisioning template could not be used. `InvalidTemplate` is a defect of the template itself
 * (found when it is created or evaluated); `InvalidParameters` depends on what the device sent (an
 * unresolvable `Ref`, an out-of-range `Fn::Select`), which is how AWS reports it on RegisterThing.
 */
export type TemplateErrorCode = 'InvalidTemplate' | 'InvalidParameters';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function invalidTemplate(message: string): TemplateError {
  return new TemplateError('InvalidTemplate', message);
}

export function invalidParameters(message: string): TemplateError {
  return new TemplateError('InvalidParameters', message);
}
