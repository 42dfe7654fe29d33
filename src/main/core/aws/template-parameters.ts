import { StationError } from '../station-error.js';

/** A parameter a provisioning template declares, as a batch form shows and validates it. */
export interface TemplateParameter {
  name: string;
  /** As declared (`String` in every fleet template AWS documents); `String` when omitted. */
  type: string;
  /** The declared Default, or null when the device or batch must supply a value. */
  default: string | null;
}

/** The template's body could not be read; the station cannot know which parameters it needs. */
export class TemplateBodyError extends StationError {
  constructor(
    readonly templateName: string,
    problem: string,
  ) {
    super(
      `The provisioning template ${templateName} cannot be read: ${problem}. ` +
        `Ask your AWS admin to fix the template body of ${templateName}.`,
    );
    this.name = 'TemplateBodyError';
  }
}

/**
 * The `Parameters` a template body declares, in declaration order. `AWS::*` pseudo parameters
 * (AWS::IoT::Certificate::Id, ...) are filled in by the service, so they are left out.
 */
export function parseTemplateParameters(templateName: string, templateBody: string): TemplateParameter[] {
  let body: unknown;
  try {
    body = JSON.parse(templateBody);
  } catch (error) {
    throw new TemplateBodyError(templateName, `its body is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(body)) throw new TemplateBodyError(templateName, 'its body is not a JSON object');
  const declared = body['Parameters'];
  if (declared === undefined) return [];
  if (!isRecord(declared))
    throw new TemplateBodyError(templateName, 'its Parameters section is not an object');
  const parameters: TemplateParameter[] = [];
  for (const [name, declaration] of Object.entries(declared)) {
    if (name.startsWith('AWS::')) continue;
    if (!isRecord(declaration)) {
      throw new TemplateBodyError(templateName, `parameter ${name} is not declared as an object`);
    }
    const type = declaration['Type'];
    const fallback = declaration['Default'];
    if (type !== undefined && typeof type !== 'string') {
      throw new TemplateBodyError(templateName, `parameter ${name} has a Type that is not a string`);
    }
    if (fallback !== undefined && typeof fallback !== 'string' && typeof fallback !== 'number') {
      throw new TemplateBodyError(templateName, `parameter ${name} has a Default that is not a string`);
    }
    parameters.push({
      name,
      type: type ?? 'String',
      default: fallback === undefined ? null : String(fallback),
    });
  }
  return parameters;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
