/**
 * The push sink on real sockets: the IWMWriterPushSink statechart (machines/pushSinkMachine.ts) with
 * its network actions provided by a {@link PushConnection}, behind a small Promise facade whose calls
 * resolve with HRESULT numbers.
 *
 * The statechart decides (legality, the FIFO of wire operations, backpressure, nothing lost); this
 * file only runs the operations it asks for and reports each outcome as `net.done` or `net.lost`.
 * An operation cancelled by the statechart (`cancelNet`) never reports: every operation carries a
 * generation number and stale outcomes are dropped.
 * @module
 */
import { createActor, type Actor } from 'xstate';
import { HR, type HResult } from '../../machines/hresult.js';
import type { BlockingCall, NetRequest, PushCallEvent, PushSinkEmitted } from '../../machines/pushEvents.js';
import { pushSinkMachine, pushSinkStateOf, type PushSinkMachine } from '../../machines/pushSinkMachine.js';
import { queuedUnits, type PushSinkState } from '../../machines/pushSinkContext.js';
import { PushConnection, type PushConnectionOptions, type PushCredentials, type PushWireStats } from './pushConnection.js';
import { PushFailure } from './socketFault.js';

/** Options of a push client. */
export interface PushClientOptions extends Omit<PushConnectionOptions, 'onLost'> {
  /** Data units that may wait for the network before OnDataUnit blocks (the statechart's bound, default 32). */
  maxQueued?: number;
}

/** Connect's options (IWMWriterPushSink::Connect's template and AutoDestroy, plus credentials for a 401). */
export interface PushConnectOptions {
  templateUrl?: string | null;
  autoDestroy?: boolean;
  credentials?: PushCredentials;
}

/** Counts on the client's end: the statechart's unit accounting and what went over the wire. */
export interface PushClientStats extends PushWireStats {
  handed: number;
  acked: number;
  failed: number;
  queued: number;
  /** The most data units ever waiting in the statechart's outbox. */
  maxQueuedSeen: number;
}

/** The push client. */
export interface PushClient {
  /** Connect(url, template, autoDestroy): PushSetup, redirects, authentication; resolves when answered. */
  connect(url: string, options?: PushConnectOptions): Promise<HResult>;
  /** OnHeader: the ASF header (Header Object + 50 bytes of the Data Object). */
  onHeader(header: Uint8Array): Promise<HResult>;
  /**
   * OnDataUnit: resolves when the unit is acknowledged (written to the connection: S_OK) or reported
   * failed (its HRESULT). Calls are handed to the sink in call order; while the sink blocks
   * (backpressure), later calls wait for it.
   */
  onDataUnit(unit: Uint8Array): Promise<HResult>;
  /** OnEndWriting: `$E(1)` after an entry. */
  onEndWriting(): Promise<HResult>;
  /** EndSession: queued units, `$E(0)`, close; resolves when written. */
  endSession(): Promise<HResult>;
  /** Disconnect: close without `$E`. */
  disconnect(): Promise<HResult>;
  /** The statechart's state. */
  readonly state: PushSinkState;
  /** The last asynchronous failure reported (IWMStatusCallback::OnStatus), S_OK when none. */
  readonly lastStatus: HResult;
  stats(): PushClientStats;
  /** Listens for asynchronous failures (IWMStatusCallback::OnStatus with WMT_ERROR). */
  onStatus(listener: (hr: HResult) => void): void;
  /** Listens for backpressure (a socket write waiting for 'drain'). */
  onBackpressure(listener: () => void): void;
  /** Stops the actor and destroys the socket. */
  dispose(): void;
}

type Reply = { hr: HResult; out?: unknown };

