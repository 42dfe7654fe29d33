import { describe, expect, it } from 'vitest';
import {
  type BatchFormValues,
  baysProblem,
  batchFormErrors,
  batchStartRequest,
  labelPrefix,
  labelProblem,
  parameterKind,
  parameterProblem,
  targetProblem,
} from '../../../src/renderer/src/screens/batch/batch-form.js';
import type { TemplateDetailView } from '../../../src/shared/view-models.js';

const template: TemplateDetailView = {
  name: 'FactoryTemplate',
  enabled: true,
  description: null,
  parameters: [
    { name: 'Site', type: 'String', default: null },
    { name: 'Customer', type: 'String', default: 'internal' },
    { name: 'Rack', type: 'Number', default: '1' },
    { name: 'Tags', type: 'CommaDelimitedList', default: 'a,b' },
  ],
  stationFilled: ['SerialNumber', 'BatchId'],
};

const values = (patch: Partial<BatchFormValues> = {}): BatchFormValues => ({
  templateName: 'FactoryTemplate',
  label: 'WO-1234',
  parameters: { Site: 'Berlin' },
  bays: '1',
  targetCount: '',
  ...patch,
});

describe('batch label', () => {
  it('is required, at most 120 characters, without control characters', () => {
    expect(labelProblem('WO-1234')).toBeNull();
    expect(labelProblem('')).toMatch(/label/i);
    expect(labelProblem('   ')).toMatch(/label/i);
    expect(labelProblem('x'.repeat(120))).toBeNull();
    expect(labelProblem('x'.repeat(121))).toMatch(/121 characters; at most 120/);
    expect(labelProblem('WO\t1')).toMatch(/control characters/);
    expect(labelProblem('WO\u00071')).toMatch(/control characters/);
    expect(labelProblem('Auftrag Ä-12 ✓')).toBeNull();
  });

  it('remembers the prefix before a trailing number', () => {
    expect(labelPrefix('WO-1234')).toBe('WO-');
    expect(labelPrefix('Line 2 box 17')).toBe('Line 2 box ');
    expect(labelPrefix('Pilot run')).toBe('');
    expect(labelPrefix('1234')).toBe('');
    expect(labelPrefix('')).toBe('');
  });
});

describe('bays and target count', () => {
  it('accepts 1 to 32 whole bays', () => {
    expect(baysProblem('1')).toBeNull();
    expect(baysProblem('32')).toBeNull();
    for (const bad of ['0', '33', '', '1.5', '-1', 'two']) expect(baysProblem(bad)).toMatch(/1 to 32/);
  });

  it('takes an empty target as none, else a whole number from 1', () => {
    expect(targetProblem('')).toBeNull();
    expect(targetProblem('50')).toBeNull();
    expect(targetProblem('0')).toMatch(/target count/i);
    expect(targetProblem('2.5')).toMatch(/whole number/);
    expect(targetProblem('1000001')).toMatch(/1000000/);
  });
});

describe('template parameters', () => {
  const [site, customer, rack, tags] = template.parameters as [
    TemplateDetailView['parameters'][number],
    TemplateDetailView['parameters'][number],
    TemplateDetailView['parameters'][number],
    TemplateDetailView['parameters'][number],
  ];

  it('requires a parameter without a default, and lets an empty one with a default use it', () => {
    expect(parameterProblem(site, '')).toMatch(/Site is required/);
    expect(parameterProblem(site, 'Berlin')).toBeNull();
    expect(parameterProblem(customer, '')).toBeNull();
  });

  it('checks numbers and lists by their declared type', () => {
    expect(parameterKind('Number')).toBe('number');
    expect(parameterKind('String')).toBe('string');
    expect(parameterKind('CommaDelimitedList')).toBe('list');
    expect(parameterKind('List<String>')).toBe('list');
    expect(parameterProblem(rack, '12')).toBeNull();
    expect(parameterProblem(rack, '-3.5')).toBeNull();
    expect(parameterProblem(rack, 'twelve')).toMatch(/number/);
    expect(parameterProblem(tags, 'x,y')).toBeNull();
    expect(parameterProblem(tags, 'x,,y')).toMatch(/list/);
  });

  it('refuses control characters and values over 4096 characters', () => {
    expect(parameterProblem(site, 'a\nb')).toMatch(/control characters/);
    expect(parameterProblem(site, 'x'.repeat(4097))).toMatch(/4097 characters/);
  });
});

describe('the whole form', () => {
  it('has no problem when filled in, and names every field that has one', () => {
    expect(batchFormErrors(values(), template)).toEqual({});
    const errors = batchFormErrors(
      values({ label: '', bays: '40', targetCount: 'x', parameters: { Rack: 'abc' } }),
      template,
    );
    expect(Object.keys(errors).sort()).toEqual(['bays', 'label', 'param:Rack', 'param:Site', 'targetCount']);
  });

  it('asks for a template, and refuses a disabled one', () => {
    expect(batchFormErrors(values({ templateName: '' }), null)['template']).toMatch(/Choose/);
    expect(batchFormErrors(values(), { ...template, enabled: false })['template']).toMatch(/disabled/);
  });

  it('builds the start request: trimmed, numbers as numbers, empty parameters left to their default', () => {
    const request = batchStartRequest(
      values({
        label: '  WO-1234  ',
        bays: ' 4 ',
        targetCount: '50',
        parameters: { Site: ' Berlin ', Customer: '', Unknown: 'x' },
      }),
      template,
    );
    expect(request).toEqual({
      label: 'WO-1234',
      templateName: 'FactoryTemplate',
      parameters: { Site: 'Berlin' },
      targetCount: 50,
      bays: 4,
    });
    expect(batchStartRequest(values(), template).targetCount).toBeNull();
  });
});
