/**
 * What every call and every network report does to the push sink, as one pure function of the
 * state, the context and the event: the next state and context, what is emitted (the call's
 * `mf.reply` first) and which network effects are asked for. The legality matrix of
 * wmf-push-sink.md §4.5 lives here; every cell the spec leaves [proposed] is decided in
 * docs/decisions.md, "Push sink (IWMWriterPushSink)".
 * @module
 */
import { HR, type HResult } from './hresult.js';
import type { BlockingCall, NetRequest, PushBuffer, PushCallEvent, PushSinkEmitted, PushSinkEvent } from './pushEvents.js';
import { checkConnectArgs } from './pushUrl.js';
import { queuedUnits, type Outgoing, type PushSinkContext, type PushSinkState } from './pushSinkContext.js';

/** The largest header OnHeader accepts: the `$C` limit, so any header can go out as `$H` or `$C` (§2.5). */
export const MAX_HEADER_BYTES = 65_527;
/** The largest data unit: a `$D` PacketLength is a u16 and `$D` has no Reason (§2.5). */
export const MAX_DATA_UNIT_BYTES = 65_535;

/** A network effect the statechart asks its adapter for. */
export type PushEffect = { type: 'requestNet'; params: NetRequest } | { type: 'cancelNet' } | { type: 'closeConnection' };

/** The outcome of one event. */
export interface PushStep {
  state: PushSinkState;
  context: PushSinkContext;
  emitted: PushSinkEmitted[];
  effects: PushEffect[];
}

/** The reply of a call that blocks: the HRESULT comes later as `mf.complete`. */
export const PENDING = { pending: true } as const;

const STREAMING = (state: PushSinkState) => state === 'streaming.afterHeader' || state === 'streaming.afterEndOfEntry';

