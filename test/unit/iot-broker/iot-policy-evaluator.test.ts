import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../../sandbox/iam/iam-policy.js';
import { claimCertificatePolicy } from '../../../sandbox/iot/broker/claim-certificate-policy.js';
import {
  evaluatePolicies,
  globMatches,
  substituteVariables,
  type PolicyVariables,
} from '../../../sandbox/iot/broker/iot-policy-evaluator.js';

const prefix = 'arn:aws:iot:eu-west-1:123456789012:';
const thing = { thingName: 'dev-1', thingTypeName: 'sensor', attributes: { site: 'north' } };
const attached: PolicyVariables = { clientId: 'dev-1', thing };
const detached: PolicyVariables = { clientId: 'dev-1' };

function policy(...statements: PolicyDocument['Statement'][]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.flat() };
}

describe('globMatches', () => {
  it('treats * and ? as wildcards and MQTT + and # literally', () => {
    expect(globMatches('topic/a/*', 'topic/a/b/c')).toBe(true);
    expect(globMatches('topic/a/?', 'topic/a/b')).toBe(true);
    expect(globMatches('topic/a/?', 'topic/a/bc')).toBe(false);
    expect(globMatches('topicfilter/a/+', 'topicfilter/a/+')).toBe(true);
    expect(globMatches('topicfilter/a/+', 'topicfilter/a/b')).toBe(false);
    expect(globMatches('topic/a.b', 'topic/aXb')).toBe(false);
  });

  it('matches actions case-insensitively only when asked', () => {
    expect(globMatches('iot:publish', 'iot:Publish', true)).toBe(true);
    expect(globMatches('iot:publish', 'iot:Publish')).toBe(false);
  });
});

describe('substituteVariables', () => {
  it('substitutes thing variables, client id and the literal escapes', () => {
    expect(substituteVariables('t/${iot:Connection.Thing.ThingName}/${iot:ClientId}', attached)).toBe(
      't/dev-1/dev-1',
    );
    expect(substituteVariables('${iot:Connection.Thing.Attributes[site]}', attached)).toBe('north');
    expect(substituteVariables('${iot:Connection.Thing.ThingTypeName}', attached)).toBe('sensor');
    expect(substituteVariables('${iot:Connection.Thing.IsAttached}', detached)).toBe('false');
  });

  it('returns undefined when a variable cannot be resolved', () => {
    expect(substituteVariables('t/${iot:Connection.Thing.ThingName}', detached)).toBeUndefined();
    expect(substituteVariables('t/${iot:Unknown}', attached)).toBeUndefined();
  });

  it('keeps ${*} literal: it does not become a wildcard', () => {
    const pattern = substituteVariables('topic/a/${*}', attached) ?? '';
    expect(globMatches(pattern, 'topic/a/*')).toBe(true);
    expect(globMatches(pattern, 'topic/a/b')).toBe(false);
  });

  it('a client id containing * cannot widen a policy', () => {
    const pattern = substituteVariables('topic/${iot:ClientId}', { clientId: '*' }) ?? '';
    expect(globMatches(pattern, 'topic/other')).toBe(false);
  });
});

