/**
 * The push sink on real sockets: the IWMWriterPushSink statechart (machines/pushSinkMachine.ts) with
 * its network actions provided by a {@link PushConnection}, behind a small Promise facade whose calls
 * resolve with HRESULT numbers.
 *
 * The statechart decides (legality, the FIFO of wire operations, backpressure, nothing lost); this
 * file only runs the operations it asks for and reports each outcome as `net.done` or `net.lost`.
 * An operation cancelled by the statechart (`cancelNet`) never reports: every operation carries a
 * generation number and stale outcomes are dropped.
 *
 * Per unit, the statechart costs more than the socket, so the data path is batched (decision P39): the
 * OnDataUnit calls made in one turn of the event loop reach the statechart as one `sink.OnDataUnits`
 * event, and the units queued behind an operation go to the wire as one `dataUnits` operation.
 * @module
 */
import { createActor, type Actor } from 'xstate';
import { HR, type HResult } from '../../machines/hresult.js';
import type { BlockingCall, NetRequest, PushCallEvent, PushBuffer, PushSinkEmitted, PushSinkEvent } from '../../machines/pushEvents.js';
import { pushSinkMachine, pushSinkStateOf, type PushSinkMachine } from '../../machines/pushSinkMachine.js';
import { DEFAULT_MAX_QUEUED, queuedUnits, type PushSinkState } from '../../machines/pushSinkContext.js';
import { PushConnection, type PushConnectionOptions, type PushCredentials, type PushWireStats } from './pushConnection.js';
import { PushFailure } from './socketFault.js';
import { BatchCall, UnitQueue, UnitSettlers } from './unitSettlers.js';

/** Options of a push client. */
export interface PushClientOptions extends Omit<PushConnectionOptions, 'onLost'> {
  /** Data units that may wait for the network before OnDataUnit blocks (the statechart's bound, default 256). */
  maxQueued?: number;
  /** Bytes of data units that may wait before OnDataUnit blocks (the statechart's other bound, default 1 MiB; decision P41). */
  maxQueuedBytes?: number;
  /**
   * The most queued data units written as one network operation and acknowledged together
   * (the statechart's `maxBatch`; default: `maxQueued` + 1, every unit waiting; 1: one operation per unit). Decision P39.
   */
  maxBatch?: number;
}

/**
 * Connect's options (IWMWriterPushSink::Connect's template and AutoDestroy, plus the credentials
 * IWMCredentialCallback::AcquireCredentials would supply: for a 401, and for a proxy's 407).
 */
export interface PushConnectOptions {
  templateUrl?: string | null;
  autoDestroy?: boolean;
  credentials?: PushCredentials;
  proxyCredentials?: PushCredentials;
}

/** Counts on the client's end: the statechart's unit accounting and what went over the wire. */
export interface PushClientStats extends PushWireStats {
  handed: number;
  acked: number;
  failed: number;
  queued: number;
  /** The most data units, and the most bytes of them, ever waiting in the statechart's outbox. */
  maxQueuedSeen: number;
  maxQueuedBytesSeen: number;
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
  /**
   * OnDataUnit for each unit, in order, as if called one after the other (the same HRESULTs, the same
   * backpressure and accounting), with one promise for them all: resolves with each unit's outcome at
   * its index once every one is acknowledged or failed. The way to push many units at a high rate.
   */
  onDataUnits(units: readonly Uint8Array[]): Promise<HResult[]>;
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
  let proxyCredentials: PushCredentials | undefined;
  let lastStatus: HResult = HR.S_OK;
  let maxQueuedSeen = 0;
  let maxQueuedBytesSeen = 0;
  const backpressureListeners: (() => void)[] = [];
  const statusListeners: ((hr: HResult) => void)[] = [];
  const settlers = new UnitSettlers();
  const completions = new Map<BlockingCall, ((hr: HResult) => void)[]>();
  let replies: Reply[] | null = null;
  /** The replies of the last `sink.OnDataUnits` (taken as they are: no object per unit). */
  let batchReplies: { hrs: readonly HResult[]; blocked: boolean } | null = null;
  const maxQueued = Math.max(1, options.maxQueued ?? DEFAULT_MAX_QUEUED);

