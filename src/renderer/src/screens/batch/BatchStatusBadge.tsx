import type { BatchStatusName } from '../../../../shared/view-models.js';
import { batchStatusLook } from '../../format/run-phase.js';
import { PhaseIcon } from './PhaseIcon.js';

export interface BatchStatusBadgeProps {
  status: BatchStatusName;
  className?: string;
  testId?: string;
}

/**
 * A batch's status as the same icon and word everywhere (the queue's header, History): never
 * colour alone. The look comes from format/run-phase.ts `batchStatusLook`.
 */
export function BatchStatusBadge({ status, className, testId }: BatchStatusBadgeProps) {
  const look = batchStatusLook(status);
  return (
    <span
      className={`batch-status-badge state-${look.tone}${className ? ` ${className}` : ''}`}
      data-testid={testId}
      data-status={status}
    >
      <PhaseIcon icon={look.icon} className="batch-status-icon" />
      {look.word}
    </span>
  );
}
