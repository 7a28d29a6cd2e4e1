/**
 * What the differential runner observes at each step of an ordering, and how two observations are
 * compared: the synchronous HRESULT and out value, then the events in the two views Windows' tests
 * and full sequences use — "the next event of type X" (per type, cumulative) and the whole sequence.
 * @module
 */
import { hrHex, hrName, type HResult } from '../../machines/hresult.js';
import { eventName } from '../../machines/mediaEventType.js';
import type { MediaEvent, PublicState } from '../../machines/types.js';
import type { SutAction } from '../sut/sutActions.js';
import { describeAction, isCall } from '../sut/sutActions.js';

/** An event as compared: its type name and status name. */
export interface ObservedEvent {
  type: string;
  status: string;
}

/** What one step showed on one side. */
export interface StepObservation {
  /** A call's synchronous HRESULT (absent for platform actions). */
  hr?: HResult;
  /** A getter's out value. */
  out?: unknown;
  /** The events read after the step, in order. */
  events: ObservedEvent[];
}

/** How two sides parted. */
export type DivergenceKind =
  /** different synchronous HRESULTs */
  | 'hr'
  /** same HRESULT, different out value */
  | 'out'
  /** the "next event of type X" view differs: an event missing, extra, or with another status */
  | 'event'
  /** only the full sequence differs: the same events per type, in another order */
  | 'order';

/** The first point where a SUT answered differently from the reference. */
export interface Divergence {
  /** Index of the action in the ordering. */
  step: number;
  /** The method (`Stop`) or platform action (`shutdownSource`). */
  action: string;
  /** The action in readable form. */
  description: string;
  /** The reference's public state before the action. */
  state: PublicState;
  kind: DivergenceKind;
  /** For `event`: the type whose view differs. */
  eventType?: string;
  /** What the reference did, readable. */
  expected: string;
  /** What the SUT did, readable. */
  actual: string;
}

/** `S_OK`, `MF_E_SHUTDOWN`, or the hex of a value the catalog does not name. */
export function hrText(hr: HResult): string {
  return hrName(hr) ?? hrHex(hr);
}

/** The compared form of an event. */
export function observeEvent(event: MediaEvent): ObservedEvent {
  return { type: eventName(event.type), status: hrText(event.status) };
}

const eventText = (event: ObservedEvent) => `${event.type}(${event.status})`;
const listText = (events: readonly ObservedEvent[]) => `[${events.map(eventText).join(', ')}]`;

/** Per-type status lists, accumulated over the steps of one ordering (the "next event of type X" view). */
export type TypeView = Map<string, string[]>;

function addToView(view: TypeView, events: readonly ObservedEvent[]): void {
  for (const event of events) {
    const list = view.get(event.type);
    if (list) list.push(event.status);
    else view.set(event.type, [event.status]);
  }
}

/**
 * Compares one step. `refView` and `sutView` are the per-type views before the step; they are
 * updated with the step's events.
 */
export function compareStep(
  step: number,
  action: SutAction,
  state: PublicState,
  ref: StepObservation,
  sut: StepObservation,
  refView: TypeView,
  sutView: TypeView,
): Divergence | undefined {
  const base = { step, action: isCall(action) ? action.call : action.platform, description: describeAction(action), state };
  if (ref.hr !== sut.hr) return { ...base, kind: 'hr', expected: ref.hr === undefined ? '-' : hrText(ref.hr), actual: sut.hr === undefined ? '-' : hrText(sut.hr) };
  if (JSON.stringify(ref.out) !== JSON.stringify(sut.out)) return { ...base, kind: 'out', expected: JSON.stringify(ref.out) ?? 'none', actual: JSON.stringify(sut.out) ?? 'none' };
  addToView(refView, ref.events);
  addToView(sutView, sut.events);
  for (const type of new Set([...refView.keys(), ...sutView.keys()])) {
    const want = refView.get(type) ?? [];
    const got = sutView.get(type) ?? [];
    if (want.length !== got.length || want.some((status, i) => status !== got[i])) {
      const only = (events: readonly ObservedEvent[]) => listText(events.filter((event) => event.type === type));
      return { ...base, kind: 'event', eventType: type, expected: only(ref.events), actual: only(sut.events) };
    }
  }
  if (listText(ref.events) !== listText(sut.events)) return { ...base, kind: 'order', expected: listText(ref.events), actual: listText(sut.events) };
  return undefined;
}

/** One line: `step 2 Stop() in closed: event MESessionStopped: expected [..] got [..]`. */
export function formatDivergence(divergence: Divergence): string {
  const what = divergence.kind === 'event' ? `event ${divergence.eventType}` : divergence.kind;
  return `step ${divergence.step} ${divergence.description} (reference state ${divergence.state}): ${what}: expected ${divergence.expected}, got ${divergence.actual}`;
}
