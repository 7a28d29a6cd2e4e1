/**
 * The mf-native bridge as the Linux side uses it: synchronous batched calls into the real mf.dll,
 * running in Windows node under Wine. A worker thread owns the bridge process; the calling thread
 * blocks on Atomics.wait with a timeout, so a hung or dead bridge is an error, never a hang.
 *
 * After a crash (or a timeout, which kills the bridge) the next call starts a new bridge:
 * {@link NativeBridge.generation} grows, and sessions of an older generation are failed.
 * @module
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import { distDir, findNativeRuntime, type NativeRuntime } from './nativeRuntime.js';
import type { WireCall, WireReady, WireResponse, WireResult } from './protocol.js';

/** Main thread → worker. */
export type WorkerOrder =
  | { seq: number; type: 'start'; runtime: NativeRuntime; timeoutMs: number }
  | { seq: number; type: 'request'; body: { calls: WireCall[] } | { ping: true }; timeoutMs: number }
  | { seq: number; type: 'kill' }
  | { seq: number; type: 'stop'; timeoutMs: number };

/** Worker → main thread. */
export type WorkerAnswer = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: string; failure: boolean };

/** The bridge died, timed out or could not start; `generation` is the bridge generation it hit. */
export class BridgeError extends Error {
  constructor(
    message: string,
    readonly generation: number,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

/** Options of {@link startNativeBridge}. */
export interface NativeBridgeOptions {
  /** Found with {@link findNativeRuntime} when absent (which throws MfNativeSetupError, naming the setup command). */
  runtime?: NativeRuntime;
  /** Default time a batch may take (default 30 s). */
  callTimeoutMs?: number;
  /** Time the bridge may take to start (default 60 s). */
  startTimeoutMs?: number;
}

/** A health check's answer. */
export interface Health {
  ok: boolean;
  /** Round trip in milliseconds. */
  ms: number;
  /** Objects the bridge holds. */
  handles?: number;
  error?: string;
}

/** Time the worker thread may take to load. */
const WORKER_BOOT_MS = 15_000;

/** Extra time the main thread waits beyond the bridge's own timeout before it declares the worker stuck. */
const WORKER_MARGIN_MS = 5_000;

/** A synchronous client of a bridge process. */
export class NativeBridge {
  readonly runtime: NativeRuntime;
  /** Incremented each time a bridge process starts (the first is 1). */
  generation = 0;
  /** The current bridge's ready line. */
  ready: WireReady | undefined;
  /** Milliseconds the current bridge took to print its ready line. */
  startMs = 0;
  /** The current bridge's Wine prefix (a linked prefix of its own, removed at teardown). */
  prefix = '';
  /** Batches sent, for statistics. */
  batches = 0;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #callTimeoutMs: number;
  readonly #startTimeoutMs: number;
  #seq = 0;
  #alive = false;
  #closed = false;

  constructor(options: NativeBridgeOptions = {}) {
    this.runtime = options.runtime ?? findNativeRuntime();
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    // execArgv: []: the worker must not inherit flags such as --input-type or a test runner's loaders.
    this.#worker = new Worker(join(distDir(), 'adapters', 'mf-native', 'bridgeWorker.js'), { workerData: { port: port2, flag: this.#flag }, transferList: [port2], execArgv: [] });
    // The worker must not keep the process alive on its own; close() ends it.
    this.#worker.unref();
    // The worker raises the flag once it listens; one that cannot load would otherwise look like a slow start.
    if (Atomics.wait(this.#flag, 0, 0, WORKER_BOOT_MS) === 'timed-out') {
      void this.#worker.terminate();
      throw new BridgeError(`the bridge worker thread did not start within ${WORKER_BOOT_MS} ms`, 0);
    }
    this.#start();
  }

  /** Whether a bridge process is running. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Runs a batch of calls in one round trip and returns one result per call. A dead bridge is
   * restarted first. Throws {@link BridgeError} when the bridge dies or times out during the batch.
   */
  call(calls: WireCall[], timeoutMs = this.#callTimeoutMs): WireResult[] {
    if (this.#closed) throw new BridgeError('the bridge is closed', this.generation);
    if (!this.#alive) this.#start();
    this.batches++;
    const response = this.#request({ calls }, timeoutMs) as WireResponse;
    if ('error' in response) throw new BridgeError(`the bridge refused the request: ${response.error}`, this.generation);
    if (!('results' in response)) throw new BridgeError('the bridge answered a batch without results', this.generation);
    return response.results;
  }

  /** One call; see {@link call}. */
  call1(call: WireCall, timeoutMs?: number): WireResult {
    return this.call([call], timeoutMs)[0]!;
  }

  /** Health check: a ping answered within `timeoutMs`. A bridge that fails it is killed (the next call restarts it). */
  ping(timeoutMs = 2_000): Health {
    if (!this.#alive) return { ok: false, ms: 0, error: 'the bridge is not running' };
    const began = performance.now();
    try {
      const response = this.#request({ ping: true }, timeoutMs) as { handles: number };
      return { ok: true, ms: performance.now() - began, handles: response.handles };
    } catch (error) {
      return { ok: false, ms: performance.now() - began, error: (error as Error).message };
    }
  }

  /** Kills the bridge process now (what a crash does); the next call starts a new one. */
  kill(): void {
    if (!this.#alive) return;
    this.#order({ seq: 0, type: 'kill' }, WORKER_MARGIN_MS);
    this.#alive = false;
  }

  /**
   * Stops the bridge (it releases what it still holds and reports it), stops the prefix's
   * wineserver, removes the prefix, ends the worker. Idempotent.
   */
  close(): { leaked: unknown[] } | undefined {
    if (this.#closed) return undefined;
    this.#closed = true;
    this.#alive = false;
    let bye: { leaked: unknown[] } | undefined;
    try {
      bye = (this.#order({ seq: 0, type: 'stop', timeoutMs: 5_000 }, 20_000) as { leaked: unknown[] } | null) ?? undefined;
    } finally {
      void this.#worker.terminate();
    }
    return bye;
  }

  #start(): void {
    const value = this.#order({ seq: 0, type: 'start', runtime: this.runtime, timeoutMs: this.#startTimeoutMs }, this.#startTimeoutMs + WORKER_MARGIN_MS) as { ready: WireReady; startMs: number; prefix: string };
    this.prefix = value.prefix;
    this.generation++;
    this.ready = value.ready;
    this.startMs = value.startMs;
    this.#alive = true;
  }

  #request(body: { calls: WireCall[] } | { ping: true }, timeoutMs: number): unknown {
    try {
      return this.#order({ seq: 0, type: 'request', body, timeoutMs }, timeoutMs + WORKER_MARGIN_MS);
    } catch (error) {
      // The bridge is dead or stuck: kill it so that nothing hangs; the next call starts a new one.
      if (this.#alive) {
        this.#alive = false;
        try {
          this.#order({ seq: 0, type: 'kill' }, WORKER_MARGIN_MS);
        } catch {
          // the worker itself is stuck: nothing more to do here
        }
      }
      throw error instanceof BridgeError ? error : new BridgeError((error as Error).message, this.generation);
    }
  }

  /** Posts an order to the worker and blocks until its answer (or `waitMs`). */
  #order(order: WorkerOrder, waitMs: number): unknown {
    const seq = ++this.#seq;
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage({ ...order, seq });
    const deadline = performance.now() + waitMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) throw new BridgeError(`the bridge worker did not answer within ${waitMs} ms`, this.generation);
      Atomics.wait(this.#flag, 0, 0, left);
      Atomics.store(this.#flag, 0, 0);
      let message: { message: WorkerAnswer } | undefined;
      while ((message = receiveMessageOnPort(this.#port) as { message: WorkerAnswer } | undefined)) {
        // Answers to earlier orders that were given up on are dropped.
        if (message.message.seq !== seq) continue;
        const answer = message.message;
        if (!answer.ok) throw new BridgeError(answer.error, this.generation);
        return answer.value;
      }
    }
  }
}

/** Starts a bridge (throws MfNativeSetupError when Wine or the Windows runtime is missing, BridgeError when it cannot start). */
export function startNativeBridge(options: NativeBridgeOptions = {}): NativeBridge {
  return new NativeBridge(options);
}
