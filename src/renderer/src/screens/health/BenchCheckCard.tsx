import { useId } from 'react';
import type { BenchCheckView } from '../../../../shared/view-models.js';
import { CheckStatusBadge } from './CheckStatusBadge.js';
import { CopyButton } from './CopyButton.js';

/** One check: what was found and, when something needs doing, what to do and the exact command. */
export function BenchCheckCard({ check }: { check: BenchCheckView }) {
  const headingId = useId();
  return (
    <article
      className={`check-card status-${check.status}`}
      aria-labelledby={headingId}
      data-testid="health-check"
      data-check-id={check.id}
      data-status={check.status}
    >
      <div className="check-card-header">
        <h3 id={headingId}>{check.title}</h3>
        <CheckStatusBadge status={check.status} />
      </div>
      <p className="check-summary">{check.summary}</p>
      {check.fix && (
        <p className="check-fix">
          <strong>What to do:</strong> {check.fix}
        </p>
      )}
      {check.command && (
        <div className="check-command">
          <pre className="mono">
            <code>{check.command}</code>
          </pre>
          <CopyButton
            text={check.command}
            label="Copy"
            accessibleName={`Copy the command for ${check.title}`}
            testId="health-copy-command"
          />
        </div>
      )}
    </article>
  );
}