/** Creates a push client: one IWMWriterPushSink on real TCP sockets. */
export function createPushClient(options: PushClientOptions = {}): PushClient {
  let actor: Actor<PushSinkMachine>;
  let generation = 0;
  let credentials: PushCredentials | undefined;
  let lastStatus: HResult = HR.S_OK;
  let maxQueuedSeen = 0;
  const backpressureListeners: (() => void)[] = [];
  const statusListeners: ((hr: HResult) => void)[] = [];
  const units = new Map<number, (hr: HResult) => void>();
  const completions = new Map<BlockingCall, ((hr: HResult) => void)[]>();
  let replies: Reply[] | null = null;

  const conn = new PushConnection({
    ...options,
    onLost: (failure) => actor.send({ type: 'net.lost', hr: failure.hr }),
  });
  conn.onDrainWait = () => backpressureListeners.forEach((l) => l());

  /** Runs one wire operation; its outcome is reported unless the statechart cancelled it meanwhile. */
  function requestNet(params: NetRequest): void {
    const gen = ++generation;
    const run = async (): Promise<string | undefined> => {
      switch (params.op) {
        case 'connect':
          return conn.connect(params.input, credentials);
        case 'pushStart':
          return void (await conn.pushStart(bytesOf(params.input.header)));
        case 'data':
          return void (await conn.data(bytesOf(params.input.unit)));
        case 'endOfEntry':
          return void (await conn.endOfEntry());
        case 'streamChange':
          return void (await conn.streamChange(bytesOf(params.input.header)));
        case 'endSession':
          return void (await conn.endSession());
      }
    };
    // Never re-enter the actor from inside its own transition.
    void Promise.resolve()
      .then(run)
      .then(
        (pushId) => {
          if (gen !== generation) return;
          actor.send({ type: 'net.done', op: params.op, hr: HR.S_OK, ...(pushId !== undefined ? { pushId } : {}) });
          if (params.op === 'data') settleUnit(params.input.seq, HR.S_OK);
        },
        (error: unknown) => {
          if (gen !== generation) return;
          const hr = error instanceof PushFailure ? error.hr : HR.NS_E_CONNECTION_FAILURE;
          actor.send({ type: 'net.done', op: params.op, hr });
        },
      );
  }

  function settleUnit(seq: number, hr: HResult): void {
    const settle = units.get(seq);
    units.delete(seq);
    settle?.(hr);
  }

  actor = createActor(
    pushSinkMachine.provide({
      actions: {
        requestNet: (_args, params: NetRequest) => requestNet(params),
        cancelNet: () => {
          generation++;
        },
        closeConnection: () => {
          generation++;
          conn.close();
        },
      },
    }),
    { input: { ...(options.maxQueued !== undefined ? { maxQueued: options.maxQueued } : {}) } },
  );
  actor.on('*', (emitted) => {
    const e = emitted as PushSinkEmitted;
    switch (e.type) {
      case 'mf.reply':
        replies?.push({ hr: e.hr, out: e.out });
        break;
      case 'mf.complete': {
        const waiters = completions.get(e.call) ?? [];
        completions.delete(e.call);
        waiters.forEach((w) => w(e.hr));
        break;
      }
      case 'mf.status':
        lastStatus = e.hr;
        statusListeners.forEach((l) => l(e.hr));
        break;
      case 'mf.unitsFailed':
        for (const seq of e.seqs) settleUnit(seq, e.hr);
        break;
    }
  });
  actor.subscribe((snapshot) => {
    maxQueuedSeen = Math.max(maxQueuedSeen, queuedUnits(snapshot.context));
  });
  actor.start();

  /** Sends one call; its synchronous reply (emitted during the send). */
  function call(event: PushCallEvent): Reply {
    replies = [];
    try {
      actor.send(event);
      return replies[0] ?? { hr: HR.E_UNEXPECTED };
    } finally {
      replies = null;
    }
  }

  /** Waits for a blocking call's `mf.complete`; registered before the call so none is missed. */
  function completion(blocking: BlockingCall): { promise: Promise<HResult>; cancel: () => void } {
    let settle!: (hr: HResult) => void;
    const promise = new Promise<HResult>((resolve) => (settle = resolve));
    completions.set(blocking, [...(completions.get(blocking) ?? []), settle]);
    return { promise, cancel: () => completions.set(blocking, (completions.get(blocking) ?? []).filter((w) => w !== settle)) };
  }

  const isPending = (reply: Reply) => typeof reply.out === 'object' && reply.out !== null && (reply.out as { pending?: boolean }).pending === true;

  /** A blocking call: the reply, or, when it blocks, its completion. */
  async function blocking(event: PushCallEvent, name: BlockingCall): Promise<HResult> {
    const done = completion(name);
    const reply = call(event);
    if (!isPending(reply)) {
      done.cancel();
      return reply.hr;
    }
    return done.promise;
  }

  // OnDataUnit calls go to the sink one after another; a blocked call holds the next ones back.
  let handing: Promise<unknown> = Promise.resolve();

  async function handUnit(unit: Uint8Array): Promise<{ ack: Promise<HResult> }> {
    const unblocked = completion('OnDataUnit');
    const reply = call({ type: 'sink.OnDataUnit', unit: { length: unit.length, data: unit } });
    if (reply.hr >>> 0 >= 0x80000000) {
      unblocked.cancel();
      return { ack: Promise.resolve(reply.hr) }; // refused: counted handed and failed by the statechart
    }
    const seq = actor.getSnapshot().context.nextSeq - 1;
    const ack = new Promise<HResult>((resolve) => units.set(seq, resolve));
    if (isPending(reply)) await unblocked.promise;
    else unblocked.cancel();
    return { ack };
  }

  return {
    async connect(url, o = {}) {
      credentials = o.credentials;
      return blocking({ type: 'push.Connect', url, templateUrl: o.templateUrl ?? null, autoDestroy: o.autoDestroy ?? false }, 'Connect');
    },
    async onHeader(header) {
      return call({ type: 'sink.OnHeader', header: { length: header.length, data: header } }).hr;
    },
    onDataUnit(unit) {
      const handed = handing.then(() => handUnit(unit));
      handing = handed;
      return handed.then((h) => h.ack);
    },
    async onEndWriting() {
      await handing;
      return call({ type: 'sink.OnEndWriting' }).hr;
    },
    async endSession() {
      await handing;
      return blocking({ type: 'push.EndSession' }, 'EndSession');
    },
    async disconnect() {
      return call({ type: 'push.Disconnect' }).hr;
    },
    get state() {
      return pushSinkStateOf(actor.getSnapshot());
    },
    get lastStatus() {
      return lastStatus;
    },
    stats() {
      const ctx = actor.getSnapshot().context;
      return { ...conn.stats, handed: ctx.handed, acked: ctx.acked, failed: ctx.failed, queued: queuedUnits(ctx), maxQueuedSeen };
    },
    onStatus(listener) {
      statusListeners.push(listener);
    },
    onBackpressure(listener) {
      backpressureListeners.push(listener);
    },
    dispose() {
      generation++;
      conn.close();
      actor.stop();
    },
  };
}

function bytesOf(buffer: { length: number; data?: Uint8Array }): Uint8Array {
  if (!buffer.data) throw new PushFailure(HR.E_INVALIDARG, 'a buffer without its bytes');
  return buffer.data;
}
