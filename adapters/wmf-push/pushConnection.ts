/**
 * The client half of [MS-WMHTTP] on one real TCP connection (node:net): PushSetup with redirects,
 * Basic authentication and the `Server: Cougar/…|Rex/…` check; PushStart with `$H`; `$D`, `$C`, `$E`
 * placed in the body with Length-Remaining, `$F` padding and a new PushStart when a body runs out
 * (spec §2.2-§2.6). Every operation resolves when its bytes are written to the socket, and waits
 * for 'drain' whenever `socket.write()` says the socket's buffer is full: a slow server slows the
 * caller, and at most one packet beyond the socket's high-water mark is ever buffered here.
 *
 * Failures are {@link PushFailure}s carrying the HRESULT of the fault mapping. A failure while no
 * operation runs (EOF, a reset, an unsolicited 408) is reported through `onLost`.
 * @module
 */
import net, { type Socket } from 'node:net';
import { HR } from '../../machines/hresult.js';
import { httpStatusHr } from '../../machines/pushFaults.js';
import type { ConnectInput } from '../../machines/pushEvents.js';
import { DEFAULT_CONTENT_LENGTH, encodeData, encodeEnd, encodeHeader, encodeStreamChange, placePacket, REASON, type PacketType } from './framing.js';
import { buildPushSetup, buildPushStart, interpretResponse, ResponseSyntaxError, type ResponseHead } from './pushSetup.js';
import { ResponseReader } from './responseReader.js';
import { faultFailure, PushFailure, socketErrorFault } from './socketFault.js';

/** Credentials for a 401 challenge (Basic). */
export interface PushCredentials {
  user: string;
  password: string;
}

/** Options of the wire client. */
export interface PushConnectionOptions {
  /** Each PushStart's Content-Length (default 2147483647); smaller values exercise `$F` and a new PushStart. */
  contentLength?: number;
  /** No TCP connection within this time is NS_E_CONNECT_TIMEOUT (default 10 s). */
  connectTimeoutMs?: number;
  /** Redirects followed before NS_E_INVALID_REDIRECT (default 5). */
  maxRedirects?: number;
  /** Called once when the connection fails while no operation runs. */
  onLost?: (failure: PushFailure) => void;
}

/** What went over the wire. */
export interface PushWireStats {
  /** PushStart body bytes written (`$H`, `$D`, `$C`, `$E`, `$F`). */
  bodyBytes: number;
  /** `$D` packets and their payload bytes written. */
  dataUnits: number;
  dataBytes: number;
  /** PushStart requests sent. */
  pushStarts: number;
  /** The most bytes the socket ever held unwritten (backpressure bound). */
  maxBuffered: number;
  /** Times a write waited for 'drain'. */
  drainWaits: number;
}

/** The wire client of one push session. */
export class PushConnection {
  private socket: Socket | null = null;
  private reader: ResponseReader | null = null;
  private failure: PushFailure | null = null;
  private drainWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closedByUs = false;
  private busy = false;
  private target: ConnectInput | null = null;
  private authorization: string | undefined;
  private pushId = '0';
  /** Length-Remaining of the open PushStart body; null when no PushStart is open. */
  private remaining: number | null = null;
  private readonly contentLength: number;
  readonly stats: PushWireStats = { bodyBytes: 0, dataUnits: 0, dataBytes: 0, pushStarts: 0, maxBuffered: 0, drainWaits: 0 };
  /** Observers of backpressure (a write waiting for 'drain'); tests use it to act on the event, not on time. */
  onDrainWait: (() => void) | undefined;

  constructor(private readonly options: PushConnectionOptions = {}) {
    this.contentLength = options.contentLength ?? DEFAULT_CONTENT_LENGTH;
  }

