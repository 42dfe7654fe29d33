import { type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { AuditRowView, BatchHistoryView } from '../../../shared/view-models.js';
import { useNavigate } from '../navigation/route.js';
import { useStationStore } from '../store/use-station-state.js';
import { AuditTable } from './history/AuditTable.js';
import { BatchPicker } from './history/BatchPicker.js';
import { DeviceLabelPrintArea } from './history/DeviceLabel.js';
import { auditFilterOf, auditRowLimit, describeExport, describeShown } from './history/audit-query.js';
import { createDebouncer } from './history/debouncer.js';
import { type DeviceLabelData, type LabelSizeId, labelSizeOf, labelSizes } from './history/label-sizes.js';
import { normaliseSearch, searchMaxLength } from './history/search-text.js';
import { pageDownloadEnvironment } from './history/page-download-environment.js';
import { saveTextFile } from './history/text-file-download.js';
import './history/history.css';

/** Long enough to let a typist finish a word, short enough to feel instant. */
const searchDelayMs = 250;
const labelSizeKey = 'station.history.labelSize';

type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

/** Rows on screen and the filter they answer (what an export then exports). */
interface ShownRows {
  rows: AuditRowView[];
  batchId: string | null;
  search: string | undefined;
}

type ActionStatus = { kind: 'busy' | 'ok' | 'error'; text: string } | null;

function rememberedLabelSize(): LabelSizeId {
  try {
    return labelSizeOf(window.localStorage.getItem(labelSizeKey));
  } catch {
    return labelSizeOf(null);
  }
}

function rememberLabelSize(size: LabelSizeId): void {
  try {
    window.localStorage.setItem(labelSizeKey, size);
  } catch {
    // Storage refused: the choice lasts while the screen is open.
  }
}

/** Past batches and every device the station handled: search, filter, export, print a label. */
export function HistoryScreen() {
  const store = useStationStore();
  const navigate = useNavigate();
  const searchId = useId();
  const searchHintId = useId();
  const labelSizeId = useId();
  const searchRef = useRef<HTMLInputElement>(null);

  const [batches, setBatches] = useState<Loaded<BatchHistoryView[]>>({ status: 'loading' });
  /** The last answer about devices, with the question it answers. */
  const [answer, setAnswer] = useState<{ query: string; failure: string | null } | null>(null);
  /** The last rows that arrived and what they answer, kept on screen while the next read is under way. */
  const [shown, setShown] = useState<ShownRows | null>(null);
  const [selectedBatchId, setSelectedBatchId] = useState<string | null>(null);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState<string | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const [actionStatus, setActionStatus] = useState<ActionStatus>(null);
  const exporting = useRef(false);
  const [labelSize, setLabelSize] = useState<LabelSizeId>(rememberedLabelSize);
  const [printing, setPrinting] = useState<DeviceLabelData | null>(null);
  const [debouncer] = useState(() => createDebouncer<string | undefined>(searchDelayMs, setSearch));

  useEffect(() => () => debouncer.cancel(), [debouncer]);

  useEffect(() => {
    let live = true;
    void store.api.history.batches().then((result) => {
      if (!live) return;
      setBatches(
        result.ok
          ? { status: 'ready', value: result.value }
          : { status: 'error', message: result.error.message },
      );
    });
    return () => {
      live = false;
    };
  }, [store, reloads]);

  const query = JSON.stringify([selectedBatchId, search ?? null, reloads]);
  const loadingRows = answer?.query !== query;
  const rowsFailure = loadingRows ? null : (answer?.failure ?? null);

  useEffect(() => {
    let live = true;
    void store.api.history
      .audit({ ...auditFilterOf({ batchId: selectedBatchId, search }), limit: auditRowLimit })
      .then((result) => {
        // Only the answer to the newest question is shown; an older one arriving late is dropped.
        if (!live) return;
        setAnswer({ query, failure: result.ok ? null : result.error.message });
        if (result.ok) setShown({ rows: result.value, batchId: selectedBatchId, search });
      });
    return () => {
      live = false;
    };
  }, [store, selectedBatchId, search, query]);

  const batchLabelOf = (batchId: string | null): string | null =>
    (batches.status === 'ready' ? batches.value.find((batch) => batch.id === batchId)?.label : null) ??
    batchId;
  const shownBatchLabel = batchLabelOf(shown?.batchId ?? null);

  const exportShown = useCallback(
    async (format: 'csv' | 'json') => {
      // Buttons stay enabled (disabling the focused one would drop focus); a second click waits.
      if (exporting.current) return;
      exporting.current = true;
      setActionStatus({ kind: 'busy', text: `Exporting ${format.toUpperCase()}…` });
      const result = await store.api.history
        .export({ format, ...auditFilterOf(shown ?? { batchId: selectedBatchId, search }) })
        .finally(() => {
          exporting.current = false;
        });
      if (!result.ok) {
        setActionStatus({ kind: 'error', text: `The export failed: ${result.error.message}` });
        return;
      }
      try {
        const fileName = saveTextFile(result.value, pageDownloadEnvironment);
        setActionStatus({ kind: 'ok', text: describeExport(fileName, result.value.count) });
      } catch {
        setActionStatus({
          kind: 'error',
          text: 'The station made the export but this window could not save it. Try again; if it keeps failing, report it.',
        });
      }
    },
    [store, shown, selectedBatchId, search],
  );

  const printLabel = useCallback((row: AuditRowView) => {
    if (!row.thingName) return;
    const label = { thingName: row.thingName, serialNumber: row.serialNumber, model: row.model };
    // The label must be in the page before the print dialog lays it out.
    flushSync(() => setPrinting(label));
    window.addEventListener('afterprint', () => setPrinting(null), { once: true });
    setActionStatus({ kind: 'ok', text: `Label for ${row.serialNumber} sent to the print dialog.` });
    window.print();
  }, []);

  const showDetails = useCallback(
    (row: AuditRowView) => navigate({ name: 'device', runId: row.runId, from: 'history' }),
    [navigate],
  );

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    // A barcode scanner types the serial and presses Enter: search at once, and select the text so
    // the next scan replaces it.
    event.preventDefault();
    debouncer.fireNow(normaliseSearch(event.currentTarget.value));
    event.currentTarget.select();
  };

  const clearSearch = () => {
    setSearchInput('');
    debouncer.fireNow(undefined);
    searchRef.current?.focus();
  };

  return (
    <main className="screen history-screen" aria-labelledby="history-heading" data-testid="history-screen">
      <div className="panel-header">
        <h1 id="history-heading">History</h1>
        <button type="button" className="secondary" onClick={() => setReloads((count) => count + 1)}>
          Refresh
        </button>
      </div>

      <search className="panel history-search no-print">
        <label htmlFor={searchId}>Serial number or thing name</label>
        <div className="search-row">
          <input
            id={searchId}
            ref={searchRef}
            type="search"
            value={searchInput}
            maxLength={searchMaxLength}
            autoComplete="off"
            spellCheck={false}
            // The screen exists to find a device: a scanner can type into it straight away.
            autoFocus
            aria-describedby={searchHintId}
            onChange={(event) => {
              setSearchInput(event.target.value);
              debouncer.push(normaliseSearch(event.target.value));
            }}
            onKeyDown={onSearchKey}
            data-testid="history-search"
          />
          <button type="button" className="secondary" onClick={clearSearch} disabled={searchInput === ''}>
            Clear
          </button>
        </div>
        <span id={searchHintId} className="field-hint">
          Type part of it, or scan the device&apos;s barcode. Matches anywhere in the serial number or thing
          name.
        </span>
      </search>

      <div className="history-layout">
        <section className="panel history-batches" aria-labelledby="history-batches-heading">
          <h2 id="history-batches-heading">Batches</h2>
          {batches.status === 'loading' && <p className="muted">Loading batches…</p>}
          {batches.status === 'error' && (
            <div className="history-error" role="alert">
              <p>
                <span aria-hidden="true">✖</span> Could not read the batches: {batches.message}
              </p>
              <button type="button" className="secondary" onClick={() => setReloads((count) => count + 1)}>
                Try again
              </button>
            </div>
          )}
          {batches.status === 'ready' &&
            (batches.value.length === 0 ? (
              <p className="muted">No batch has been run on this station yet.</p>
            ) : (
              <BatchPicker
                batches={batches.value}
                selectedId={selectedBatchId}
                onSelect={setSelectedBatchId}
              />
            ))}
        </section>

        <section className="panel history-devices" aria-labelledby="history-devices-heading">
          <h2 id="history-devices-heading">
            {shownBatchLabel ? `Devices in batch ${shownBatchLabel}` : 'Devices'}
          </h2>
          <div className="history-devices-tools no-print">
            <p className="history-shown" role="status" data-testid="history-shown">
              {shown
                ? `${describeShown(shown.rows.length, shownBatchLabel, shown.search)}${loadingRows ? ' Searching…' : ''}`
                : rowsFailure
                  ? 'The device records could not be read.'
                  : 'Loading devices…'}
            </p>
            <div className="button-row">
              <button
                type="button"
                className="secondary"
                onClick={() => void exportShown('csv')}
                data-testid="history-export-csv"
              >
                Export CSV
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => void exportShown('json')}
                data-testid="history-export-json"
              >
                Export JSON
              </button>
              <label htmlFor={labelSizeId}>Label size</label>
              <select
                id={labelSizeId}
                value={labelSize}
                onChange={(event) => {
                  const size = labelSizeOf(event.target.value);
                  setLabelSize(size);
                  rememberLabelSize(size);
                }}
                data-testid="history-label-size"
              >
                {labelSizes.map((size) => (
                  <option key={size.id} value={size.id}>
                    {size.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p
            className={`history-message ${actionStatus?.kind === 'error' ? 'state-fail' : 'muted'}`}
            aria-live="polite"
            data-testid="history-export-status"
          >
            {actionStatus?.text ?? ''}
          </p>
          {rowsFailure && (
            <div className="history-error" role="alert">
              <p>
                <span aria-hidden="true">✖</span> Could not read the device records: {rowsFailure}
              </p>
              <button type="button" className="secondary" onClick={() => setReloads((count) => count + 1)}>
                Try again
              </button>
            </div>
          )}
          {shown && shown.rows.length > 0 && (
            <AuditTable
              rows={shown.rows}
              busy={loadingRows}
              onPrintLabel={printLabel}
              onDetails={showDetails}
            />
          )}
        </section>
      </div>
      {printing && <DeviceLabelPrintArea label={printing} size={labelSize} />}
    </main>
  );
}
