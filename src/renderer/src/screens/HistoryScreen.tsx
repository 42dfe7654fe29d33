import { type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { IpcResult } from '../../../shared/ipc-result.js';
import type { AuditRowView } from '../../../shared/view-models.js';
import { useIpcRead } from '../hooks/use-ipc-read.js';
import { useSingleFlight } from '../hooks/use-single-flight.js';
import { useNavigate } from '../navigation/route.js';
import { readPreference, writePreference } from '../preferences/ui-preferences.js';
import { useScanHandler } from '../scanner/use-scan-handler.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import { AuditTable } from './history/AuditTable.js';
import { BatchPicker } from './history/BatchPicker.js';
import { DeviceLabelPrintArea } from './history/DeviceLabel.js';
import { auditFilterOf, auditRowLimit, describeExport, describeShown } from './history/audit-query.js';
import { createDebouncer } from './history/debouncer.js';
import { historyPlace } from './history/history-place.js';
import { type DeviceLabelData, type LabelSizeId, labelSizeOf, labelSizes } from './history/label-sizes.js';
import { normaliseSearch, searchMaxLength } from './history/search-text.js';
import { pageDownloadEnvironment } from '../downloads/page-download-environment.js';
import { saveTextFile } from '../downloads/text-file-download.js';
import './history/history.css';

/** Long enough to let a typist finish a word, short enough to feel instant. */
const searchDelayMs = 250;
/** Stored as "station.history.labelSize", the key this screen has always used. */
const labelSizeKey = 'history.labelSize';

/** Rows on screen and the filter they answer (what an export then exports). */
interface ShownRows {
  rows: AuditRowView[];
  batchId: string | null;
  search: string | undefined;
}

type ActionStatus = { kind: 'busy' | 'ok' | 'error'; text: string } | null;

/** Past batches and every device the station handled: search, filter, export, print a label. */
export function HistoryScreen() {
  const store = useStationStore();
  const { session } = useStationState();
  const navigate = useNavigate();
  const searchId = useId();
  const searchHintId = useId();
  const labelSizeId = useId();
  const searchRef = useRef<HTMLInputElement>(null);

  // Back from a device's detail: where the operator was. Otherwise a fresh History.
  const [place] = useState(() => historyPlace.resume(session?.username ?? null));
  const returnToRunId = place.openedRunId;
  const [selectedBatchId, setSelectedBatchId] = useState<string | null>(place.batchId);
  const [searchInput, setSearchInput] = useState(place.searchInput);
  const [search, setSearch] = useState<string | undefined>(() => normaliseSearch(place.searchInput));
  const [reloads, setReloads] = useState(0);
  const [actionStatus, setActionStatus] = useState<ActionStatus>(null);
  const { busy: exporting, run: runExport } = useSingleFlight();
  const [labelSize, setLabelSize] = useState<LabelSizeId>(() => labelSizeOf(readPreference(labelSizeKey)));
  const [printing, setPrinting] = useState<DeviceLabelData | null>(null);
  const [debouncer] = useState(() => createDebouncer<string | undefined>(searchDelayMs, setSearch));

  useEffect(() => () => debouncer.cancel(), [debouncer]);
  useEffect(() => historyPlace.arrived(), []);

  const batchesRead = useIpcRead(() => store.api.history.batches(), [reloads]);
  const batches = batchesRead.result;

  // Only the answer to the newest question is shown; an older one arriving late is dropped. The
  // last rows stay on screen, with the filter they answer, while the next read is under way.
  const rowsRead = useIpcRead(
    (): Promise<IpcResult<ShownRows>> =>
      store.api.history
        .audit({ ...auditFilterOf({ batchId: selectedBatchId, search }), limit: auditRowLimit })
        .then((result) =>
          result.ok ? { ok: true, value: { rows: result.value, batchId: selectedBatchId, search } } : result,
        ),
    [selectedBatchId, search ?? null, reloads],
  );
  const loadingRows = rowsRead.loading;
  const shown = rowsRead.result?.ok ? rowsRead.result.value : null;
  const rowsFailure = !loadingRows && rowsRead.result?.ok === false ? rowsRead.result.error.message : null;

  // Back from a device that is no longer listed: the search is where the operator carries on.
  const returnHandled = useRef(returnToRunId === null);
  useEffect(() => {
    if (returnHandled.current || !shown) return;
    returnHandled.current = true;
    if (!shown.rows.some((row) => row.runId === returnToRunId)) searchRef.current?.focus();
  }, [shown, returnToRunId]);

  const refresh = () => setReloads((count) => count + 1);
  const selectBatch = (batchId: string | null) => {
    setSelectedBatchId(batchId);
    historyPlace.remember({ batchId });
  };
  const changeSearchInput = (text: string) => {
    setSearchInput(text);
    historyPlace.remember({ searchInput: text });
  };

  const batchLabelOf = (batchId: string | null): string | null =>
    (batches?.ok ? batches.value.find((batch) => batch.id === batchId)?.label : null) ?? batchId;
  const shownBatchLabel = batchLabelOf(shown?.batchId ?? null);

  const exportShown = useCallback(
    (format: 'csv' | 'json') =>
      // Buttons stay enabled (disabling the focused one would drop focus); a second press is ignored.
      runExport(async () => {
        setActionStatus({ kind: 'busy', text: `Exporting ${format.toUpperCase()}…` });
        const result = await store.api.history.export({
          format,
          ...auditFilterOf(shown ?? { batchId: selectedBatchId, search }),
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
      }),
    [runExport, store, shown, selectedBatchId, search],
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
    (row: AuditRowView) => {
      historyPlace.remember({ openedRunId: row.runId });
      navigate({ name: 'device', runId: row.runId, from: 'history' });
    },
    [navigate],
  );
  const rememberScroll = useCallback((scrollTop: number) => historyPlace.remember({ scrollTop }), []);

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    // A barcode scanner types the serial and presses Enter: search at once, and select the text so
    // the next scan replaces it.
    event.preventDefault();
    debouncer.fireNow(normaliseSearch(event.currentTarget.value));
    event.currentTarget.select();
  };

  // A scan made while the focus is elsewhere on History (a row's button, the batch list) searches
  // for the scanned code as if it had been typed there. The focus moves to the search, its text
  // selected: the row that had it may not be in the answer, and the next scan replaces the text.
  useScanHandler((code) => {
    const text = code.slice(0, searchMaxLength);
    flushSync(() => changeSearchInput(text));
    debouncer.fireNow(normaliseSearch(text));
    searchRef.current?.focus();
    searchRef.current?.select();
  });

  const clearSearch = () => {
    changeSearchInput('');
    debouncer.fireNow(undefined);
    searchRef.current?.focus();
  };

  return (
    <main className="screen history-screen" aria-labelledby="history-heading" data-testid="history-screen">
      <div className="panel-header">
        <h1 id="history-heading">History</h1>
        <button type="button" className="secondary" onClick={refresh}>
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
            // The screen exists to find a device: a scanner can type into it straight away. Back
            // from a device's detail, that device's Details button takes the focus instead.
            autoFocus={returnToRunId === null}
            aria-describedby={searchHintId}
            onChange={(event) => {
              changeSearchInput(event.target.value);
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
          {!batches && <p className="muted">Loading batches…</p>}
          {batches?.ok === false && (
            <div className="history-error" role="alert">
              <p>
                <span aria-hidden="true">✖</span> Could not read the batches: {batches.error.message}
              </p>
              <button type="button" className="secondary" onClick={refresh}>
                Try again
              </button>
            </div>
          )}
          {batches?.ok &&
            (batches.value.length === 0 ? (
              <p className="muted">No batch has been run on this station yet.</p>
            ) : (
              <BatchPicker batches={batches.value} selectedId={selectedBatchId} onSelect={selectBatch} />
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
                aria-disabled={exporting || undefined}
                data-testid="history-export-csv"
              >
                Export CSV
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => void exportShown('json')}
                aria-disabled={exporting || undefined}
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
                  writePreference(labelSizeKey, size);
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
              <button type="button" className="secondary" onClick={refresh}>
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
              initialScrollTop={place.scrollTop}
              onScrollTop={rememberScroll}
              returnToRunId={returnToRunId}
            />
          )}
        </section>
      </div>
      {printing && <DeviceLabelPrintArea label={printing} size={labelSize} />}
    </main>
  );
}
