import { describe, expect, it } from 'vitest';
import { sandboxTemplate } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { parseTemplateParameters } from '../../../src/main/core/aws/template-parameters.js';
import {
  deviceParameters,
  operatorParameters,
  stationFilledParameters,
  validateBatchParameters,
  type DeclaredParameter,
} from '../../../src/main/core/batch/batch-parameters.js';
import { StationError } from '../../../src/main/core/station-error.js';

const seededTemplateBody = sandboxTemplate('eu-west-1', '123456789012').templateBody;

const TEMPLATE = 'FactoryTemplate';

/** A template with operator parameters, station-filled ones and an AWS pseudo parameter. */
const declared: DeclaredParameter[] = [
  { name: 'SerialNumber', type: 'String', default: null },
  { name: 'Site', type: 'String', default: null },
  { name: 'Customer', type: 'String', default: 'internal' },
  { name: 'BatchId', type: 'String', default: 'unassigned' },
  { name: 'StationId', type: 'String', default: null },
  { name: 'AWS::IoT::Certificate::Id', type: 'String', default: null },
];

const filled = {
  SerialNumber: 'SN-000123',
  Model: 'Sensor-A',
  BatchId: 'batch-7',
  StationId: 'station-2',
  Operator: 'alice',
};

/** The StationError a call throws (fails the test when it throws nothing or something else). */
function refusal(call: () => unknown): StationError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(StationError);
    return error as StationError;
  }
  throw new Error('expected a StationError, nothing was thrown');
}

