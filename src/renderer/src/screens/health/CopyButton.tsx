import { useEffect, useState } from 'react';
import { type CopyOutcome, copyText } from './copy-text.js';
import { pageCopyEnvironment } from './page-copy-environment.js';

/** How long "Copied" stays beside the button. */
const shownForMs = 2500;

/**
 * Copy a command or a report. The button keeps its name (so focus and screen readers stay put);
 * the outcome is announced beside it.
 */
export function CopyButton({
  text,
  label,
  accessibleName,
  testId,
}: {
  text: string;
  label: string;
  accessibleName: string;
  testId?: string;
}) {
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null);

  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = window.setTimeout(() => setOutcome(null), shownForMs);
    return () => window.clearTimeout(timer);
  }, [outcome]);

  return (
    <span className="copy-control">
      <button
        type="button"
        className="secondary"
        aria-label={accessibleName}
        onClick={() => void copyText(text, pageCopyEnvironment()).then(setOutcome)}
        data-testid={testId}
      >
        {label}
      </button>
      <span role="status" className={outcome === 'failed' ? 'state-fail' : 'state-ok'}>
        {outcome === 'copied' && (
          <>
            <span aria-hidden="true">✔</span> Copied
          </>
        )}
        {outcome === 'failed' && 'Could not copy: select the text and press Ctrl+C.'}
      </span>
    </span>
  );
}
