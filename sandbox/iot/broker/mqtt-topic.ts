/**
 * MQTT topic names and filters, with the limits AWS IoT Core applies: at most 256 UTF-8 bytes
 * and, outside the reserved `$aws/` space, at most 7 slashes.
 */

export const MAX_TOPIC_BYTES = 256;
export const MAX_TOPIC_SLASHES = 7;

function commonProblem(text: string, kind: string): string | undefined {
  if (text.length === 0) return `${kind} is empty`;
  if (text.includes('\u0000')) return `${kind} contains a NUL character`;
  if (Buffer.byteLength(text, 'utf8') > MAX_TOPIC_BYTES)
    return `${kind} is longer than ${MAX_TOPIC_BYTES} bytes`;
  const slashes = text.split('/').length - 1;
  if (!text.startsWith('$aws/') && slashes > MAX_TOPIC_SLASHES) {
    return `${kind} has ${slashes} slashes; AWS IoT allows at most ${MAX_TOPIC_SLASHES}`;
  }
  return undefined;
}

/** Why a PUBLISH topic name is unacceptable, or undefined when it is fine. */
export function topicNameProblem(topic: string): string | undefined {
  const problem = commonProblem(topic, 'topic name');
  if (problem) return problem;
  if (topic.includes('+') || topic.includes('#')) return 'topic name contains a wildcard';
  return undefined;
}

/** Why a SUBSCRIBE topic filter is unacceptable, or undefined when it is fine. */
export function topicFilterProblem(filter: string): string | undefined {
  const problem = commonProblem(filter, 'topic filter');
  if (problem) return problem;
  const levels = filter.split('/');
  for (const [index, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || index !== levels.length - 1)) {
      return '"#" must be a whole level and the last one';
    }
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return undefined;
}

export function isSharedSubscription(filter: string): boolean {
  return filter.startsWith('$share/');
}

/** MQTT matching; wildcards at the first level never match topics that start with `$`. */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  if (topic.startsWith('$') && (filterLevels[0] === '+' || filterLevels[0] === '#')) return false;
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
