import { useState, type FormEvent } from 'react';
import { useStationStore } from '../store/use-station-state.js';

/**
 * Paths and globs of ports the OS does not list (pseudo-terminals, simulated devices, unusual
 * adapters). Validation happens in main; its message is shown as it comes.
 */
export function PortSettings({ patterns, fixedPatterns }: { patterns: string[]; fixedPatterns: string[] }) {
  const store = useStationStore();
  const [draft, setDraft] = useState('');

  const save = async (next: string[]) => {
    if (await store.configurePorts(next)) setDraft('');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save([...patterns, draft]);
  };

  return (
    <section className="panel" aria-labelledby="ports-heading">
      <header className="panel-header">
        <h2 id="ports-heading">Configured ports</h2>
      </header>
      <ul className="pattern-list">
        {fixedPatterns.map((pattern) => (
          <li key={`fixed:${pattern}`}>
            <span className="mono">{pattern}</span>
            <span className="tag" title="Given when the station was started; change it there">
              from start-up
            </span>
          </li>
        ))}
        {patterns.map((pattern) => (
          <li key={pattern}>
            <span className="mono">{pattern}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => void save(patterns.filter((p) => p !== pattern))}
              aria-label={`Remove ${pattern}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={onSubmit}>
        <label htmlFor="port-pattern">Port path or glob</label>
        <input
          id="port-pattern"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          placeholder="/tmp/station-devices/*"
          spellCheck={false}
        />
        <button type="submit" disabled={draft.trim() === ''}>
          Add
        </button>
      </form>
    </section>
  );
}
