import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../sandbox/iot/template/template-error.js';
import { evaluateTemplate } from '../../../sandbox/iot/template/template-evaluator.js';
import {
  parseProvisioningTemplate,
  validateProvisioningTemplate,
} from '../../../sandbox/iot/template/provisioning-template.js';

const certificateId = 'a'.repeat(64);

const referenceTemplate = {
  Parameters: {
    SerialNumber: { Type: 'String' },
    Model: { Type: 'String', Default: 'm1' },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Mappings: { Sites: { m1: { region: 'north', topics: ['a', 'b'] }, m2: { region: 'south' } } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { 'Fn::Join': ['', ['dev_', { Ref: 'SerialNumber' }]] },
        AttributePayload: { serial: { Ref: 'SerialNumber' }, model: { Ref: 'Model' } },
        ThingGroups: ['bench'],
      },
      OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'Active' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'DevicePolicy' } },
  },
  DeviceConfiguration: {
    FallbackUrl: 'https://example.com',
    Site: { 'Fn::FindInMap': ['Sites', { Ref: 'Model' }, 'region'] },
    Greeting: { 'Fn::Sub': 'hello ${SerialNumber} ${!Literal}' },
  },
};

function evaluate(template: unknown, parameters: Record<string, string>) {
  return evaluateTemplate(parseProvisioningTemplate(template), { parameters, certificateId });
}

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

function withResources(resources: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Parameters: { P: { Type: 'String' }, 'AWS::IoT::Certificate::Id': { Type: 'String' } },
    Resources: resources,
    ...extra,
  };
}

function thingNamed(name: unknown) {
  return withResources({ thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: name } } });
}