describe('evaluatePolicies', () => {
  const ownTopics = policy({
    Effect: 'Allow',
    Action: ['iot:Publish', 'iot:Receive'],
    Resource: `${prefix}topic/devices/\${iot:Connection.Thing.ThingName}/*`,
  });

  it('allows what an Allow matches and denies the rest by default', () => {
    expect(evaluatePolicies([ownTopics], 'iot:Publish', `${prefix}topic/devices/dev-1/x`, attached)).toBe(
      'allow',
    );
    expect(evaluatePolicies([ownTopics], 'iot:Publish', `${prefix}topic/devices/dev-2/x`, attached)).toBe(
      'implicit-deny',
    );
    expect(
      evaluatePolicies([ownTopics], 'iot:Subscribe', `${prefix}topicfilter/devices/dev-1/x`, attached),
    ).toBe('implicit-deny');
  });

  it('a statement with an unresolvable variable does not apply', () => {
    expect(evaluatePolicies([ownTopics], 'iot:Publish', `${prefix}topic/devices/dev-1/x`, detached)).toBe(
      'implicit-deny',
    );
  });

  it('explicit Deny wins over any Allow, across documents', () => {
    const everything = policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
    const denySecrets = policy({
      Effect: 'Deny',
      Action: 'iot:Publish',
      Resource: `${prefix}topic/secrets/*`,
    });
    expect(
      evaluatePolicies([everything, denySecrets], 'iot:Publish', `${prefix}topic/secrets/a`, attached),
    ).toBe('explicit-deny');
    expect(evaluatePolicies([everything, denySecrets], 'iot:Publish', `${prefix}topic/open`, attached)).toBe(
      'allow',
    );
  });

  it('honours conditions on thing variables (IsAttached)', () => {
    const onlyAttached = policy({
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: '*',
      Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
    });
    expect(evaluatePolicies([onlyAttached], 'iot:Connect', `${prefix}client/dev-1`, attached)).toBe('allow');
    expect(evaluatePolicies([onlyAttached], 'iot:Connect', `${prefix}client/dev-1`, detached)).toBe(
      'implicit-deny',
    );
  });

  it('supports StringEquals, StringLike, StringNotEquals and IfExists; unknown operators never hold', () => {
    const connect = (condition: Record<string, Record<string, string | string[]>>, variables = attached) =>
      evaluatePolicies(
        [policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: condition })],
        'iot:Connect',
        `${prefix}client/dev-1`,
        variables,
      );
    expect(connect({ StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'north' } })).toBe('allow');
    expect(connect({ StringEquals: { 'iot:Connection.Thing.Attributes[site]': ['south', 'east'] } })).toBe(
      'implicit-deny',
    );
    expect(connect({ StringLike: { 'iot:ClientId': 'dev-*' } })).toBe('allow');
    expect(connect({ StringNotEquals: { 'iot:ClientId': 'dev-2' } })).toBe('allow');
    expect(connect({ StringEquals: { 'iot:Connection.Thing.ThingName': 'dev-1' } }, detached)).toBe(
      'implicit-deny',
    );
    expect(connect({ StringEqualsIfExists: { 'iot:Connection.Thing.ThingName': 'dev-1' } }, detached)).toBe(
      'allow',
    );
    expect(connect({ NumericEquals: { 'iot:ClientId': '1' } })).toBe('implicit-deny');
  });

  it('fails closed on an unknown operator in a Deny too: the Deny still applies', () => {
    const documents = [
      policy(
        { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 'iot:Connect',
          Resource: '*',
          Condition: { NumericEquals: { 'iot:ClientId': '1' } },
        },
      ),
    ];
    expect(evaluatePolicies(documents, 'iot:Connect', `${prefix}client/dev-1`, attached)).toBe(
      'explicit-deny',
    );
  });

  it('accepts a single statement object as well as a list', () => {
    const single: PolicyDocument = { Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' } };
    expect(evaluatePolicies([single], 'iot:Connect', `${prefix}client/x`, detached)).toBe('allow');
  });
});

describe('claimCertificatePolicy', () => {
  const claim = [claimCertificatePolicy(prefix, 'Bench')];
  const check = (action: 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive' | 'iot:Connect', resource: string) =>
    evaluatePolicies(claim, action, `${prefix}${resource}`, { clientId: 'any' });

  it('allows exactly the Fleet Provisioning topics of its own template', () => {
    expect(check('iot:Connect', 'client/whatever')).toBe('allow');
    expect(check('iot:Publish', 'topic/$aws/certificates/create/json')).toBe('allow');
    expect(check('iot:Publish', 'topic/$aws/certificates/create-from-csr/cbor')).toBe('allow');
    expect(check('iot:Publish', 'topic/$aws/provisioning-templates/Bench/provision/json')).toBe('allow');
    expect(check('iot:Receive', 'topic/$aws/provisioning-templates/Bench/provision/json/accepted')).toBe(
      'allow',
    );
    expect(check('iot:Subscribe', 'topicfilter/$aws/provisioning-templates/Bench/provision/json/+')).toBe(
      'allow',
    );
    expect(
      check('iot:Subscribe', 'topicfilter/$aws/provisioning-templates/Other/provision/json/accepted'),
    ).toBe('implicit-deny');
    expect(check('iot:Publish', 'topic/devices/x')).toBe('implicit-deny');
    expect(check('iot:Subscribe', 'topicfilter/#')).toBe('implicit-deny');
    expect(check('iot:Subscribe', 'topic/$aws/certificates/create/json/accepted')).toBe('implicit-deny');
  });
});
