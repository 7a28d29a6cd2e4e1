/**
 * The inspector page: the session list on the left; on the right the selected session's
 * statechart (highlight following the step cursor), its trace timeline with the stepper, and the
 * buttons that save the trace or turn it into a scenario file. Arrow keys step (Home / End jump).
 * @module
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { activeStates, clockAtStep, valueAtStep, valueText } from './activeStates.js';
import { hrText } from './entryText.js';
import { downloadText, safeFileName } from './download.js';
import { CLOCK_CHART, SESSION_CHART, stepOf, type InspectorStore } from './inspectorStore.js';
import { SessionList } from './SessionList.js';
import { StatechartView } from './StatechartView.js';
import { Timeline } from './Timeline.js';
import { createTraceFile, parseTraceFile } from './traceFile.js';
import { traceScenarioText } from './traceScenario.js';
import { compactOf, useChartDrawing } from './useChartDrawing.js';

/** Props of {@link App}. */
export interface AppProps {
  store: InspectorStore;
}

const isTextField = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');

/** See the module comment. */
export function App({ store }: AppProps) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { charts, trace, selected, connection } = snapshot;
  const chartNames = Object.keys(charts);
  const [chartName, setChartName] = useState(SESSION_CHART);
  const shownChartName = charts[chartName] ? chartName : (chartNames[0] ?? SESSION_CHART);
  const chart = charts[shownChartName];
  // Compact by default: the session's settle fan-out drawn through one choice node (compactChart.ts).
  const [compact, setCompact] = useState(true);
  const compactChart = chart ? compactOf(chart) : undefined;
  const canCompact = compactChart !== undefined && compactChart !== chart;
  const { drawing, error: layoutError } = useChartDrawing(compact && canCompact ? compactChart : chart);
  const step = stepOf(snapshot);
  const live = snapshot.cursor === 'live';
  const fileInput = useRef<HTMLInputElement>(null);

  const summary = selected !== null ? (snapshot.sessions.get(selected) ?? trace?.summary) : undefined;
  // Live, the list's summary is the freshest word on the actor's state; stepping, the trace is.
  const value = trace && !live ? valueAtStep(trace.entries, step, trace.startValue) : summary?.value;
  // The clock chart's states are the session's presentation clock states (`RUNNING`, …).
  const clock = trace && !live ? clockAtStep(trace.entries, step, undefined) : summary?.clock;
  const active = useMemo(() => {
    if (!chart) return undefined;
    if (shownChartName === SESSION_CHART) return value !== undefined ? activeStates(chart, value) : undefined;
    if (shownChartName === CLOCK_CHART) return clock !== undefined ? activeStates(chart, clock) : undefined;
    return undefined;
  }, [chart, value, clock, shownChartName]);

  const onSelect = useCallback((id: string) => store.select(id), [store]);
  const onStep = useCallback((to: number | 'live') => store.setCursor(to), [store]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTextField(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
      const moves: Record<string, () => void> = {
        ArrowLeft: () => store.step(-1),
        ArrowRight: () => store.step(1),
        PageUp: () => store.step(-10),
        PageDown: () => store.step(10),
        Home: () => store.setCursor(0),
        End: () => store.setCursor('live'),
      };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      move();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const saveTrace = () => {
    if (!trace) return;
    const file = createTraceFile({ title: snapshot.title, session: trace.session, summary: trace.summary, charts, entries: trace.entries, truncated: trace.truncated });
    downloadText(`${safeFileName(trace.session)}.trace.json`, JSON.stringify(file, null, 2));
  };
  const saveScenario = () => {
    if (!trace) return;
    try {
      downloadText(`${safeFileName(trace.session)}.scenario.json`, traceScenarioText(trace.session, trace.entries, trace.truncated));
    } catch (error) {
      store.reportError(`cannot turn the trace into a scenario: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const openTrace = async (file: File | undefined) => {
    if (!file) return;
    try {
      store.openFile(parseTraceFile(await file.text()));
    } catch (error) {
      store.reportError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <h1>mfchart inspector</h1>
        <span className="title" data-testid="title">
          {snapshot.title}
        </span>
        <span className={`connection connection-${connection}`} data-testid="connection">
          {connection === 'file' ? 'saved trace' : connection}
        </span>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Open trace…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(event) => {
            void openTrace(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
        {snapshot.error && (
          <span className="error" role="alert">
            {snapshot.error}
          </span>
        )}
      </header>
      <SessionList sessions={snapshot.sessions} listVersion={snapshot.listVersion} selected={selected} onSelect={onSelect} />
      <main className="detail">
        {summary === undefined ? (
          <p className="hint">Select a session to see its statechart and trace. ← → step through the trace.</p>
        ) : (
          <>
            <div className="detail-head" data-testid="detail" data-session={summary.id}>
              <strong>{summary.id}</strong>
              <span className={`state-chip state-${summary.state}`}>{summary.state}</span>
              <span className="muted">{valueText(summary.value)}</span>
              {summary.clock !== undefined && (
                <span className="muted" data-testid="clock-state">
                  clock {summary.clock}
                </span>
              )}
              <span className="muted">
                {summary.adapter} · {summary.calls} calls{summary.lastHr === undefined ? '' : ` · last ${hrText(summary.lastHr)}`}
                {summary.faulted ? ' · faulted' : ''}
                {summary.released ? (summary.released.leak ? ' · leaked' : ' · released') : ''}
              </span>
              <span className="spacer" />
              <button type="button" onClick={saveTrace} disabled={!trace}>
                Save trace
              </button>
              <button
                type="button"
                onClick={saveScenario}
                disabled={!trace || trace.truncated}
                title={trace?.truncated ? 'the trace does not start at the session’s creation' : 'a scenario file that replays these calls'}
              >
                Save as scenario
              </button>
            </div>
          </>
        )}
        <div className="chart-tabs" role="tablist">
          {chartNames.map((name) => (
            <button key={name} type="button" role="tab" aria-selected={name === shownChartName} onClick={() => setChartName(name)}>
              {name}
            </button>
          ))}
          {canCompact && (
            <span className="chart-view-toggle" data-testid="chart-view">
              {compact && (
                <span
                  className="chart-legend muted"
                  data-testid="chart-legend"
                  title="Several states share these guarded landings. Each arrow into ◇ carries its event and guard, each arrow out the target's part of the guard (· = differs by source)."
                >
                  ◇ choice · hover an arrow for its full transitions
                </span>
              )}
              <button type="button" aria-pressed={compact} onClick={() => setCompact(true)} title="shared guarded fan-outs drawn through one choice node">
                compact
              </button>
              <button type="button" aria-pressed={!compact} onClick={() => setCompact(false)} title="every transition drawn from its own state">
                full
              </button>
            </span>
          )}
        </div>
        <div className="chart-area">
          {drawing ? (
            <StatechartView drawing={drawing} active={active} />
          ) : (
            <p className="hint">{layoutError ? `layout failed: ${layoutError}` : chart ? 'laying out…' : 'waiting for the runtime…'}</p>
          )}
        </div>
        {summary !== undefined &&
          (trace ? (
            <Timeline entries={trace.entries} step={step} live={live} canFollow={connection !== 'file'} onStep={onStep} />
          ) : (
            <p className="hint">loading trace…</p>
          ))}
      </main>
    </div>
  );
}
