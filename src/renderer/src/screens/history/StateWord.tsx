import { type StateWords, toneClassOf } from './state-words.js';

/** A state as an icon and a word in one colour: the word alone carries it. */
export function StateWord({ words, className = '' }: { words: StateWords; className?: string }) {
  return (
    <span className={`state-word ${toneClassOf(words.tone)} ${className}`.trim()}>
      <span className="state-icon" aria-hidden="true">
        {words.icon}
      </span>{' '}
      {words.word}
    </span>
  );
}