/** A mutable draft of one step. */
class Draft {
  state: PushSinkState;
  ctx: PushSinkContext;
  emitted: PushSinkEmitted[] = [];
  effects: PushEffect[] = [];
  /** Whether `ctx.outbox` is this draft's own array (copied once, then appended to). */
  private outboxOwned = false;
  private queuedCount: number | undefined;
  /** While set (OnDataUnits), replies are collected here as bare HRESULTs for one `mf.replies`, not emitted one by one. */
  replyHrs: HResult[] | null = null;
  constructor(state: PushSinkState, ctx: PushSinkContext, readonly now: number | undefined) {
    this.state = state;
    this.ctx = { ...ctx };
  }
  reply(hr: HResult, out?: unknown): this {
    if (this.replyHrs) this.replyHrs.push(hr);
    else this.emitted.push(out === undefined ? { type: 'mf.reply', hr } : { type: 'mf.reply', hr, out });
    return this;
  }
  go(state: PushSinkState): this {
    if (state !== this.state && this.now !== undefined) this.ctx.since = this.now;
    this.state = state;
    return this;
  }
  block(call: BlockingCall): this {
    this.ctx.blocked = [...this.ctx.blocked, call];
    return this.reply(HR.S_OK, PENDING);
  }
  complete(call: BlockingCall, hr: HResult): this {
    if (!this.ctx.blocked.includes(call)) return this;
    this.ctx.blocked = this.ctx.blocked.filter((c) => c !== call);
    this.emitted.push({ type: 'mf.complete', call, hr });
    return this;
  }
  send(item: Outgoing): this {
    // The draft copies the outbox once, then appends: an event may queue many units (OnDataUnits).
    if (!this.outboxOwned) {
      this.ctx.outbox = this.ctx.outbox.slice();
      this.outboxOwned = true;
    }
    (this.ctx.outbox as Outgoing[]).push(item);
    if (item.op === 'data') {
      this.ctx.queuedBytes += item.unit.length;
      if (this.queuedCount !== undefined) this.queuedCount++;
    }
    return this;
  }
  /** Data units in the outbox, counted once per step and kept up to date by `send`. */
  queued(): number {
    return (this.queuedCount ??= queuedUnits(this.ctx));
  }
  /** More units, or more bytes of them, wait than the backpressure bounds allow (P21, P41). */
  overBound(): boolean {
    return this.queued() > this.ctx.maxQueued || this.ctx.queuedBytes > this.ctx.maxQueuedBytes;
  }
  /** A unit handed and refused at once: reported to the caller by the call's HRESULT. */
  refuseUnit(hr: HResult): this {
    this.ctx.handed++;
    this.ctx.nextSeq++;
    this.ctx.failed++;
    return this.reply(hr);
  }
  /** Drops every queued operation; the data units among them are reported failed with `hr`. */
  dropOutbox(hr: HResult): this {
    if (this.ctx.inFlight) this.effects.push({ type: 'cancelNet' });
    const seqs = this.ctx.outbox.flatMap((item) => (item.op === 'data' ? [item.seq] : []));
    this.ctx.outbox = [];
    this.outboxOwned = true;
    this.queuedCount = 0;
    this.ctx.queuedBytes = 0;
    this.ctx.inFlight = false;
    this.ctx.inFlightItems = 0;
    if (seqs.length > 0) {
      this.ctx.failed += seqs.length;
      this.emitted.push({ type: 'mf.unitsFailed', seqs, hr });
    }
    return this;
  }
  close(): this {
    this.effects.push({ type: 'closeConnection' });
    return this;
  }
  /** The connection failed: queued units fail, blocked calls return, the app is told (OnStatus). */
  broken(hr: HResult): this {
    this.dropOutbox(hr).close();
    this.ctx.lastError = hr;
    this.emitted.push({ type: 'mf.status', hr });
    this.complete('EndSession', HR.NS_E_CONNECTION_FAILURE);
    this.complete('OnDataUnit', HR.NS_E_CONNECTION_FAILURE);
    return this.go('broken');
  }
  /** Asks for the head of the FIFO when nothing is in flight, and lets a blocked OnDataUnit return. */
  pump(): this {
    if (this.ctx.blocked.includes('OnDataUnit') && !this.overBound()) this.complete('OnDataUnit', HR.S_OK);
    const head = this.ctx.outbox[0];
    if (!this.ctx.inFlight && head) {
      this.ctx.inFlight = true;
      const run = head.op === 'data' && this.ctx.maxBatch > 1 ? dataRun(this.ctx.outbox, this.ctx.maxBatch) : [];
      this.ctx.inFlightItems = Math.max(1, run.length);
      this.effects.push({ type: 'requestNet', params: run.length > 1 ? { op: 'dataUnits', input: { units: run } } : netRequest(head) });
    }
    return this;
  }
  /** Takes the first `count` outbox items off as written; the data units among them are acknowledged. */
  written(count: number): this {
    for (let i = 0; i < count; i++) {
      const item = this.ctx.outbox[i]!;
      if (item.op !== 'data') continue;
      this.ctx.acked++;
      this.ctx.queuedBytes -= item.unit.length;
    }
    this.ctx.outbox = this.ctx.outbox.slice(count);
    this.outboxOwned = true;
    this.queuedCount = undefined;
    return this;
  }
  done(): PushStep {
    return { state: this.state, context: this.ctx, emitted: this.emitted, effects: this.effects };
  }
}

/** The data units at the head of the outbox, at most `max` (decision P39: they go out as one operation). */
function dataRun(outbox: readonly Outgoing[], max: number): readonly Extract<Outgoing, { op: 'data' }>[] {
  let n = 0;
  while (n < outbox.length && n < max && outbox[n]!.op === 'data') n++;
  // The outbox items themselves (each carries its seq and unit): no copy per unit.
  return outbox.slice(0, n) as Extract<Outgoing, { op: 'data' }>[];
}

function netRequest(item: Outgoing): NetRequest {
  switch (item.op) {
    case 'pushStart':
    case 'streamChange':
      return { op: item.op, input: { header: item.header } };
    case 'data':
      return { op: 'data', input: { seq: item.seq, unit: item.unit } };
    default:
      return { op: item.op, input: {} };
  }
}

/** The code a data-path call gets where no connection carries data. */
function noDataPath(state: PushSinkState): HResult | undefined {
  if (state === 'broken') return HR.NS_E_CONNECTION_FAILURE;
  if (state === 'created' || state === 'connecting' || state === 'ending' || state === 'ended') return HR.NS_E_NOCONNECTION;
  return undefined;
}

