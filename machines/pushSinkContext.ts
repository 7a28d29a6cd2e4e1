/**
 * The context of the IWMWriterPushSink statechart: the connection's target and push-id, the last
 * header (re-sent when the protocol needs one), the outgoing FIFO of wire operations (one in flight
 * at a time), the calls blocked on the network, and the data-unit accounting that proves nothing is
 * lost: every unit handed to OnDataUnit is acknowledged (written), reported failed, or still queued.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import type { BlockingCall, ConnectInput, PushBuffer } from './pushEvents.js';

/** The statechart's states, flattened (`streaming.*` are the two substates of §2.11 Figure 9). */
export type PushSinkState =
  | 'created'
  | 'connecting'
  | 'connected'
  | 'streaming.afterHeader'
  | 'streaming.afterEndOfEntry'
  | 'ending'
  | 'ended'
  | 'broken';

/** Every state, in lifecycle order. */
export const PUSH_SINK_STATES: readonly PushSinkState[] = [
  'created',
  'connecting',
  'connected',
  'streaming.afterHeader',
  'streaming.afterEndOfEntry',
  'ending',
  'ended',
  'broken',
];

/** One wire operation waiting in the outgoing FIFO. */
export type Outgoing =
  | { op: 'pushStart' | 'streamChange'; header: PushBuffer }
  | { op: 'data'; seq: number; unit: PushBuffer }
  | { op: 'endOfEntry' }
  | { op: 'endSession' };

/** The push sink's context. */
export interface PushSinkContext {
  /** Where Connect connects (checked arguments), null before the first Connect. */
  target: ConnectInput | null;
  /** The push-id cookie: "0" until a PushSetup response gives one ([MS-WMHTTP] §2.2.1.3). */
  pushId: string;
  /** The last header OnHeader accepted: sent as `$H` after a reconnect, or as `$C` after `$E(1)`. */
  header: PushBuffer | null;
  /** Wire operations not yet acknowledged, FIFO; the head is in flight when `inFlight`. */
  outbox: readonly Outgoing[];
  inFlight: boolean;
  /** How many outbox items, from the head, the operation in flight covers (more than 1 only for `dataUnits`). */
  inFlightItems: number;
  /** Calls that block on the network and have not returned. */
  blocked: readonly BlockingCall[];
  /** OnDataUnit blocks (backpressure) while more than this many data units wait to be written... */
  maxQueued: number;
  /** ...or while their bytes are more than this (decision P41). */
  maxQueuedBytes: number;
  /** Bytes of the data units in the outbox (in flight included). */
  queuedBytes: number;
  /** The most queued data units one network operation carries (1: one `data` per unit). */
  maxBatch: number;
  /** Data-unit accounting: `handed = acked + failed + queued` at every step. */
  nextSeq: number;
  handed: number;
  acked: number;
  failed: number;
  /** The failure that broke the last connection (S_OK when none). */
  lastError: HResult;
  /** When the current state was entered (100-ns units). */
  since: number;
}

/** Options of a push sink. */
export interface PushSinkInput {
  /** Data units that may wait for the network before OnDataUnit blocks (default 256). */
  maxQueued?: number;
  /** Bytes of data units that may wait for the network before OnDataUnit blocks (default 1 MiB; decision P41). */
  maxQueuedBytes?: number;
  /**
   * The most queued data units handed to the network as one `dataUnits` operation and acknowledged
   * by its one `net.done` (default 1: a `data` operation per unit). Decision P39.
   */
  maxBatch?: number;
}

/**
 * The default backpressure bounds (decision P41): OnDataUnit blocks past 256 units or 1 MiB waiting,
 * whichever comes first — 16 units of the largest size (64 KiB), a few hundred small ones.
 */
export const DEFAULT_MAX_QUEUED = 256;
export const DEFAULT_MAX_QUEUED_BYTES = 1_048_576;

/** A fresh sink (WMCreateWriterPushSink). */
export function initialPushSinkContext(input?: PushSinkInput): PushSinkContext {
  return {
    target: null,
    pushId: '0',
    header: null,
    outbox: [],
    inFlight: false,
    inFlightItems: 0,
    blocked: [],
    maxQueued: Math.max(1, input?.maxQueued ?? DEFAULT_MAX_QUEUED),
    maxQueuedBytes: Math.max(1, input?.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES),
    queuedBytes: 0,
    maxBatch: Math.max(1, Math.floor(input?.maxBatch ?? 1) || 1),
    nextSeq: 0,
    handed: 0,
    acked: 0,
    failed: 0,
    lastError: HR.S_OK,
    since: 0,
  };
}

/** Data units waiting to be written (in flight included). */
export function queuedUnits(ctx: Pick<PushSinkContext, 'outbox'>): number {
  let n = 0;
  for (const item of ctx.outbox) if (item.op === 'data') n++;
  return n;
}

/** The nothing-lost invariant: every unit handed is acknowledged, reported failed, or still queued. */
export function unitsAccounted(ctx: PushSinkContext): boolean {
  return ctx.handed === ctx.acked + ctx.failed + queuedUnits(ctx);
}