describe('validateBatchParameters', () => {
  it('returns the given operator parameters, as a copy', () => {
    const given = { Site: 'Lyon', Customer: 'ACME' };
    const result = validateBatchParameters(TEMPLATE, declared, given);
    expect(result).toEqual({ Site: 'Lyon', Customer: 'ACME' });
    expect(result).not.toBe(given);
  });

  it('lets a parameter with a Default be left out', () => {
    expect(validateBatchParameters(TEMPLATE, declared, { Site: 'Lyon' })).toEqual({ Site: 'Lyon' });
  });

  it('refuses an undeclared name, naming the template, the name and the parameters it does have', () => {
    const error = refusal(() => validateBatchParameters(TEMPLATE, declared, { Site: 'Lyon', Sight: 'x' }));
    expect(error.message).toBe(
      'Template FactoryTemplate has no parameter "Sight". Its parameters are: Site, Customer.',
    );
  });

  it('says "none" when the template has no parameter an operator fills', () => {
    const error = refusal(() =>
      validateBatchParameters(TEMPLATE, [{ name: 'SerialNumber', type: 'String', default: null }], {
        Site: 'x',
      }),
    );
    expect(error.message).toMatch(/Its parameters are: none\.$/);
  });

  it('refuses a station-filled parameter even when the template declares it', () => {
    for (const name of ['SerialNumber', 'BatchId', 'StationId'] as const) {
      const error = refusal(() => validateBatchParameters(TEMPLATE, declared, { Site: 'Lyon', [name]: 'x' }));
      expect(error.message).toBe(`The station fills "${name}" for every device; leave it out of the batch.`);
    }
  });

  it('refuses an AWS pseudo parameter even when the declarations list it', () => {
    const error = refusal(() =>
      validateBatchParameters(TEMPLATE, declared, {
        Site: 'Lyon',
        'AWS::IoT::Certificate::Id': 'f'.repeat(64),
      }),
    );
    expect(error.message).toContain('"AWS::IoT::Certificate::Id"');
    expect(error.message).toMatch(/leave it out of the batch/);
  });

  it('needs every operator parameter that has no Default, and names it', () => {
    const error = refusal(() => validateBatchParameters(TEMPLATE, declared, { Customer: 'ACME' }));
    expect(error.message).toBe('Template FactoryTemplate needs a value for "Site" (it has no default).');
  });

  it('does not ask the operator for station-filled or AWS parameters without a Default', () => {
    // SerialNumber, StationId and AWS::IoT::Certificate::Id have no Default; none is the operator's.
    expect(() => validateBatchParameters(TEMPLATE, declared, { Site: 'Lyon' })).not.toThrow();
  });

  it('allows values up to 4096 characters and refuses longer ones with their length', () => {
    expect(validateBatchParameters(TEMPLATE, declared, { Site: 'x'.repeat(4096) }).Site).toHaveLength(4096);
    const error = refusal(() => validateBatchParameters(TEMPLATE, declared, { Site: 'x'.repeat(4097) }));
    expect(error.message).toBe('Parameter "Site" is 4097 characters; AWS allows at most 4096.');
  });

  it('refuses control characters and accepts printable text in any script', () => {
    for (const value of ['Lyon\n', 'a\tb', 'nul\0', 'del\x7f', '\x1b[31m', 'next\u0085line']) {
      const error = refusal(() => validateBatchParameters(TEMPLATE, declared, { Site: value }));
      expect(error.message).toBe('Parameter "Site" contains control characters; use printable text only.');
      // The refused value itself is not echoed back.
      expect(error.message).not.toContain(value);
    }
    expect(validateBatchParameters(TEMPLATE, declared, { Site: 'Zürich – 東京 #3' })).toEqual({
      Site: 'Zürich – 東京 #3',
    });
  });

  it('refuses a __proto__ key from parsed JSON instead of touching the prototype', () => {
    const given = JSON.parse('{"Site":"Lyon","__proto__":"polluted"}') as Record<string, string>;
    const error = refusal(() => validateBatchParameters(TEMPLATE, declared, given));
    expect(error.message).toContain('no parameter "__proto__"');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('accepts an empty batch for the seeded sandbox template (the station fills all it declares)', () => {
    const seeded = parseTemplateParameters('Seeded', seededTemplateBody);
    expect(operatorParameters(seeded)).toEqual([]);
    expect(validateBatchParameters('Seeded', seeded, {})).toEqual({});
  });
});

describe('operatorParameters', () => {
  it('lists the declared names an operator fills, in declaration order', () => {
    expect(operatorParameters(declared)).toEqual(['Site', 'Customer']);
    expect(operatorParameters([])).toEqual([]);
  });

  it('leaves out every station-filled name and every AWS:: name', () => {
    const all = [
      ...stationFilledParameters.map((name) => ({ name, type: 'String', default: null })),
      { name: 'AWS::IoT::Certificate::Id', type: 'String', default: null },
      { name: 'Region', type: 'String', default: null },
    ];
    expect(operatorParameters(all)).toEqual(['Region']);
  });
});

describe('deviceParameters', () => {
  it('adds the station-filled values the template declares to the batch parameters', () => {
    const batch = { Site: 'Lyon' };
    const result = deviceParameters(declared, batch, filled);
    expect(result).toEqual({
      Site: 'Lyon',
      SerialNumber: 'SN-000123',
      BatchId: 'batch-7',
      StationId: 'station-2',
    });
    // Model and Operator are not declared: AWS refuses parameters a template does not declare.
    expect(result).not.toHaveProperty('Model');
    expect(result).not.toHaveProperty('Operator');
    expect(result).not.toHaveProperty('AWS::IoT::Certificate::Id');
    expect(batch).toEqual({ Site: 'Lyon' });
  });

  it('fills all five for the seeded sandbox template, so the Thing records batch, station and operator', () => {
    const seeded = parseTemplateParameters('Seeded', seededTemplateBody);
    expect(deviceParameters(seeded, {}, filled)).toEqual(filled);
  });

  it('leaves a parameter with a Default that the batch did not set to AWS', () => {
    expect(deviceParameters(declared, { Site: 'Lyon' }, filled)).not.toHaveProperty('Customer');
  });
});

describe('secret-looking parameter names', () => {
  it.each(['WifiPassword', 'api_token', 'ClientSecret', 'privateKey'])(
    'refuses %s: batch parameters are written to the audit record',
    (name) => {
      const template: DeclaredParameter[] = [{ name, type: 'String', default: null }];
      expect(() => validateBatchParameters(TEMPLATE, template, { [name]: 'x' })).toThrow(
        /looks like a secret/,
      );
    },
  );
});