  const conn = new PushConnection({
    ...options,
    onLost: (failure) => send({ type: 'net.lost', hr: failure.hr }),
  });
  conn.onDrainWait = () => backpressureListeners.forEach((l) => l());

  const send = (event: PushSinkEvent) => actor.send(event);

  /** Runs one wire operation; its outcome is reported unless the statechart cancelled it meanwhile. */
  function requestNet(params: NetRequest): void {
    const gen = ++generation;
    const progress = { written: 0 };
    const run = async (): Promise<string | undefined> => {
      switch (params.op) {
        case 'connect':
          return conn.connect(params.input, credentials, proxyCredentials);
        case 'pushStart':
          return void (await conn.pushStart(bytesOf(params.input.header)));
        case 'data':
          return void (await conn.data(bytesOf(params.input.unit)));
        case 'dataUnits':
          return void (await conn.dataUnits(params.input.units.map((u) => bytesOf(u.unit)), progress));
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
          send({ type: 'net.done', op: params.op, hr: HR.S_OK, ...(pushId !== undefined ? { pushId } : {}) });
          if (params.op === 'data') settlers.settle(params.input.seq, HR.S_OK);
          if (params.op === 'dataUnits') for (const u of params.input.units) settlers.settle(u.seq, HR.S_OK);
        },
        (error: unknown) => {
          if (gen !== generation) return;
          const hr = error instanceof PushFailure ? error.hr : HR.NS_E_CONNECTION_FAILURE;
          if (params.op !== 'dataUnits') return void send({ type: 'net.done', op: params.op, hr });
          // The units written before the failure are acknowledged; the statechart fails the rest.
          send({ type: 'net.done', op: params.op, hr, written: progress.written });
          for (const u of params.input.units.slice(0, progress.written)) settlers.settle(u.seq, HR.S_OK);
        },
      );
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
    { input: { maxQueued, maxQueuedBytes: options.maxQueuedBytes, maxBatch: options.maxBatch ?? maxQueued + 1 } },
  );
  actor.on('*', (emitted) => {
    const e = emitted as PushSinkEmitted;
    switch (e.type) {
      case 'mf.reply':
        replies?.push({ hr: e.hr, out: e.out });
        break;
      case 'mf.replies':
        batchReplies = e;
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
        for (const seq of e.seqs) settlers.settle(seq, e.hr);
        break;
    }
  });
  actor.subscribe(({ context: ctx }) => {
    // handed = acked + failed + queued (unitsAccounted): the queue's length without walking it.
    maxQueuedSeen = Math.max(maxQueuedSeen, ctx.handed - ctx.acked - ctx.failed);
    maxQueuedBytesSeen = Math.max(maxQueuedBytesSeen, ctx.queuedBytes);
  });
  actor.start();

  /** Sends one call; its synchronous reply (emitted during the send). */
  function call(event: PushCallEvent): Reply {
    return replyOf(event) ?? { hr: HR.E_UNEXPECTED };
  }