describe('evaluateTemplate', () => {
  it('evaluates the reference template: thing, certificate, policy, device configuration', () => {
    const result = evaluate(referenceTemplate, { SerialNumber: '42' });
    expect(result.thing).toEqual({
      logicalId: 'thing',
      thingName: 'dev_42',
      attributes: { serial: '42', model: 'm1' },
      thingGroups: ['bench'],
      overrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
    });
    expect(result.certificate).toEqual({
      logicalId: 'certificate',
      certificateId,
      status: 'ACTIVE',
      overrideSettings: {},
    });
    expect(result.policies).toEqual([{ logicalId: 'policy', policyName: 'DevicePolicy' }]);
    expect(result.deviceConfiguration).toEqual({
      FallbackUrl: 'https://example.com',
      Site: 'north',
      Greeting: 'hello 42 ${Literal}',
    });
  });

  it('lets a supplied parameter win over its Default', () => {
    expect(evaluate(referenceTemplate, { SerialNumber: '1', Model: 'm2' }).thing?.attributes).toEqual({
      serial: '1',
      model: 'm2',
    });
  });

  it('answers InvalidParameters for a parameter without value or Default', () => {
    const error = failure(() => evaluate(referenceTemplate, {}));
    expect(error.code).toBe('InvalidParameters');
    expect(error.message).toBe('Cannot resolve reference value: SerialNumber');
  });

  it('never resolves AWS::Region (the observed AWS message)', () => {
    const template = {
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'AWS::Region' } } } },
    };
    // CreateProvisioningTemplate's validator refuses it; a stored one fails at RegisterThing as in AWS.
    const validation = validateProvisioningTemplate(template);
    expect(validation.valid ? [] : validation.errors).toEqual([
      'Resource thing.Properties.ThingName (Ref): AWS::Region cannot be resolved in provisioning templates.',
    ]);
    const error = failure(() => evaluate(template, {}));
    expect([error.code, error.message]).toEqual([
      'InvalidParameters',
      'Cannot resolve reference value: AWS::Region',
    ]);
  });

  it('parseProvisioningTemplate still refuses structural problems that validation reports', () => {
    expect(() => parseProvisioningTemplate(thingNamed({ 'Fn::If': ['a', 'b', 'c'] }))).toThrow(
      /Fn::If is not supported/,
    );
  });

  it('supplies AWS::IoT::Certificate::Id even when the device sends another value', () => {
    const result = evaluate(referenceTemplate, {
      SerialNumber: '1',
      'AWS::IoT::Certificate::Id': 'b'.repeat(64),
    });
    expect(result.certificate?.certificateId).toBe(certificateId);
  });

  it('Fn::Select picks by index, refuses out of range and non-integers', () => {
    const select = (index: unknown) =>
      evaluate(thingNamed({ 'Fn::Select': [index, { 'Fn::Split': ['-', { Ref: 'P' }] }] }), {
        P: 'aa-bb-cc',
      });
    expect(select(1).thing?.thingName).toBe('bb');
    expect(select('2').thing?.thingName).toBe('cc');
    const error = failure(() => select(3));
    expect(error.code).toBe('InvalidParameters');
    expect(error.message).toMatch(/index 3 is out of range for a list of 3/);
    expect(validateProvisioningTemplate(thingNamed({ 'Fn::Select': [-1, ['a']] })).valid).toBe(false);
  });

  it('Fn::Select with an index from a parameter that is not a number is a parameter error', () => {
    const template = thingNamed({ 'Fn::Select': [{ Ref: 'P' }, ['a', 'b']] });
    expect(failure(() => evaluate(template, { P: 'x' })).code).toBe('InvalidParameters');
    expect(evaluate(template, { P: '0' }).thing?.thingName).toBe('a');
  });

  it('Fn::Sub map form resolves local variables first, then parameters', () => {
    const template = thingNamed({
      'Fn::Sub': ['${Prefix}_${P}', { Prefix: { 'Fn::Join': ['', ['x', 'y']] } }],
    });
    expect(evaluate(template, { P: '7' }).thing?.thingName).toBe('xy_7');
  });

  it('Fn::FindInMap with a missing key is a parameter error', () => {
    const error = failure(() => evaluate(referenceTemplate, { SerialNumber: '1', Model: 'zz' }));
    expect(error.code).toBe('InvalidParameters');
    expect(error.message).toMatch(/Fn::FindInMap found no value for \["Sites", "zz", "region"\]/);
  });

  it('Fn::FindInMap can return a list for Fn::Join', () => {
    const template = {
      ...thingNamed({ 'Fn::Join': ['_', { 'Fn::FindInMap': ['M', 'k', 'list'] }] }),
      Mappings: { M: { k: { list: ['a', 'b'] } } },
    };
    expect(evaluate(template, {}).thing?.thingName).toBe('a_b');
  });

  it('refuses a thing name AWS would refuse', () => {
    const error = failure(() => evaluate(thingNamed({ Ref: 'P' }), { P: 'has space' }));
    expect(error.code).toBe('InvalidParameters');
    expect(error.message).toMatch(/thing name "has space" is invalid/);
  });

  it('certificate Status is case-insensitive and defaults to ACTIVE', () => {
    const cert = (properties: Record<string, unknown>) =>
      evaluate(withResources({ c: { Type: 'AWS::IoT::Certificate', Properties: properties } }), {})
        .certificate;
    expect(cert({ CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'inactive' })?.status).toBe(
      'INACTIVE',
    );
    expect(cert({ CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } })?.status).toBe('ACTIVE');
  });

  it('policy documents may be objects or escaped strings', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
    };
    const asObject = evaluate(
      withResources({ p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: document } } }),
      {},
    );
    const asString = evaluate(
      withResources({
        p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: JSON.stringify(document) } },
      }),
      {},
    );
    expect(asObject.policies).toEqual([{ logicalId: 'p', policyDocument: document }]);
    expect(asString.policies).toEqual(asObject.policies);
  });

  it('a template without a Thing yields no thing (the device then gets no thingName)', () => {
    const result = evaluate(
      withResources({
        c: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
        },
      }),
      {},
    );
    expect(result.thing).toBeUndefined();
  });
});

