import type { RunPhaseName } from '../../../../shared/view-models.js';
import { phaseLook } from '../../format/run-phase.js';
import { PhaseIcon } from './PhaseIcon.js';

/** A run's state as icon and word in its tone's colour: never colour alone. */
export function PhaseBadge({ phase, size = 'large' }: { phase: RunPhaseName; size?: 'large' | 'small' }) {
  const look = phaseLook(phase);
  return (
    <span className={`phase-badge ${size} state-${look.tone}`} data-testid="run-phase">
      <PhaseIcon icon={look.icon} />
      <span className="phase-word">{look.word}</span>
    </span>
  );
}
