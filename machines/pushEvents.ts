/**
 * The events of the IWMWriterPushSink statechart: `push.*` are IWMWriterPushSink calls
 * (Connect, Disconnect, EndSession), `sink.*` the IWMWriterSink data path the writer drives
 * (OnHeader, IsRealTime, AllocateDataUnit, OnDataUnit, OnEndWriting), and `net.*` what the network
 * adapter reports back. Time (`now`, 100-ns units on the adapter's clock) travels on every event.
 * Spec: `../shared/spec/wmf-push-sink.md` §4.1-§4.5.
 * @module
 */
import type { HResult } from './hresult.js';

/** A buffer handed to the sink (INSSBuffer): the model needs its length; `data` rides along for the adapter. */
export interface PushBuffer {
  length: number;
  data?: Uint8Array;
}

/** `now` on every event keeps the model pure. */
export interface PushTimed {
  now?: number;
}

/** IWMWriterPushSink and IWMWriterSink calls. A `null` pointer argument is `null`. */
export type PushCallEvent = PushTimed &
  (
    | { type: 'push.Connect'; url: string | null; templateUrl?: string | null; autoDestroy?: boolean }
    | { type: 'push.Disconnect' }
    | { type: 'push.EndSession' }
    | { type: 'sink.OnHeader'; header: PushBuffer | null }
    | { type: 'sink.IsRealTime'; nullPointer?: boolean }
    | { type: 'sink.AllocateDataUnit'; cbDataUnit: number; nullPointer?: boolean }
    | { type: 'sink.OnDataUnit'; unit: PushBuffer | null }
    | { type: 'sink.OnEndWriting' }
  );

/** The method names, as the legality matrix lists them. */
export const PUSH_CALLS = [
  'push.Connect',
  'push.Disconnect',
  'push.EndSession',
  'sink.OnHeader',
  'sink.IsRealTime',
  'sink.AllocateDataUnit',
  'sink.OnDataUnit',
  'sink.OnEndWriting',
] as const satisfies readonly PushCallEvent['type'][];

/** A method name without its namespace: `Connect`, `OnDataUnit`, ... */
export type PushMethod = PushCallEvent['type'] extends `${string}.${infer M}` ? M : never;

/**
 * The network operations the statechart asks for, one at a time, through the `requestNet` action;
 * each is answered by exactly one `net.done` with the same `op` (spec §4.4, the API → wire mapping).
 */
export type NetOp =
  /** TCP connect and PushSetup (authentication and redirects inside); answers the server's push-id. */
  | 'connect'
  /** PushStart request head, then `$H` with the header. */
  | 'pushStart'
  /** `$D` with one data packet (and, when Length-Remaining runs out, `$F` padding and a new PushStart). */
  | 'data'
  /**
   * `$D` for each of a run of queued data packets, in order, as one operation (a sink with
   * `maxBatch` > 1, decision P39). On failure its `net.done` says how many were written first.
   */
  | 'dataUnits'
  /** `$E` with Reason S_FALSE: this playlist entry ended, a `$C` follows. */
  | 'endOfEntry'
  /** `$C` with a new header. */
  | 'streamChange'
  /** `$E` with Reason S_OK, then the TCP connection is closed. */
  | 'endSession';

/** Input of the `connect` operation. */
export interface ConnectInput {
  host: string;
  port: number;
  /** The publishing point's path, the request line's target (`/pubPoint`). */
  path: string;
  /** The template publishing point reduced to its path (spec §2.4), or null. */
  templatePath: string | null;
  autoDestroy: boolean;
}

/** The parameters of the `requestNet` action. */
export type NetRequest =
  | { op: 'connect'; input: ConnectInput }
  | { op: 'pushStart' | 'streamChange'; input: { header: PushBuffer } }
  | { op: 'data'; input: { seq: number; unit: PushBuffer } }
  /** The data items at the head of the outbox, as they are queued (each `{ op: 'data', seq, unit }`). */
  | { op: 'dataUnits'; input: { units: readonly { op: 'data'; seq: number; unit: PushBuffer }[] } }
  | { op: 'endOfEntry' | 'endSession'; input: Record<string, never> };

/** What the network adapter reports. */
export type NetEvent = PushTimed &
  (
    /**
     * The operation asked for last finished: S_OK, or the failure mapped to an HRESULT (spec §4.7).
     * `written`: for a failed `dataUnits`, how many of its units were written before the failure
     * (they are acknowledged, the rest fail with the queue).
     */
    | { type: 'net.done'; op: NetOp; hr: HResult; pushId?: string; written?: number }
    /** The connection broke while no operation was asked for (server EOF, reset, a 408 between packets). */
    | { type: 'net.lost'; hr: HResult }
  );

/**
 * OnDataUnit called once per unit, in order, by a writer that had several units ready: one event
 * whose outcome is exactly that of a `sink.OnDataUnit` per unit (their replies come together as
 * one `mf.replies`, in order), except that the units after one that blocks are not handed — the caller hands them once
 * it returns (a second OnDataUnit while one is blocked would be refused, P21). Decision P39.
 */
export type PushUnitsEvent = PushTimed & { type: 'sink.OnDataUnits'; units: readonly PushBuffer[] };

/** Every event the push sink accepts. */
export type PushSinkEvent = PushCallEvent | PushUnitsEvent | NetEvent;

/** The blocking calls: their `mf.reply` is provisional (`out.pending`), their HRESULT comes as `mf.complete`. */
export type BlockingCall = 'Connect' | 'EndSession' | 'OnDataUnit';

/** What the push sink emits to its runtime. */
export type PushSinkEmitted =
  /** A call's synchronous HRESULT (and out value). `out: { pending: true }` means the call blocks. */
  | { type: 'mf.reply'; hr: HResult; out?: unknown }
  /**
   * The replies of a `sink.OnDataUnits` event, one per unit handed, in order (the units after one
   * that blocks are not handed); `blocked`: the last one blocks, as an `mf.reply` with `out.pending`.
   */
  | { type: 'mf.replies'; hrs: HResult[]; blocked: boolean }
  /** A blocked call returns. */
  | { type: 'mf.complete'; call: BlockingCall; hr: HResult }
  /** IWMStatusCallback::OnStatus(WMT_ERROR, hr): the connection failed asynchronously. */
  | { type: 'mf.status'; hr: HResult }
  /** Data units accepted earlier (OnDataUnit returned) that were never written, by sequence number. */
  | { type: 'mf.unitsFailed'; seqs: number[]; hr: HResult };
