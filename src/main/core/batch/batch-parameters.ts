import { StationError } from '../station-error.js';

/** A template parameter as DescribeProvisioningTemplate's body declares it. */
export interface DeclaredParameter {
  name: string;
  type: string;
  default: string | null;
}

/**
 * Parameters the station fills for every device, when the template declares them: the serial
 * number and model from the device's HELLO, and which batch, station and operator made it — so the
 * registry itself records them on the Thing.
 */
export const stationFilledParameters = ['SerialNumber', 'Model', 'BatchId', 'StationId', 'Operator'] as const;
export type StationFilledParameter = (typeof stationFilledParameters)[number];

const MAX_VALUE = 4096;

/**
 * Checks the operator's batch parameters against the template's declarations: only declared,
 * non-pseudo, non-station-filled names; every declared parameter without a Default given; values
 * printable and within AWS's limit. Throws a StationError naming the parameter.
 */
export function validateBatchParameters(
  templateName: string,
  declared: readonly DeclaredParameter[],
  given: Record<string, string>,
): Record<string, string> {
  const byName = new Map(declared.map((parameter) => [parameter.name, parameter]));
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!byName.has(name)) {
      throw new StationError(
        `Template ${templateName} has no parameter "${name}". Its parameters are: ${operatorParameters(declared).join(', ') || 'none'}.`,
      );
    }
    if (/pass(word)?|secret|token|private.?key|credential/i.test(name)) {
      throw new StationError(
        `Parameter "${name}" looks like a secret. Batch parameters are written to the audit record, so secrets cannot be passed this way; give devices their secrets another way.`,
      );
    }
    if ((stationFilledParameters as readonly string[]).includes(name)) {
      throw new StationError(`The station fills "${name}" for every device; leave it out of the batch.`);
    }
    if (name.startsWith('AWS::')) {
      throw new StationError(`AWS IoT fills "${name}" itself; leave it out of the batch.`);
    }
    if (value.length > MAX_VALUE) {
      throw new StationError(
        `Parameter "${name}" is ${value.length} characters; AWS allows at most ${MAX_VALUE}.`,
      );
    }
    if (/\p{Cc}/u.test(value)) {
      throw new StationError(`Parameter "${name}" contains control characters; use printable text only.`);
    }
    result[name] = value;
  }
  for (const parameter of declared) {
    if (!operatorParameters(declared).includes(parameter.name)) continue;
    if (parameter.default === null && (result[parameter.name] ?? '').trim() === '') {
      throw new StationError(
        `Template ${templateName} needs a value for "${parameter.name}" (it has no default).`,
      );
    }
  }
  return result;
}

/** The declared parameters an operator fills in (not AWS pseudo parameters, not station-filled). */
export function operatorParameters(declared: readonly DeclaredParameter[]): string[] {
  return declared
    .map((parameter) => parameter.name)
    .filter(
      (name) => !name.startsWith('AWS::') && !(stationFilledParameters as readonly string[]).includes(name),
    );
}

/** The parameters one device's claim carries: the batch's plus the station-filled ones the template declares. */
export function deviceParameters(
  declared: readonly DeclaredParameter[],
  batchParameters: Record<string, string>,
  filled: Record<StationFilledParameter, string>,
): Record<string, string> {
  const names = new Set(declared.map((parameter) => parameter.name));
  const result = { ...batchParameters };
  for (const name of stationFilledParameters) if (names.has(name)) result[name] = filled[name];
  return result;
}
