/**
 * The selected session's trace as a timeline — calls with their synchronous HRESULTs, events with
 * their statuses, state changes, platform operations, faults — and the stepper that moves through
 * it (slider, previous / next, follow live). Rows after the cursor are dimmed; clicking a row
 * steps to it.
 * @module
 */
import { memo } from 'react';
import type { TraceEntry } from '../live/protocol.js';
import { entryText } from './entryText.js';
import { WindowedList } from './WindowedList.js';

const ROW_HEIGHT = 22;

/** Props of {@link Timeline}. */
export interface TimelineProps {
  entries: readonly TraceEntry[];
  /** Entries applied at the shown step. */
  step: number;
  /** True while the cursor follows new entries. */
  live: boolean;
  /** False for a saved trace (nothing to follow). */
  canFollow: boolean;
  onStep: (step: number | 'live') => void;
}

/** See the module comment. */
export const Timeline = memo(function Timeline({ entries, step, live, canFollow, onStep }: TimelineProps) {
  const renderRow = (index: number) => {
    const entry = entries[index];
    const text = entryText(entry);
    const classes = ['entry', `entry-${text.tag}`, index < step ? 'applied' : 'pending', index === step - 1 ? 'current' : ''].join(' ');
    return (
      <button type="button" className={classes} title={text.full} data-seq={entry.seq} data-kind={entry.kind} onClick={() => onStep(index + 1)}>
        <span className="entry-seq">{entry.seq}</span>
        <span className={`entry-tag tag-${text.tag}`}>{text.tag}</span>
        <span className="entry-main">{text.main}</span>
        {text.outcome !== undefined && <span className={`entry-outcome ${text.failed ? 'failed' : 'ok'}`}>{text.outcome}</span>}
      </button>
    );
  };

  return (
    <section className="timeline" aria-label="timeline">
      <div className="stepper">
        <button type="button" aria-label="first step" onClick={() => onStep(0)} disabled={step === 0}>
          ⇤
        </button>
        <button type="button" aria-label="previous step" onClick={() => onStep(step - 1)} disabled={step === 0}>
          ◀
        </button>
        <input
          type="range"
          aria-label="step"
          min={0}
          max={entries.length}
          value={step}
          onChange={(event) => onStep(Number(event.target.value))}
        />
        <button type="button" aria-label="next step" onClick={() => onStep(step + 1)} disabled={step >= entries.length}>
          ▶
        </button>
        <button type="button" aria-label="follow live" className={live ? 'live on' : 'live'} onClick={() => onStep('live')} disabled={!canFollow}>
          live
        </button>
        <span className="step-text" data-testid="step" data-step={step} data-total={entries.length}>
          step {step} / {entries.length}
        </span>
      </div>
      <WindowedList count={entries.length} rowHeight={ROW_HEIGHT} renderRow={renderRow} revealIndex={Math.max(0, step - 1)} label="trace entries" className="entries" />
    </section>
  );
});