function connect(d: Draft, event: Extract<PushCallEvent, { type: 'push.Connect' }>): Draft {
  const args = checkConnectArgs(event.url, event.templateUrl, event.autoDestroy ?? false);
  if (!args.ok) return d.reply(args.hr);
  if (d.state !== 'created' && d.state !== 'ended' && d.state !== 'broken') return d.reply(HR.NS_E_ALREADY_CONNECTED);
  d.ctx.target = args.input;
  d.ctx.pushId = '0';
  d.ctx.lastError = HR.S_OK;
  d.block('Connect').go('connecting');
  d.effects.push({ type: 'requestNet', params: { op: 'connect', input: args.input } });
  d.ctx.inFlight = true;
  d.ctx.inFlightItems = 0;
  return d;
}

function disconnect(d: Draft): Draft {
  d.reply(HR.S_OK);
  switch (d.state) {
    case 'created':
    case 'ended':
      return d;
    case 'broken':
      return d.go('created');
    case 'connecting':
      d.effects.push({ type: 'cancelNet' });
      d.ctx.inFlight = false;
      d.ctx.inFlightItems = 0;
      return d.close().complete('Connect', HR.NS_E_SHUTDOWN).go('created');
    default:
      // connected, streaming, ending: close without `$E`; what was not written is dropped.
      d.dropOutbox(HR.NS_E_SHUTDOWN).close();
      d.complete('EndSession', HR.NS_E_NOCONNECTION).complete('OnDataUnit', HR.NS_E_SHUTDOWN);
      return d.go('created');
  }
}

function endSession(d: Draft): Draft {
  switch (d.state) {
    case 'broken':
      return d.reply(HR.NS_E_CONNECTION_FAILURE);
    case 'connected':
      return d.reply(HR.S_OK).close().go('ended');
    case 'streaming.afterHeader':
    case 'streaming.afterEndOfEntry':
      return d.block('EndSession').send({ op: 'endSession' }).go('ending').pump();
    default:
      // created, connecting, ending, ended
      return d.reply(HR.NS_E_NOCONNECTION);
  }
}

function onHeader(d: Draft, event: Extract<PushCallEvent, { type: 'sink.OnHeader' }>): Draft {
  const header = event.header;
  if (header === null || header.length === 0 || header.length > MAX_HEADER_BYTES) return d.reply(HR.E_INVALIDARG);
  const refused = noDataPath(d.state);
  if (refused !== undefined) return d.reply(refused);
  d.ctx.header = header;
  d.reply(HR.S_OK);
  if (d.state === 'connected') return d.send({ op: 'pushStart', header }).go('streaming.afterHeader').pump();
  if (d.state === 'streaming.afterEndOfEntry') return d.send({ op: 'streamChange', header }).go('streaming.afterHeader').pump();
  return d; // streaming.afterHeader: remembered; a `$C` may only follow `$E(1)`
}

function onDataUnit(d: Draft, event: Extract<PushCallEvent, { type: 'sink.OnDataUnit' }>): Draft {
  return handUnit(d, event.unit) === 'refused' ? d : d.pump();
}

/** OnDataUnit for each unit until one blocks; the network is asked once, after them (decision P39). */
function onDataUnits(d: Draft, units: readonly PushBuffer[]): Draft {
  let accepted = false;
  let blocked = false;
  // handUnit emits only replies: one `mf.replies` carries them (one emitted event per step, not per unit).
  const hrs: HResult[] = [];
  d.replyHrs = hrs;
  for (const unit of units) {
    const outcome = handUnit(d, unit);
    if (outcome !== 'refused') accepted = true;
    if (outcome === 'blocked') {
      blocked = true;
      break;
    }
  }
  d.replyHrs = null;
  d.emitted.push({ type: 'mf.replies', hrs, blocked });
  return accepted ? d.pump() : d;
}

