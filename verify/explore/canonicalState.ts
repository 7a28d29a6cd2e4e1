/**
 * The canonical key of a session snapshot: everything that affects the session's future
 * behaviour (replies, events queued, callbacks, pipeline requests, the next states) and nothing
 * else. Two snapshots with the same key answer every input sequence alike, so the explorer keeps
 * one of them. What is left out, and why:
 *
 * - absolute times (`now`, the clock's anchors, `stopTime`): the explorer compares no times, and
 *   the clock's state/rate carry everything a state decision reads;
 * - object serials and TOPOIDs (`serial`, `passedObject`, `object`, `topoId`, `topologiesSeen`):
 *   every SetTopology call gets a fresh object, so no identity comparison the alphabet can make
 *   (CLEAR_CURRENT with the current object, GetFullTopology by TOPOID) ever depends on them; the
 *   queued and removed lists are kept as sets of shapes, which is all ClearTopologies and Shutdown read;
 * - the event queue's contents, by default (`length` detail): the table records replies' HRESULTs,
 *   not the event GetEvent hands out, so only the length decides a future reply; `content` keeps
 *   (type, status, value kind) when a caller compares out values;
 * - the runtime `key`, event attributes and VT_UNKNOWN object identities: they travel in replies'
 *   out values, which the table does not record (it records HRESULTs and event types/statuses).
 * @module
 */
import type { SessionContext } from '../../machines/sessionContext.js';
import type { MediaEvent, SessionTopology } from '../../machines/types.js';
import { statePath, type SessionSnapshot } from './alphabet.js';

/** The canonical state, field by field (the key is this, serialised). */
export interface CanonicalState {
  /** The active state node: which transitions exist at all, and which operation is pending. */
  readonly path: string;
  /** The settled state the session is in or left: how the head command will run (planCommand). */
  readonly settled: string;
  /** The command FIFO, kinds and argument classes: each owes its completion, in this order. */
  readonly commands: readonly string[];
  /** The event queue, (type, status, value kind) or its length: GetEvent/EndGetEvent answers and whether a callback is due. */
  readonly events: readonly string[];
  /** The BeginGetEvent subscription: MULTIPLE_BEGIN/SUBSCRIBERS answers, the callback due. */
  readonly sub: string;
  /** SOURCE_SHUTDOWN / PRESENTATION_ENDING / PRESENTATION_ENDED: short-circuits and the end of the presentation. */
  readonly flags: number;
  /** MFSESSIONCAP_*: GetSessionCapabilities and every MESessionCapabilitiesChanged delta. */
  readonly caps: number;
  /** MF_TOPOSTATUS_*: MESessionTopologyStatus is queued only when it increases. */
  readonly topoStatus: number;
  /** Current topology's shape, and the distinct shapes of the queued and removed ones: caps, Shutdown's sinks. */
  readonly current: string;
  readonly queued: readonly string[];
  readonly removed: readonly string[];
  /** The clock: state (Start/Pause/Stop outcomes), time source, shutdown, rate (SetRate no-ops, RateChanged values). */
  readonly clock: string;
  /** The committed thinning flag: SetRate's "same rate and thinning" shortcut. */
  readonly thin: boolean;
}

/** Infos (sources, sinks, transforms) serialised once per topology object: they are immutable. */
const shapeCache = new WeakMap<SessionTopology, string>();
function shape(topology: SessionTopology): string {
  let text = shapeCache.get(topology);
  if (text === undefined) {
    text = JSON.stringify([topology.sources, topology.sinks, topology.transforms]);
    shapeCache.set(topology, text);
  }
  return text;
}

/** The distinct shapes of a topology list, sorted: all that Shutdown and ClearTopologies read of it. */
function shapeSet(list: readonly SessionTopology[]): string[] {
  if (list.length === 0) return [];
  return [...new Set(list.map(shape))].sort();
}

/** A command's kind and argument class (the topology spec minus its TOPOID, the position, the rate). */
function commandKey(command: SessionContext['commands'][number]): string {
  switch (command.kind) {
    case 'SetTopology': {
      const spec = command.topology ? JSON.stringify({ ...command.topology, topoId: undefined }) : 'NULL';
      return `SetTopology(${command.flags},${spec})`;
    }
    case 'Start':
      return command.position.vt === 'VT_I8' ? `Start(${command.position.value})` : 'Start(EMPTY)';
    case 'SetRate':
      return `SetRate(${command.thin},${command.rate})`;
    default:
      return command.kind;
  }
}

function eventKey(event: MediaEvent): string {
  return `${event.type}/${event.status}/${event.value.vt}`;
}

/** How much of the event queue the key keeps. */
export type EventQueueDetail = 'content' | 'length';

/** The canonical state of a snapshot (see the module comment for what is left out). */
export function canonicalState(snapshot: SessionSnapshot, events: EventQueueDetail = 'length'): CanonicalState {
  const ctx = snapshot.context;
  const clock = ctx.clock;
  return {
    path: statePath(snapshot),
    settled: ctx.settled,
    commands: ctx.commands.map(commandKey),
    events: events === 'content' ? ctx.events.map(eventKey) : [String(ctx.events.length)],
    sub: ctx.sub ? `${ctx.sub.callback}/${ctx.sub.state ?? 'NULL'}/${ctx.sub.invoked ? 'invoked' : 'waiting'}` : '-',
    flags: ctx.flags,
    caps: ctx.caps,
    topoStatus: ctx.topoStatus,
    current: ctx.current ? shape(ctx.current) : '-',
    queued: shapeSet(ctx.queued),
    removed: shapeSet(ctx.removed),
    clock: `${clock.state}/${clock.hasTimeSource ? 'ts' : 'no-ts'}/${clock.shutdown ? 'shut' : 'live'}/${clock.rate}`,
    thin: ctx.thin,
  };
}

/** The canonical key: {@link canonicalState}, serialised. Equal keys, equal futures. */
export function canonicalKey(snapshot: SessionSnapshot, events: EventQueueDetail = 'length'): string {
  const s = canonicalState(snapshot, events);
  return [
    s.path,
    s.settled,
    s.commands.join(','),
    s.events.join(','),
    s.sub,
    s.flags,
    s.caps,
    s.topoStatus,
    s.current,
    s.queued.join(','),
    s.removed.join(','),
    s.clock,
    s.thin,
  ].join('|');
}
