import { describe, expect, it } from 'vitest';
import {
  isSharedSubscription,
  topicFilterProblem,
  topicMatchesFilter,
  topicNameProblem,
} from '../../../sandbox/iot/broker/mqtt-topic.js';

describe('topicMatchesFilter', () => {
  it.each([
    ['a/b/c', 'a/b/c', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a/b', true],
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['a/+', 'a/', true],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['#', '$aws/things/x', false],
    ['+/things/x', '$aws/things/x', false],
    ['$aws/#', '$aws/things/x', true],
    ['$aws/certificates/create/+/accepted', '$aws/certificates/create/json/accepted', true],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatchesFilter(filter, topic)).toBe(expected);
  });
});

describe('topic validation', () => {
  it('refuses wildcards in topic names and misplaced wildcards in filters', () => {
    expect(topicNameProblem('a/+/b')).toMatch(/wildcard/);
    expect(topicNameProblem('a/#')).toMatch(/wildcard/);
    expect(topicNameProblem('a/b')).toBeUndefined();
    expect(topicFilterProblem('a/#/b')).toMatch(/last/);
    expect(topicFilterProblem('a/b#')).toMatch(/whole level/);
    expect(topicFilterProblem('a/b+')).toMatch(/whole level/);
    expect(topicFilterProblem('a/+/#')).toBeUndefined();
  });

  it('applies AWS IoT limits: 256 bytes, 7 slashes outside $aws', () => {
    expect(topicNameProblem('x'.repeat(257))).toMatch(/256 bytes/);
    expect(topicNameProblem('é'.repeat(129))).toMatch(/256 bytes/);
    expect(topicNameProblem('a/b/c/d/e/f/g/h/i')).toMatch(/8 slashes/);
    expect(topicNameProblem('a/b/c/d/e/f/g/h')).toBeUndefined();
    expect(topicNameProblem('$aws/provisioning-templates/t/provision/json/accepted/x/y')).toBeUndefined();
    expect(topicNameProblem('')).toMatch(/empty/);
    expect(topicNameProblem('a\u0000b')).toMatch(/NUL/);
  });

  it('recognises shared subscriptions', () => {
    expect(isSharedSubscription('$share/group/a')).toBe(true);
    expect(isSharedSubscription('a/$share')).toBe(false);
  });
});