/** One OnDataUnit's reply and queueing, without asking the network (the caller pumps). */
function handUnit(d: Draft, unit: PushBuffer | null): 'refused' | 'queued' | 'blocked' {
  if (unit === null) return d.reply(HR.E_INVALIDARG), 'refused';
  if (unit.length === 0 || unit.length > MAX_DATA_UNIT_BYTES) return d.refuseUnit(HR.E_INVALIDARG), 'refused';
  const refused = noDataPath(d.state);
  if (refused !== undefined) return d.refuseUnit(refused), 'refused';
  if (d.ctx.blocked.includes('OnDataUnit')) return d.refuseUnit(HR.NS_E_INVALID_REQUEST), 'refused';
  const header = d.ctx.header;
  if (d.state === 'connected') {
    if (header === null) return d.refuseUnit(HR.NS_E_INVALID_REQUEST), 'refused';
    d.send({ op: 'pushStart', header }).go('streaming.afterHeader');
  } else if (d.state === 'streaming.afterEndOfEntry') {
    d.send({ op: 'streamChange', header: header! }).go('streaming.afterHeader');
  }
  const seq = d.ctx.nextSeq++;
  d.ctx.handed++;
  d.send({ op: 'data', seq, unit });
  if (d.overBound()) return d.block('OnDataUnit'), 'blocked';
  d.reply(HR.S_OK);
  return 'queued';
}

function onEndWriting(d: Draft): Draft {
  const refused = noDataPath(d.state);
  if (refused !== undefined) return d.reply(refused);
  d.reply(HR.S_OK);
  if (d.state === 'streaming.afterHeader') return d.send({ op: 'endOfEntry' }).go('streaming.afterEndOfEntry').pump();
  return d; // connected: nothing was sent; afterEndOfEntry: already ended
}

function netDone(d: Draft, event: Extract<PushSinkEvent, { type: 'net.done' }>): Draft {
  const ok = event.hr >>> 0 < 0x80000000;
  if (d.state === 'connecting') {
    if (event.op !== 'connect' || !d.ctx.inFlight) return d;
    d.ctx.inFlight = false;
    if (!ok) {
      d.ctx.lastError = event.hr >>> 0;
      return d.complete('Connect', event.hr >>> 0).go('created');
    }
    if (event.pushId !== undefined) d.ctx.pushId = event.pushId;
    return d.complete('Connect', HR.S_OK).go('connected');
  }
  if (!(STREAMING(d.state) || d.state === 'ending')) return d;
  const head = d.ctx.outbox[0];
  const items = d.ctx.inFlightItems;
  const asked = items > 1 ? 'dataUnits' : head?.op;
  if (!d.ctx.inFlight || !head || asked !== event.op) return d; // not what was asked for: ignored
  d.ctx.inFlight = false;
  d.ctx.inFlightItems = 0;
  if (!ok) {
    // Units of a run written before the failure are acknowledged; the rest (the failed operation's
    // unit included) are still queued and fail with them.
    if (event.op === 'dataUnits') d.written(Math.min(items, Math.max(0, Math.floor(event.written ?? 0) || 0)));
    return d.broken(event.hr >>> 0);
  }
  d.written(Math.max(1, items));
  if (head.op === 'endSession') return d.complete('EndSession', HR.S_OK).go('ended');
  return d.pump();
}

/**
 * One step of the push sink: the outcome of `event` in `state`, or undefined when the state ignores
 * the event (unknown types, network reports nothing asked for).
 */
export function pushSinkStep(state: PushSinkState, ctx: PushSinkContext, event: PushSinkEvent): PushStep | undefined {
  const d = new Draft(state, ctx, event.now);
  switch (event.type) {
    case 'push.Connect':
      return connect(d, event).done();
    case 'push.Disconnect':
      return disconnect(d).done();
    case 'push.EndSession':
      return endSession(d).done();
    case 'sink.OnHeader':
      return onHeader(d, event).done();
    case 'sink.OnDataUnit':
      return onDataUnit(d, event).done();
    case 'sink.OnDataUnits':
      return onDataUnits(d, event.units).done();
    case 'sink.OnEndWriting':
      return onEndWriting(d).done();
    case 'sink.IsRealTime':
      return d.reply(event.nullPointer ? HR.E_POINTER : HR.S_OK, event.nullPointer ? undefined : true).done();
    case 'sink.AllocateDataUnit':
      if (event.nullPointer) return d.reply(HR.E_POINTER).done();
      if (!(event.cbDataUnit >= 0) || event.cbDataUnit > MAX_DATA_UNIT_BYTES) return d.reply(HR.E_INVALIDARG).done();
      return d.reply(HR.S_OK, { cbDataUnit: event.cbDataUnit }).done();
    case 'net.done':
      return netDone(d, event).done();
    case 'net.lost':
      if (state === 'connected' || state === 'ending' || STREAMING(state)) return d.broken(event.hr >>> 0).done();
      return undefined;
    default:
      return undefined;
  }
}
