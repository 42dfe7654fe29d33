import type { ReactNode } from 'react';
import type { RunView } from '../../../../shared/view-models.js';
import { formatDateTime, formatDuration } from '../../format/time.js';
import { runElapsedMs } from '../batch/run-progress.js';

function Fact({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

const none = <span className="muted">—</span>;

function modeWords(mode: RunView['mode']): ReactNode {
  if (mode === 'csr') return 'CSR — the device made its own key; it never left the device';
  if (mode === 'keys') return 'Keys — AWS made the key and the device stored it';
  return none;
}

/** Who the device is and where it sits. */
export function RunIdentity({ run, now }: { run: RunView; now: number }) {
  return (
    <section className="panel" aria-labelledby="identity-heading">
      <h2 id="identity-heading">Device</h2>
      <dl className="facts">
        <Fact term="Serial number" testId="detail-serial">
          <span className="mono">{run.serialNumber ?? 'not announced yet'}</span>
        </Fact>
        <Fact term="Model">{run.model ?? none}</Fact>
        <Fact term="Hardware revision">{run.hardwareRevision ?? none}</Fact>
        <Fact term="Firmware">{run.firmwareVersion ?? none}</Fact>
        <Fact term="Port">
          <span className="mono break">{run.portPath}</span>
        </Fact>
        <Fact term="Bay">
          <span className="mono break">{run.bayId}</span>
        </Fact>
        <Fact term="Mode">{modeWords(run.mode)}</Fact>
        <Fact term="Attempt">{run.attempt}</Fact>
        <Fact term="Started">{formatDateTime(run.startedAt)}</Fact>
        <Fact term={run.finishedAt === null ? 'Elapsed' : 'Took'}>
          {formatDuration(runElapsedMs(run, now))}
        </Fact>
      </dl>
    </section>
  );
}

/** What AWS gave it (and what it replaced), once there is something to show. */
export function RunResult({ run }: { run: RunView }) {
  const hasResult = run.thingName !== null || run.certificateId !== null || run.replaced !== null;
  if (!hasResult) return null;
  return (
    <section className="panel" aria-labelledby="result-heading" data-testid="run-result">
      <h2 id="result-heading">Identity</h2>
      <dl className="facts wide">
        <Fact term="Thing name" testId="detail-thing-name">
          {run.thingName ? (
            <span className="mono">{run.thingName}</span>
          ) : (
            'no Thing (the template makes none)'
          )}
        </Fact>
        <Fact term="Certificate id" testId="detail-certificate-id">
          {run.certificateId ? <span className="mono break">{run.certificateId}</span> : none}
        </Fact>
        <Fact term="SHA-256 fingerprint">
          {run.fingerprint ? <span className="mono break">{run.fingerprint}</span> : none}
        </Fact>
        {run.otherCertificateIds.length > 0 ? (
          <Fact term="Other certificates on the Thing">
            <ul className="plain-list">
              {run.otherCertificateIds.map((id) => (
                <li key={id} className="mono break">
                  {id}
                </li>
              ))}
            </ul>
          </Fact>
        ) : null}
        {run.replaced ? (
          <Fact term="Replaced certificate" testId="detail-replaced">
            <span className="mono break">{run.replaced.certificateId}</span>
            <br />
            {run.replaced.outcome === 'retired' ? (
              <span className="state-ok">Retired: set INACTIVE and detached from the Thing.</span>
            ) : (
              <span className="state-warn">
                Left for an administrator to retire
                {run.replaced.reason
                  ? `: ${run.replaced.reason}`
                  : ' (your role may not retire certificates).'}
              </span>
            )}
          </Fact>
        ) : null}
        {run.recovered ? (
          <Fact term="Checked again">Confirmed in the registry after a restart or a lost answer.</Fact>
        ) : null}
      </dl>
    </section>
  );
}
