/**
 * Trace entries as the timeline shows them: HRESULTs and media event types by their catalog names
 * (the same catalogs the statechart answers with, imported from machines/, which are pure data).
 * @module
 */
import { formatHr, hrName, hrHex, succeeded } from '../../machines/hresult.js';
import { eventName } from '../../machines/mediaEventType.js';
import type { TraceEntry } from '../live/protocol.js';
import { valueText } from './activeStates.js';

/** One timeline row's text. */
export interface EntryText {
  /** Short kind tag shown in a badge. */
  tag: 'call' | 'event' | 'state' | 'platform' | 'fault';
  /** The main text: `session.Start({…})`, `MESessionStarted`, `startSources request`, … */
  main: string;
  /** The outcome: the synchronous HRESULT, the event status, … */
  outcome?: string;
  /** True when the outcome is a failure code (drawn in red). */
  failed: boolean;
  /** Everything, for the row's tooltip. */
  full: string;
}

/** An HRESULT's name (`MF_E_SHUTDOWN`), or its hex value when the catalog does not know it. */
export const hrText = (hr: number): string => hrName(hr) ?? hrHex(hr);

const MAX_ARGS = 90;

/** Compact JSON of a call's arguments (without the `now` the session stamps on every call). */
export function argsText(args: Readonly<Record<string, unknown>>): string {
  const { now: _now, ...rest } = args as Record<string, unknown>;
  if (Object.keys(rest).length === 0) return '';
  let text: string;
  try {
    text = JSON.stringify(rest);
  } catch {
    text = '{…}';
  }
  return text.length > MAX_ARGS ? `${text.slice(0, MAX_ARGS - 1)}…` : text;
}

/** A getter's out value: an event out of GetEvent by its name and status, anything else as compact JSON. */
export function outText(out: unknown): string {
  if (typeof out === 'object' && out !== null && 'type' in out && 'status' in out) {
    const event = out as { type: unknown; status: unknown };
    if (typeof event.type === 'number' && typeof event.status === 'number') return `${eventName(event.type)} ${hrText(event.status)}`;
  }
  const text = JSON.stringify(out) ?? String(out);
  return text.length > MAX_ARGS ? `${text.slice(0, MAX_ARGS - 1)}…` : text;
}

/** The timeline text of one entry. */
export function entryText(entry: TraceEntry): EntryText {
  switch (entry.kind) {
    case 'call': {
      const args = argsText(entry.args);
      const out = entry.out === undefined ? '' : ` out ${outText(entry.out)}`;
      return {
        tag: 'call',
        main: `${entry.method}(${args})${out}`,
        outcome: hrText(entry.hr),
        failed: !succeeded(entry.hr),
        full: `#${entry.seq} call ${entry.method} ${JSON.stringify(entry.args)} → ${formatHr(entry.hr)}${
          entry.out === undefined ? '' : ` out ${JSON.stringify(entry.out)}`
        }`,
      };
    }
    case 'event':
      return {
        tag: 'event',
        main: eventName(entry.eventType),
        outcome: hrText(entry.status),
        failed: !succeeded(entry.status),
        full: `#${entry.seq} event ${eventName(entry.eventType)} (${entry.eventType}) status ${formatHr(entry.status)}${
          entry.value === undefined ? '' : ` value ${JSON.stringify(entry.value)}`
        }`,
      };
    case 'state':
      return { tag: 'state', main: `→ ${entry.state} (${valueText(entry.value)})`, failed: false, full: `#${entry.seq} state ${entry.state} ${JSON.stringify(entry.value)}` };
    case 'platform':
      return {
        tag: 'platform',
        main: `${entry.external ? 'external ' : ''}${entry.op} ${entry.phase}${entry.source === undefined ? '' : ` ${entry.source}`}${
          entry.stream === undefined ? '' : ` stream ${entry.stream}`
        }`,
        ...(entry.hr === undefined ? {} : { outcome: hrText(entry.hr) }),
        failed: entry.hr !== undefined && !succeeded(entry.hr),
        full: `#${entry.seq} platform ${entry.op} ${entry.phase}${entry.hr === undefined ? '' : ` ${formatHr(entry.hr)}`}`,
      };
    case 'fault':
      return { tag: 'fault', main: entry.message, failed: true, full: `#${entry.seq} fault ${entry.message}` };
  }
}