  /** TCP connect and PushSetup, following redirects and answering one 401 with Basic. Resolves with the push-id. */
  async connect(input: ConnectInput, credentials?: PushCredentials): Promise<string> {
    return this.run(async () => {
      let target = { ...input };
      let redirects = 0;
      let authTried = false;
      this.authorization = undefined;
      for (;;) {
        await this.open(target.host, target.port);
        const setup = buildPushSetup({ ...target, pushId: '0', ...(this.authorization ? { authorization: this.authorization } : {}) });
        await this.write(Buffer.concat([Buffer.from(setup.head, 'latin1'), setup.body]));
        const head = await this.response();
        const answer = interpretResponse(head, { base: `http://${target.host}:${target.port}${target.path}`, templateSent: target.templatePath !== null });
        switch (answer.kind) {
          case 'accepted':
            this.target = target;
            this.pushId = answer.pushId ?? '0';
            this.remaining = null;
            return this.pushId;
          case 'redirect': {
            // §3.1.5.1: close, reconnect to Location, repeat PushSetup.
            this.close();
            const next = answer.useProxy ? undefined : redirectTarget(answer.location);
            if (next === undefined || ++redirects > (this.options.maxRedirects ?? 5)) {
              throw faultFailure({ kind: 'badRedirect' }, `redirect ${redirects} to ${answer.location} not followed`);
            }
            target = { ...target, ...next };
            continue;
          }
          case 'authenticate': {
            // §2.2 step 2a: re-send PushSetup with credentials on a new TCP connection.
            this.close();
            const basic = answer.schemes.some((s) => s.toLowerCase() === 'basic');
            if (credentials === undefined || authTried || !basic || answer.proxy) {
              throw new PushFailure(httpStatusHr(answer.status), `HTTP ${answer.status}: ${authTried ? 'credentials refused' : 'no usable credentials'}`);
            }
            authTried = true;
            this.authorization = 'Basic ' + Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64');
            continue;
          }
          case 'failed':
            throw new PushFailure(answer.hr, answer.reason);
        }
      }
    });
  }

  /** PushStart, then `$H` with the header. */
  pushStart(header: Uint8Array): Promise<void> {
    return this.run(async () => {
      await this.openPushStart();
      await this.place(encodeHeader(header), 'H');
    });
  }

  /** `$D` with one data packet. */
  data(unit: Uint8Array): Promise<void> {
    return this.run(async () => {
      await this.place(encodeData(unit), 'D');
      this.stats.dataUnits++;
      this.stats.dataBytes += unit.length;
    });
  }

  /** `$E(S_FALSE)`: this entry ended, a `$C` follows. */
  endOfEntry(): Promise<void> {
    return this.run(() => this.place(encodeEnd(REASON.END_OF_ENTRY), 'E'));
  }

  /** `$C` with a new header. */
  streamChange(header: Uint8Array): Promise<void> {
    return this.run(() => this.place(encodeStreamChange(header), 'C'));
  }

  /** `$E(S_OK)`, then the TCP connection is closed (the client SHOULD close, §2.7). */
  endSession(): Promise<void> {
    return this.run(async () => {
      await this.place(encodeEnd(REASON.END_OF_STREAM), 'E');
      const socket = this.socket!;
      this.closedByUs = true;
      await new Promise<void>((resolve) => socket.end(resolve));
      this.detach();
    });
  }

  /** Closes the connection without `$E`; nothing is reported for it. Idempotent. */
  close(): void {
    this.closedByUs = true;
    const socket = this.socket;
    this.detach();
    socket?.destroy();
  }

  /** Bytes the socket holds unwritten now. */
  get buffered(): number {
    return this.socket?.writableLength ?? 0;
  }

  // -------------------------------------------------------------------------------------------

