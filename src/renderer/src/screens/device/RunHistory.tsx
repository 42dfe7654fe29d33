import { useLayoutEffect, useRef } from 'react';
import type { RunTimelineEntry } from '../../../../shared/view-models.js';
import { formatClockTime } from '../../format/time.js';
import { PhaseBadge } from '../batch/PhaseBadge.js';

/** "claim-delivered" → "Claim delivered": the engine's event names, readable. */
function eventWords(event: string): string {
  const words = event.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every state the run went through, oldest first, with its time. */
export function RunTimeline({ timeline }: { timeline: readonly RunTimelineEntry[] }) {
  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      {timeline.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="timeline" data-testid="run-timeline">
          {timeline.map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <time className="mono timeline-time" dateTime={new Date(entry.at).toISOString()}>
                {formatClockTime(entry.at)}
              </time>
              <PhaseBadge phase={entry.phase} size="small" />
              <span className="timeline-event">{eventWords(entry.event)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/**
 * What the device printed between frames, most recent last. It stays scrolled to the newest line
 * while the operator has not scrolled up to read an older one.
 */
export function DeviceLog({ lines }: { lines: readonly string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const element = box.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <section className="panel" aria-labelledby="device-log-heading">
      <h2 id="device-log-heading">Device log</h2>
      {lines.length === 0 ? (
        <p className="muted">The device printed nothing outside the protocol.</p>
      ) : (
        <div
          className="device-log scroll-box"
          ref={box}
          tabIndex={0}
          role="region"
          aria-label="Device log lines, scrollable"
          data-testid="device-log"
          onScroll={(event) => {
            const element = event.currentTarget;
            pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 8;
          }}
        >
          <pre>{lines.join('\n')}</pre>
        </div>
      )}
    </section>
  );
}
