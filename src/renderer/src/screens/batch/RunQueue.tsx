import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import {
  type FocusEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import type { RunView } from '../../../../shared/view-models.js';
import { runTicks } from './run-progress.js';
import { RunRow, type RunRowActions } from './RunRow.js';
import { useNow } from './use-now.js';

export interface RunQueueProps extends RunRowActions {
  /** Newest first. */
  runs: readonly RunView[];
  retrying: ReadonlySet<string>;
  /** Runs whose device is still in its bay. */
  onBench: ReadonlySet<string>;
  /**
   * The run whose detail the operator just came back from: on mount the list scrolls to it and
   * its Details button takes the focus, so they are where they left off.
   */
  restoreRunId?: string | undefined;
}

/**
 * Rows have one fixed height per layout (texts are clamped; the detail shows them whole): measuring
 * each row as it scrolls in cost long tasks at 10,000 rows and fought the browser's smooth scrolling
 * (End stopped half-way). The narrow layout (batch-queue.css, max-width 1100px) stacks the outcome.
 */
const narrowLayout = '(max-width: 1100px)';
// Room for a failure's message and hint, two lines each, and its code.
const rowHeight = { wide: 136, narrow: 220 } as const;

function subscribeToLayout(onChange: () => void): () => void {
  const query = window.matchMedia(narrowLayout);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function useRowHeight(): number {
  const narrow = useSyncExternalStore(subscribeToLayout, () => window.matchMedia(narrowLayout).matches);
  return narrow ? rowHeight.narrow : rowHeight.wide;
}

/**
 * Every device of the batch, newest first, virtualised so 10,000 rows cost what 20 do. Rows are
 * keyed by run id, so an update never moves the focus; a row holding the focus is kept rendered
 * when scrolled away; and a new device arriving on top does not push the rows the operator is
 * looking at (or working in) out from under them.
 */
export function RunQueue({ runs, retrying, onBench, restoreRunId, onDetails, onRetry }: RunQueueProps) {
  const scrollElement = useRef<HTMLDivElement>(null);
  // The run coming back counts as focused from the start, so the range keeps its row rendered.
  const focusedRunId = useRef<string | null>(restoreRunId ?? null);
  const firstRunId = useRef<string | null>(null);
  const pendingRestore = useRef<{ runId: string; scrolled: boolean } | null>(
    restoreRunId ? { runId: restoreRunId, scrolled: false } : null,
  );

  const itemHeight = useRowHeight();
  const indexById = useMemo(() => new Map(runs.map((run, index) => [run.runId, index])), [runs]);

  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      const focused = focusedRunId.current === null ? undefined : indexById.get(focusedRunId.current);
      if (focused === undefined || indexes.includes(focused)) return indexes;
      return [...indexes, focused].sort((a, b) => a - b);
    },
    [indexById],
  );

  // The app is not built with React Compiler; the virtualizer is read afresh on every render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollElement.current,
    estimateSize: () => itemHeight,
    getItemKey: (index) => runs[index]?.runId ?? index,
    overscan: 4,
    rangeExtractor,
  });

  useEffect(() => virtualizer.measure(), [virtualizer, itemHeight]);

  // New runs arrive on top. While the operator is scrolled down or has the focus in the list,
  // keep what they see in place by scrolling down by what was added above it.
  useLayoutEffect(() => {
    const previousFirst = firstRunId.current;
    firstRunId.current = runs[0]?.runId ?? null;
    const element = scrollElement.current;
    if (!element || previousFirst === null) return;
    const shiftedTo = indexById.get(previousFirst);
    if (!shiftedTo) return;
    if (element.scrollTop <= 0 && !element.contains(document.activeElement)) return;
    const measurements = virtualizer.measurementsCache;
    const added = (measurements[shiftedTo]?.start ?? 0) - (measurements[0]?.start ?? 0);
    if (added > 0) element.scrollTop += added;
  }, [runs, indexById, virtualizer]);

  // Back from a device's detail: scroll to its row once, then focus its Details as soon as the
  // row is in the page — unless the operator has put the focus somewhere meanwhile.
  useLayoutEffect(() => {
    const pending = pendingRestore.current;
    if (!pending) return;
    const index = indexById.get(pending.runId);
    const active = document.activeElement;
    if (index === undefined || (active !== null && active !== document.body)) {
      pendingRestore.current = null;
      if (focusedRunId.current === pending.runId && !scrollElement.current?.contains(active)) {
        focusedRunId.current = null;
      }
      return;
    }
    if (!pending.scrolled) {
      pending.scrolled = true;
      virtualizer.scrollToIndex(index, { align: 'center' });
    }
    const row = scrollElement.current?.querySelector<HTMLElement>(
      `[data-run-id="${CSS.escape(pending.runId)}"]`,
    );
    const details = row?.querySelector<HTMLButtonElement>('[data-testid="run-details"]');
    if (details) {
      pendingRestore.current = null;
      details.focus();
    }
  });

  const ticking = useMemo(() => runs.some(runTicks), [runs]);
  const now = useNow(ticking);

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-run-id]');
    focusedRunId.current = row?.dataset['runId'] ?? null;
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focusedRunId.current = null;
  };

  if (runs.length === 0) {
    return (
      <p className="queue-empty" data-testid="queue-empty">
        No devices yet. Plug a device into a bay: it appears here and is provisioned without a click.
      </p>
    );
  }

  return (
    <div
      className="queue-scroll"
      ref={scrollElement}
      onFocus={onFocus}
      onBlur={onBlur}
      data-testid="run-queue"
    >
      <ol
        className="queue-list"
        aria-label={`Devices in this batch, newest first (${runs.length})`}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const run = runs[item.index];
          if (!run) return null;
          return (
            <li
              key={item.key}
              data-index={item.index}
              data-testid="run-row"
              data-run-id={run.runId}
              data-serial={run.serialNumber ?? ''}
              data-phase={run.phase}
              aria-setsize={runs.length}
              aria-posinset={item.index + 1}
              className="queue-item"
              style={{ transform: `translateY(${item.start}px)`, height: itemHeight }}
            >
              <RunRow
                run={run}
                now={runTicks(run) ? now : 0}
                retrying={retrying.has(run.runId)}
                onBench={onBench.has(run.runId)}
                onDetails={onDetails}
                onRetry={onRetry}
              />
            </li>
          );
        })}
      </ol>
    </div>
  );
}
