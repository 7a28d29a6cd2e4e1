/**
 * One bridge process, asynchronously: `wine node.exe bridgeMain.js` in a Wine prefix of its own,
 * JSON lines over stdio, a timeout on every request, and a teardown that leaves nothing running
 * (`wineserver -k` for the prefix, then the prefix is removed).
 *
 * The prefix is "linked": a fresh folder holding copies of the setup prefix's registry files and a
 * link to its drive_c (about 2 MB, made in milliseconds). A prefix of its own gives each bridge its
 * own wineserver, so killing it at teardown cannot touch another process's bridge.
 * @module
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { WireReady, WireRequest, WireResponse } from './protocol.js';
import { toWinePath, type NativeRuntime } from './nativeRuntime.js';

/** The bridge process ended or stopped answering. */
export class BridgeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeFailure';
  }
}

/** Options of {@link BridgeProcess.start}. */
export interface BridgeProcessOptions {
  runtime: NativeRuntime;
  /** How long Wine + node may take to print the ready line (default 60 s: a loaded machine is slow). */
  startTimeoutMs?: number;
}

const RUN_DIR = 'run';
const PREFIX_FILES = ['system.reg', 'user.reg', 'userdef.reg', '.update-timestamp'];

/** Removes linked prefixes left by processes that died without a teardown. */
function removeStalePrefixes(home: string): void {
  const dir = join(home, RUN_DIR);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(/^bridge-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** Makes a linked prefix (see the module comment). */
export function createLinkedPrefix(runtime: NativeRuntime): string {
  removeStalePrefixes(runtime.home);
  mkdirSync(join(runtime.home, RUN_DIR), { recursive: true });
  const prefix = mkdtempSync(join(runtime.home, RUN_DIR, `bridge-${process.pid}-`));
  for (const file of PREFIX_FILES) if (existsSync(join(runtime.prefix, file))) copyFileSync(join(runtime.prefix, file), join(prefix, file));
  symlinkSync(join(runtime.prefix, 'drive_c'), join(prefix, 'drive_c'));
  mkdirSync(join(prefix, 'dosdevices'));
  symlinkSync(join(runtime.prefix, 'drive_c'), join(prefix, 'dosdevices', 'c:'));
  symlinkSync('/', join(prefix, 'dosdevices', 'z:'));
  return prefix;
}

/** Stops the prefix's wineserver (and with it every Wine process of the prefix) and removes the prefix. */
export function destroyPrefix(runtime: NativeRuntime, prefix: string): void {
  spawnSync(runtime.wineserver, ['-k'], { env: { ...process.env, WINEPREFIX: prefix }, stdio: 'ignore', timeout: 10_000 });
  rmSync(prefix, { recursive: true, force: true });
}

/** A running bridge. */
export class BridgeProcess {
  readonly prefix: string;
  readonly ready: WireReady;
  /** Milliseconds from spawn to the ready line. */
  readonly startMs: number;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #runtime: NativeRuntime;
  readonly #pending = new Map<number, { resolve: (response: WireResponse) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #exit: string | undefined;
  #stderr = '';
  #stopped = false;

  private constructor(runtime: NativeRuntime, prefix: string, child: ChildProcessWithoutNullStreams, ready: WireReady, startMs: number, readLines: (onLine: (line: string) => void) => void) {
    this.#runtime = runtime;
    this.prefix = prefix;
    this.#child = child;
    this.ready = ready;
    this.startMs = startMs;
    readLines((line) => this.#onLine(line));
    child.stderr.on('data', (chunk: Buffer) => this.#keepStderr(chunk));
    child.on('exit', (code, signal) => this.#onExit(`the bridge exited (${signal ?? `code ${code}`})${this.#stderrTail()}`));
  }

  /** Spawns the bridge and waits for its ready line. */
  static async start(options: BridgeProcessOptions): Promise<BridgeProcess> {
    const { runtime } = options;
    const prefix = createLinkedPrefix(runtime);
    const began = performance.now();
    const child = spawn(runtime.wine, [runtime.nodeExe, toWinePath(runtime.bridgeScript)], {
      env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1', MFCHART_KOFFI_DIR: toWinePath(runtime.koffiDir) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A write to a bridge that just died fails with EPIPE; the exit handler reports the death, and an
    // unhandled stream error would end the worker thread (and with it every later bridge).
    child.stdin.on('error', () => undefined);
    let stderr = '';
    const onStderr = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000));
    child.stderr.on('data', onStderr);
    // Lines are split here once; the first goes to the start, the rest to the instance.
    let lineListener: (line: string) => void = () => undefined;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) lineListener(line);
      }
    });
    try {
      const ready = await new Promise<WireReady>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BridgeFailure(`the bridge printed no ready line within ${options.startTimeoutMs ?? 60_000} ms${tail(stderr)}`)), options.startTimeoutMs ?? 60_000);
        lineListener = (line) => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line) as WireReady);
          } catch {
            reject(new BridgeFailure(`the bridge's first line is not JSON: ${line.slice(0, 200)}`));
          }
        };
        child.on('error', (error) => (clearTimeout(timer), reject(new BridgeFailure(`cannot run ${runtime.wine}: ${error.message}`))));
        child.on('exit', (code, signal) => (clearTimeout(timer), reject(new BridgeFailure(`the bridge exited before it was ready (${signal ?? `code ${code}`})${tail(stderr)}`))));
      });
      if (!ready.ready) throw new BridgeFailure(`the bridge could not start: ${ready.error ?? 'no reason given'}`);
      child.stderr.off('data', onStderr);
      const bridge = new BridgeProcess(runtime, prefix, child, ready, performance.now() - began, (onLine) => (lineListener = onLine));
      bridge.#stderr = stderr;
      return bridge;
    } catch (error) {
      child.kill('SIGKILL');
      destroyPrefix(runtime, prefix);
      throw error;
    }
  }

  /** Why the bridge is gone, once it is. */
  get exitReason(): string | undefined {
    return this.#exit;
  }

  /** Sends a request (its id is assigned here) and resolves with the response. */
  request(body: { calls: unknown[] } | { ping: true } | { exit: true }, timeoutMs: number): Promise<WireResponse> {
    if (this.#exit) return Promise.reject(new BridgeFailure(this.#exit));
    const id = this.#nextId++;
    return new Promise<WireResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BridgeFailure(`the bridge did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.stdin.write(JSON.stringify({ id, ...body } as WireRequest) + '\n');
    });
  }

  /** Asks the bridge to release what it holds and exit, then stops the prefix's wineserver and removes the prefix. */
  async stop(timeoutMs = 5_000): Promise<{ leaked: unknown[] } | undefined> {
    if (this.#stopped) return undefined;
    this.#stopped = true;
    let bye: { leaked: unknown[] } | undefined;
    if (!this.#exit) {
      try {
        const response = await this.request({ exit: true }, timeoutMs);
        if ('bye' in response) bye = { leaked: response.leaked };
        await new Promise<void>((resolve) => (this.#exit ? resolve() : this.#child.once('exit', () => resolve())));
      } catch {
        this.#child.kill('SIGKILL');
      }
    }
    destroyPrefix(this.#runtime, this.prefix);
    return bye;
  }

  /**
   * Tears down a bridge that crashed or is given up on, without talking to it: kills the process
   * (if it still runs), waits for its exit, stops the prefix's wineserver and removes the prefix.
   */
  async discard(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#exit) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      this.#child.kill('SIGKILL');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())]);
    }
    destroyPrefix(this.#runtime, this.prefix);
  }

  /** Kills the bridge at once (a hung bridge); the prefix is torn down by {@link stop} or {@link discard}. */
  kill(): void {
    this.#child.kill('SIGKILL');
  }

  #onLine(line: string): void {
    let response: WireResponse;
    try {
      response = JSON.parse(line) as WireResponse;
    } catch {
      return; // not protocol output
    }
    const waiting = this.#pending.get(response.id);
    if (!waiting) return;
    this.#pending.delete(response.id);
    clearTimeout(waiting.timer);
    waiting.resolve(response);
  }

  #keepStderr(chunk: Buffer): void {
    this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
  }

  #stderrTail(): string {
    return tail(this.#stderr);
  }

  #onExit(reason: string): void {
    this.#exit = reason;
    for (const [id, waiting] of this.#pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new BridgeFailure(reason));
      this.#pending.delete(id);
    }
  }
}

/** The end of the bridge's stderr without Wine's harmless nags, for an error message. */
function tail(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() && !/wine32|multiarch|dpkg --add-architecture|apt-get install wine32/.test(line));
  return lines.length ? `; stderr: ${lines.slice(-8).join(' | ')}` : '';
}
