import type { BayView } from '../../../../shared/view-models.js';
import { bayStatusLook } from '../../format/run-phase.js';
import { PhaseIcon } from './PhaseIcon.js';
import { portName } from './port-name.js';

/** The ports the batch watches, one tile each: what is on it, and what the station said about it. */
export function BaysStrip({
  bays,
  onProbe,
}: {
  bays: readonly BayView[];
  onProbe: (portPath: string) => void;
}) {
  return (
    <section className="panel bays-panel" aria-labelledby="bays-heading">
      <h2 id="bays-heading">Bays</h2>
      {bays.length === 0 ? (
        <p className="muted" data-testid="no-bays">
          No port is in use yet. Plug a device in; if nothing appears, check “Serial ports” on the set-up
          screen or Bench health.
        </p>
      ) : (
        <ul className="bays-strip">
          {bays.map((bay) => {
            const look = bayStatusLook(bay);
            return (
              <li
                key={bay.bayId}
                className="bay-tile"
                data-testid="bay"
                data-port={bay.portPath}
                data-status={bay.status}
              >
                <span className="mono bay-port" title={bay.portPath}>
                  {portName(bay.portPath)}
                </span>
                <span className={`bay-status state-${look.tone}`}>
                  <PhaseIcon icon={look.icon} className="bay-icon" />
                  {look.word}
                </span>
                {bay.message ? (
                  <span className="bay-message" data-testid="bay-message">
                    {bay.message}
                  </span>
                ) : null}
                {bay.status === 'no-answer' ? (
                  <button
                    type="button"
                    className="secondary small-button"
                    aria-label={`Look again at ${portName(bay.portPath)}`}
                    onClick={() => onProbe(bay.portPath)}
                  >
                    Look again
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