  /** Runs one operation; a failure while none runs goes to `onLost` instead. */
  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('PushConnection: one operation at a time');
    this.busy = true;
    try {
      if (this.failure) throw this.failure;
      return await op();
    } catch (error) {
      throw error instanceof PushFailure ? error : new PushFailure(HR.NS_E_CONNECTION_FAILURE, (error as Error).message);
    } finally {
      this.busy = false;
    }
  }

  private async open(host: string, port: number): Promise<void> {
    this.close();
    this.failure = null;
    this.closedByUs = false;
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.reader = new ResponseReader((head) => {
      // A response nobody asked for: the server ended the request early (408, 500, …).
      this.fail(head instanceof ResponseSyntaxError ? new PushFailure(head.hr, head.message) : unsolicitedFailure(head));
    });
    const reader = this.reader;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(faultFailure({ kind: 'connectTimeout' }, `no connection to ${host}:${port} within ${this.options.connectTimeoutMs ?? 10_000} ms`));
      }, this.options.connectTimeoutMs ?? 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(faultFailure(socketErrorFault(error, true), `connect to ${host}:${port}: ${error.message}`));
      });
    });
    if (this.socket !== socket) throw faultFailure({ kind: 'closed' }, 'closed while connecting');
    socket.removeAllListeners('error');
    // Events of a socket this connection already left behind (a redirect, a 401) are not its news.
    const mine = () => this.socket === socket;
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (mine()) this.fail(faultFailure(socketErrorFault(error, false), `socket: ${error.message}`));
    });
    socket.on('end', () => {
      if (mine()) this.fail(faultFailure({ kind: 'closed' }, 'the server closed the connection'));
    });
    socket.on('close', () => {
      if (mine()) this.fail(faultFailure({ kind: 'closed' }, 'the connection closed'));
    });
    socket.on('drain', () => {
      if (!mine()) return;
      const w = this.drainWaiter;
      this.drainWaiter = null;
      w?.resolve();
    });
  }

  /** The connection failed: waiting reads and writes fail; with no operation running, `onLost`. */
  private fail(failure: PushFailure): void {
    if (this.closedByUs || this.failure) return;
    this.failure = failure;
    this.reader?.fail(failure);
    const w = this.drainWaiter;
    this.drainWaiter = null;
    w?.reject(failure);
    this.socket?.destroy();
    if (!this.busy) this.options.onLost?.(failure);
  }

  private detach(): void {
    this.socket = null;
    this.reader = null;
    this.remaining = null;
    const w = this.drainWaiter;
    this.drainWaiter = null;
    w?.reject(faultFailure({ kind: 'closed' }, 'closed locally'));
  }

  private response(): Promise<ResponseHead> {
    if (!this.reader) return Promise.reject(faultFailure({ kind: 'closed' }, 'no connection'));
    return this.reader.next();
  }

  /** Writes, then waits for 'drain' when the socket's buffer is over its high-water mark. */
  private async write(bytes: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const socket = this.socket;
    if (!socket || socket.destroyed) throw faultFailure({ kind: 'closed' }, 'the connection is closed');
    const flushed = socket.write(bytes);
    this.stats.maxBuffered = Math.max(this.stats.maxBuffered, socket.writableLength);
    if (flushed) return;
    this.stats.drainWaits++;
    const drained = new Promise<void>((resolve, reject) => {
      this.drainWaiter = { resolve, reject };
    });
    this.onDrainWait?.();
    await drained;
  }

  private async openPushStart(): Promise<void> {
    if (!this.target) throw faultFailure({ kind: 'closed' }, 'PushStart before PushSetup');
    const head = buildPushStart({ ...this.target, pushId: this.pushId, ...(this.authorization ? { authorization: this.authorization } : {}) }, this.contentLength);
    await this.write(Buffer.from(head, 'latin1'));
    this.stats.pushStarts++;
    this.remaining = this.contentLength;
  }

  /** Places one packet in the body: written, or `$F` padding, the PushStart's 204, a new PushStart, then written (§2.6). */
  private async place(packet: Buffer, type: PacketType): Promise<void> {
    if (this.remaining === null) throw faultFailure({ kind: 'closed' }, `$${type} with no PushStart open`);
    const { actions } = placePacket(this.remaining, packet, this.contentLength);
    for (const action of actions) {
      if (action.kind === 'write') {
        await this.write(action.bytes);
        this.remaining -= action.bytes.length;
        this.stats.bodyBytes += action.bytes.length;
        continue;
      }
      // The body is complete: its response (a 204) comes before the next PushStart.
      const head = await this.response();
      const answer = interpretResponse(head);
      if (answer.kind !== 'accepted') throw answer.kind === 'failed' ? new PushFailure(answer.hr, answer.reason) : unsolicitedFailure(head);
      if (answer.pushId !== undefined) this.pushId = answer.pushId;
      await this.openPushStart();
    }
  }
}

/** The HRESULT of a response that ended a request early (§2.8: 408 on Idle-Timeout, 5xx). */
function unsolicitedFailure(head: ResponseHead): PushFailure {
  const answer = interpretResponse(head);
  if (answer.kind === 'failed') return new PushFailure(answer.hr, answer.reason);
  return new PushFailure(httpStatusHr(head.status), `unexpected HTTP ${head.status} during the push`);
}

/** A redirect's Location as host, port and path; undefined when it is not a usable http:// URL. */
function redirectTarget(location: string): Pick<ConnectInput, 'host' | 'port' | 'path'> | undefined {
  try {
    const url = new URL(location);
    if (url.protocol !== 'http:' || url.hostname === '') return undefined;
    return { host: url.hostname, port: url.port === '' ? 80 : Number(url.port), path: url.pathname || '/' };
  } catch {
    return undefined;
  }
}
