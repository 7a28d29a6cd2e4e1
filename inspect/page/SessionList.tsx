/**
 * Every session, filterable by id (substring) and by state (a menu with each state's count),
 * windowed so a thousand rows scroll smoothly while they move.
 * @module
 */
import { memo, useMemo, useState } from 'react';
import type { SessionSummary } from '../live/protocol.js';
import { hrText } from './entryText.js';
import { filterSessions } from './sessionFilter.js';
import { WindowedList } from './WindowedList.js';

const ROW_HEIGHT = 26;

/** Props of {@link SessionList}. */
export interface SessionListProps {
  sessions: ReadonlyMap<string, SessionSummary>;
  /** Changes whenever `sessions` changed (the map is updated in place). */
  listVersion: number;
  selected: string | null;
  onSelect: (id: string) => void;
}

/** See the module comment. */
export const SessionList = memo(function SessionList({ sessions, listVersion, selected, onSelect }: SessionListProps) {
  const [text, setText] = useState('');
  const [state, setState] = useState('');

  // listVersion stands for the map's content, which changes in place.
  const visible = useMemo(() => filterSessions(sessions.values(), text, state), [sessions, listVersion, text, state]);
  const counts = useMemo(() => {
    const byState = new Map<string, number>();
    for (const summary of sessions.values()) byState.set(summary.state, (byState.get(summary.state) ?? 0) + 1);
    return [...byState].sort(([a], [b]) => a.localeCompare(b));
  }, [sessions, listVersion]);

  const renderRow = (index: number) => {
    const summary = visible[index];
    const classes = ['session-row', summary.id === selected ? 'selected' : '', summary.faulted ? 'faulted' : ''].join(' ');
    return (
      <button
        type="button"
        className={classes}
        data-session={summary.id}
        data-state={summary.state}
        aria-pressed={summary.id === selected}
        onClick={() => onSelect(summary.id)}
      >
        <span className="session-id">{summary.id}</span>
        <span className={`state-chip state-${summary.state}`}>{summary.state}</span>
        <span className="session-calls" title="method calls">{summary.calls}</span>
        <span className="session-hr" title="last synchronous HRESULT">
          {summary.lastHr === undefined ? '' : hrText(summary.lastHr)}
        </span>
        <span className="session-flags">
          {summary.faulted ? '⚠' : ''}
          {summary.released ? (summary.released.leak ? ' leak' : ' released') : ''}
        </span>
      </button>
    );
  };

  return (
    <section className="session-list" aria-label="sessions">
      <div className="filters">
        <input
          type="search"
          placeholder="filter by id"
          aria-label="filter by id"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <select aria-label="filter by state" value={state} onChange={(event) => setState(event.target.value)}>
          <option value="">every state ({sessions.size})</option>
          {counts.map(([name, count]) => (
            <option key={name} value={name}>
              {name} ({count})
            </option>
          ))}
        </select>
      </div>
      <div className="list-count" data-testid="session-count" data-shown={visible.length} data-total={sessions.size}>
        {visible.length === sessions.size ? `${sessions.size} sessions` : `${visible.length} of ${sessions.size} sessions`}
      </div>
      <WindowedList count={visible.length} rowHeight={ROW_HEIGHT} renderRow={renderRow} label="session rows" className="session-rows" />
    </section>
  );
});
