import type { BenchCheckStatus } from '../../../../shared/view-models.js';
import { checkStatusWordsOf } from './check-status.js';

/** OK / Warning / Problem as an icon and a word in the state's colour. */
export function CheckStatusBadge({ status }: { status: BenchCheckStatus }) {
  const words = checkStatusWordsOf(status);
  return (
    <span className={`check-status state-${words.tone}`} data-status={status}>
      <span className="check-status-icon" aria-hidden="true">
        {words.icon}
      </span>{' '}
      {words.word}
    </span>
  );
}