describe('validateProvisioningTemplate', () => {
  const errorsOf = (template: unknown) => {
    const result = validateProvisioningTemplate(template);
    return result.valid ? [] : result.errors;
  };

  it('accepts the reference template, as text and parsed', () => {
    expect(errorsOf(referenceTemplate)).toEqual([]);
    expect(errorsOf(JSON.stringify(referenceTemplate))).toEqual([]);
  });

  it('refuses undocumented functions with the list of supported ones', () => {
    for (const fn of ['Fn::If', 'Fn::GetAtt', 'Fn::Base64', 'Fn::Equals']) {
      const errors = errorsOf(thingNamed({ [fn]: ['a', 'b'] }));
      expect(errors.join(' ')).toContain(`${fn} is not supported in provisioning templates`);
    }
  });

  it('refuses AWS::Region and undeclared references, in Ref and in Fn::Sub', () => {
    expect(errorsOf(thingNamed({ Ref: 'AWS::Region' })).join(' ')).toContain(
      'AWS::Region cannot be resolved',
    );
    expect(errorsOf(thingNamed({ 'Fn::Sub': 'x-${AWS::Region}' })).join(' ')).toContain('AWS::Region');
    expect(errorsOf(thingNamed({ Ref: 'Nope' })).join(' ')).toContain('"Nope", which is not declared');
    expect(errorsOf(thingNamed({ 'Fn::Sub': ['${Local}-${P}', { Local: 'x' }] }))).toEqual([]);
  });

  it('checks arity of each function', () => {
    expect(errorsOf(thingNamed({ 'Fn::Join': ['-'] })).join(' ')).toContain(
      'Fn::Join takes a list of 2 arguments',
    );
    expect(errorsOf(thingNamed({ 'Fn::FindInMap': ['M', 'a'] })).join(' ')).toContain('takes a list of 3');
    expect(errorsOf(thingNamed({ 'Fn::Split': ['', 'a'] })).join(' ')).toContain('non-empty string');
    expect(errorsOf(thingNamed({ 'Fn::FindInMap': ['Missing', 'a', 'b'] })).join(' ')).toContain(
      'not in Mappings',
    );
  });

  it('refuses unknown sections, resource types, properties and override settings', () => {
    expect(errorsOf({ ...referenceTemplate, Outputs: {} }).join(' ')).toContain(
      'Unknown top-level section "Outputs"',
    );
    expect(errorsOf(withResources({ r: { Type: 'AWS::S3::Bucket', Properties: {} } })).join(' ')).toContain(
      'AWS::S3::Bucket',
    );
    expect(
      errorsOf(
        withResources({
          c: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: 'x', CertificatePem: 'y' } },
        }),
      ).join(' '),
    ).toContain('accept only CertificateId');
    expect(
      errorsOf(
        withResources({
          t: {
            Type: 'AWS::IoT::Thing',
            Properties: { ThingName: 'a' },
            OverrideSettings: { ThingTypeName: 'MERGE' },
          },
        }),
      ).join(' '),
    ).toContain('OverrideSettings.ThingTypeName must be one of DO_NOTHING, REPLACE, FAIL');
    expect(
      errorsOf(
        withResources({
          p: {
            Type: 'AWS::IoT::Policy',
            Properties: { PolicyName: 'a' },
            OverrideSettings: { X: 'REPLACE' },
          },
        }),
      ).join(' '),
    ).toContain('this resource type has none');
  });

  it('policy needs exactly one of PolicyName and PolicyDocument', () => {
    expect(errorsOf(withResources({ p: { Type: 'AWS::IoT::Policy', Properties: {} } })).join(' ')).toContain(
      'exactly one',
    );
    expect(
      errorsOf(
        withResources({
          p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'a', PolicyDocument: {} } },
        }),
      ).join(' '),
    ).toContain('exactly one');
  });

  it('Mappings hold only strings and lists of strings', () => {
    const errors = errorsOf({ ...referenceTemplate, Mappings: { M: { a: { b: { Ref: 'SerialNumber' } } } } });
    expect(errors.join(' ')).toContain('no parameters or functions in Mappings');
  });

  it('refuses parameters that are not String, bad JSON, oversized bodies, duplicate things', () => {
    expect(errorsOf({ Parameters: { N: { Type: 'Number' } }, Resources: {} }).join(' ')).toContain(
      '"Type": "String"',
    );
    expect(errorsOf('{not json').join(' ')).toContain('not valid JSON');
    expect(
      errorsOf(`{"Resources":{},"DeviceConfiguration":{"a":"${'x'.repeat(10300)}"}}`).join(' '),
    ).toContain('10240');
    const thing = { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'a' } };
    expect(errorsOf(withResources({ a: thing, b: thing })).join(' ')).toContain(
      'at most one AWS::IoT::Thing',
    );
  });

  it('collects every problem at once', () => {
    const errors = errorsOf({ Foo: 1, Resources: { r: { Type: 'X' } }, Parameters: { A: { Type: 'List' } } });
    expect(errors.length).toBe(3);
  });

  it('parseProvisioningTemplate throws InvalidTemplate listing the problems', () => {
    const error = failure(() => parseProvisioningTemplate({ Resources: { r: { Type: 'X' } } }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain('Resource r has Type "X"');
  });
});