  /** Sends one call; its reply, or undefined when the actor no longer runs (disposed) and nothing replied. */
  function replyOf(event: PushCallEvent): Reply | undefined {
    replies = [];
    try {
      send(event);
      return replies[0];
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

  // OnDataUnit(s) calls go to the sink in call order. The units of the calls made in one turn of the
  // event loop are handed together, as `sink.OnDataUnits` events (decision P39), once the turn's
  // promise chain has run; a unit that blocks holds the later ones back until it returns. An event
  // carries at most maxQueued + 1 units (more would block anyway), so a writer with thousands of
  // units outstanding costs the same per unit as one with a few.
  const waiting = new UnitQueue();
  let unitBlocked = false;
  let flushScheduled = false;
  let idleWaiters: (() => void)[] = [];

  function scheduleFlush(): void {
    if (flushScheduled || unitBlocked) return;
    flushScheduled = true;
    process.nextTick(handWaiting);
  }

  /** Sends `sink.OnDataUnits`; its `mf.replies` (none when the actor no longer runs). */
  function sendBatch(batch: PushBuffer[]): { hrs: readonly HResult[]; blocked: boolean } | null {
    batchReplies = null;
    try {
      send({ type: 'sink.OnDataUnits', units: batch });
      return batchReplies;
    } finally {
      batchReplies = null;
    }
  }

  /** Hands the waiting units to the sink, a bounded batch per event, up to the first that blocks. */
  function handWaiting(): void {
    flushScheduled = false;
    while (!unitBlocked && waiting.size > 0) {
      const count = Math.min(waiting.size, maxQueued + 1);
      const firstSeq = actor.getSnapshot().context.nextSeq;
      let hrs: readonly HResult[];
      let blocked: boolean;
      if (count === 1) {
        const reply = replyOf({ type: 'sink.OnDataUnit', unit: waiting.unit(0) });
        hrs = reply ? [reply.hr] : [];
        blocked = reply !== undefined && isPending(reply);
      } else {
        const batch: PushBuffer[] = new Array(count);
        for (let i = 0; i < count; i++) batch[i] = waiting.unit(i);
        const got = sendBatch(batch);
        hrs = got?.hrs ?? [];
        blocked = got?.blocked ?? false;
      }
      if (hrs.length === 0) {
        // The actor no longer runs (disposed): nothing more is handed.
        for (let i = 0; i < waiting.size; i++) waiting.tell(i, HR.E_UNEXPECTED);
        waiting.drop(waiting.size);
        break;
      }
      // Every unit the sink takes gets the next sequence number, refused or queued.
      for (let i = 0; i < hrs.length; i++) {
        const hr = hrs[i]!;
        if (hr >>> 0 >= 0x80000000) waiting.tell(i, hr); // refused: counted handed and failed by the statechart
        else waiting.moveTo(settlers, i, firstSeq + i);
      }
      waiting.drop(hrs.length);
      if (blocked || hrs.length < count) {
        // The last unit handed blocks: the rest wait, ahead of any later call.
        unitBlocked = true;
        // It returns on a later event, never during its own call, so waiting from here misses nothing;
        // it returns during the actor's own transition: the next units are handed after it.
        void completion('OnDataUnit').promise.then(() => {
          unitBlocked = false;
          if (waiting.size > 0) scheduleFlush();
          else settleIdle();
        });
        return;
      }
    }
    settleIdle();
  }

  function settleIdle(): void {
    if (unitBlocked || waiting.size > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  }

  /** Resolves once every OnDataUnit call made so far was handed to the sink. */
  function handed(): Promise<void> {
    if (!unitBlocked && waiting.size === 0 && !flushScheduled) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  return {
    async connect(url, o = {}) {
      credentials = o.credentials;
      proxyCredentials = o.proxyCredentials;
      return blocking({ type: 'push.Connect', url, templateUrl: o.templateUrl ?? null, autoDestroy: o.autoDestroy ?? false }, 'Connect');
    },
    async onHeader(header) {
      return call({ type: 'sink.OnHeader', header: { length: header.length, data: header } }).hr;
    },
    onDataUnit(unit) {
      // No buffer at all: OnDataUnit(NULL), refused without being handed (as the statechart replies to a null unit).
      if (!(unit instanceof Uint8Array)) return Promise.resolve(HR.E_INVALIDARG);
      return new Promise<HResult>((settle) => {
        waiting.add(bufferOf(unit), settle, 0);
        scheduleFlush();
      });
    },
    onDataUnits(units) {
      return new Promise<HResult[]>((resolve) => {
        const call = new BatchCall(units.length, resolve);
        for (let i = 0; i < units.length; i++) {
          const unit = units[i];
          if (unit instanceof Uint8Array) waiting.add(bufferOf(unit), call, i);
          else call.settle(i, HR.E_INVALIDARG); // as OnDataUnit(NULL): not handed
        }
        if (waiting.size > 0) scheduleFlush();
      });
    },
    async onEndWriting() {
      await handed();
      return call({ type: 'sink.OnEndWriting' }).hr;
    },
    async endSession() {
      await handed();
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
      return { ...conn.stats, handed: ctx.handed, acked: ctx.acked, failed: ctx.failed, queued: queuedUnits(ctx), maxQueuedSeen, maxQueuedBytesSeen };
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

function bufferOf(unit: Uint8Array): PushBuffer {
  return { length: unit.length, data: unit };
}

function bytesOf(buffer: { length: number; data?: Uint8Array }): Uint8Array {
  if (!buffer.data) throw new PushFailure(HR.E_INVALIDARG, 'a buffer without its bytes');
  return buffer.data;
}
