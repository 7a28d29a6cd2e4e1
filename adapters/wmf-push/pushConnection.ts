/**
 * The client half of [MS-WMHTTP] on one real TCP connection (node:net): PushSetup with redirects,
 * a proxy named by a 305, Digest and Basic authentication (401 and 407) and the
 * `Server: Cougar/…|Rex/…` check; PushStart with `$H`; `$D` (padding stripped), `$C`, `$E` placed in
 * the body with Length-Remaining, `$F` padding and a new PushStart when a body runs out
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
import { DEFAULT_CONTENT_LENGTH, encodeData, encodeEnd, encodeHeader, encodeStreamChange, fits, FRAME_HEADER_BYTES, placePacket, planDataRun, REASON, writeDataFrames, type PacketType } from './framing.js';
import { FrameSlabs } from './frameSlabs.js';
import { buildPushSetup, buildPushStart, interpretResponse, responsePushId, ResponseSyntaxError, type PushRequestTarget, type ResponseHead } from './pushSetup.js';
import { basicAuthorization, DigestClient, DigestError, parseChallenges, type AuthChallenge, type AuthCredentials } from './digestAuth.js';
import { ResponseReader } from './responseReader.js';
import { faultFailure, PushFailure, socketErrorFault } from './socketFault.js';
import { stripPadding } from './asfPacket.js';
import { headerLayout } from './asfFileWriter.js';

/** Credentials for a 401 or 407 challenge (Digest or Basic). */
export type PushCredentials = AuthCredentials;

/** The Authorization value of one request: (method, request-target) → header value. */
type Authenticator = (method: string, uri: string) => string;

/** Digest when offered (MD5, qop=auth), else Basic; a string says why neither can answer. */
function chooseAuthenticator(challenges: AuthChallenge[], credentials: PushCredentials): Authenticator | string {
  const digest = challenges.find((c) => c.scheme.toLowerCase() === 'digest');
  if (digest) {
    try {
      const client = new DigestClient(digest, credentials);
      return (method, uri) => client.authorization(method, uri);
    } catch (error) {
      if (!(error instanceof DigestError)) throw error;
      if (!challenges.some((c) => c.scheme.toLowerCase() === 'basic')) return error.message;
    }
  }
  if (challenges.some((c) => c.scheme.toLowerCase() === 'basic')) {
    const value = basicAuthorization(credentials);
    return () => value;
  }
  return `no supported scheme offered (${challenges.map((c) => c.scheme).join(', ') || 'none'}; Digest and Basic are supported)`;
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
  /**
   * EndSession waits up to this long, after `$E(0)` and our FIN, for the server to close its side —
   * the only acknowledgement of the end of stream [MS-WMHTTP] offers (§2.7: the server closes on
   * `$E(0)`, it MAY send no response). Past it EndSession still succeeds. Default 0: do not wait.
   */
  awaitServerCloseMs?: number;
  /**
   * The socket's write buffer (its high-water mark): bytes that may wait unwritten before a write
   * waits for 'drain' (default 256 KiB, decision P38). At most this plus one packet is ever buffered.
   */
  writeBufferBytes?: number;
  /** Strip each `$D` packet's padding and set its Padding Length to 0 (§2.5 SHOULD; default true; decision P31). */
  stripPadding?: boolean;
  /** Set the last byte of the header's File ID to 0xFF in `$H` and `$C` (Kagamin2 needs it; default false; decision P36). */
  fileIdFF?: boolean;
}

/** The default socket write buffer: a few dozen packets, so a fast server is not kept waiting on a 'drain' per 16 KiB. */
export const DEFAULT_WRITE_BUFFER_BYTES = 256 * 1024;

/** What went over the wire. */
export interface PushWireStats {
  /** PushStart body bytes written (`$H`, `$D`, `$C`, `$E`, `$F`). */
  bodyBytes: number;
  /** `$D` packets and their payload bytes written (after padding was stripped). */
  dataUnits: number;
  dataBytes: number;
  /** PushStart requests sent. */
  pushStarts: number;
  /** Padding bytes stripped from `$D` packets. */
  strippedBytes: number;
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
  /** Computes the Authorization / Proxy-Authorization value of one request, once challenged. */
  private auth: Authenticator | null = null;
  private proxyAuth: Authenticator | null = null;
  /** The proxy every request goes through, after a 305. */
  private proxy: { host: string; port: number } | null = null;
  private pushId = '0';
  /** Length-Remaining of the open PushStart body; null when no PushStart is open. */
  private remaining: number | null = null;
  private readonly contentLength: number;
  /** Bytes handed to the current socket so far: with its writableLength, how far its writes have completed. */
  private streamPosition = 0;
  private slabs: FrameSlabs;
  readonly stats: PushWireStats = { bodyBytes: 0, dataUnits: 0, dataBytes: 0, strippedBytes: 0, pushStarts: 0, maxBuffered: 0, drainWaits: 0 };
  /** Observers of backpressure (a write waiting for 'drain'); tests use it to act on the event, not on time. */
  onDrainWait: (() => void) | undefined;

  constructor(private readonly options: PushConnectionOptions = {}) {
    this.contentLength = options.contentLength ?? DEFAULT_CONTENT_LENGTH;
    this.slabs = this.newSlabs();
  }

  /** Slabs for one socket: two high-water marks each, so a slab holds a few groups (at least one 64 KiB frame). */
  private newSlabs(): FrameSlabs {
    return new FrameSlabs(2 * Math.max(this.options.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES, 65_536));
  }

  /** The stream position up to which the socket has finished writing. */
  private completedPosition(): number {
    return this.streamPosition - (this.socket?.writableLength ?? 0);
  }

  /**
   * TCP connect and PushSetup, following redirects (a 305 sends every later request through the proxy
   * it names) and answering one 401 and one 407 with Digest (preferred) or Basic credentials, each on a
   * new connection (§2.2 step 2a). A second challenge means the credentials were refused:
   * NS_E_SERVER_ACCESSDENIED or NS_E_PROXY_ACCESSDENIED (decision P34). Resolves with the push-id.
   */
  async connect(input: ConnectInput, credentials?: PushCredentials, proxyCredentials?: PushCredentials): Promise<string> {
    return this.run(async () => {
      let target = { ...input };
      let redirects = 0;
      const tried = { origin: false, proxy: false, stale: false };
      let pushId = '0';
      this.auth = null;
      this.proxyAuth = null;
      this.proxy = null;
      for (;;) {
        const via = this.proxy;
        await this.open(via?.host ?? target.host, via?.port ?? target.port);
        const setup = buildPushSetup({ ...target, pushId, ...this.credentialHeaders(target) });
        await this.write(Buffer.concat([Buffer.from(setup.head, 'latin1'), setup.body]));
        const head = await this.response();
        const answer = interpretResponse(head, { base: `http://${target.host}:${target.port}${target.path}`, templateSent: target.templatePath !== null });
        switch (answer.kind) {
          case 'accepted':
            this.target = target;
            this.pushId = answer.pushId ?? pushId;
            this.remaining = null;
            return this.pushId;
          case 'redirect': {
            // §3.1.5.1: close, reconnect to Location (305: to that proxy), repeat PushSetup.
            this.close();
            const next = redirectTarget(answer.location);
            if (next === undefined || ++redirects > (this.options.maxRedirects ?? 5)) {
              throw faultFailure({ kind: 'badRedirect' }, `redirect ${redirects} to ${answer.location} not followed`);
            }
            if (answer.useProxy) this.proxy = { host: next.host, port: next.port };
            else target = { ...target, ...next };
            continue;
          }
          case 'authenticate': {
            // §2.2 step 2a: re-send PushSetup with credentials on a new TCP connection.
            this.close();
            const which = answer.proxy ? 'proxy' : 'origin';
            const given = answer.proxy ? proxyCredentials : credentials;
            const challenges = parseChallenges(answer.challenges);
            const stale = challenges.some((c) => c.scheme.toLowerCase() === 'digest' && c.params.get('stale')?.toLowerCase() === 'true');
            const refused = (why: string) => new PushFailure(httpStatusHr(answer.status), `HTTP ${answer.status}: ${why}`);
            if (given === undefined) throw refused(`${which === 'proxy' ? 'the proxy' : 'the server'} asks for credentials (${answer.schemes.join(', ') || 'no scheme'}) and none were given`);
            if (tried[which] && !(stale && !tried.stale)) throw refused('credentials refused');
            if (tried[which]) tried.stale = true; // a stale nonce: one more try with the new one
            tried[which] = true;
            const authenticator = chooseAuthenticator(challenges, given);
            if (typeof authenticator === 'string') throw refused(authenticator);
            if (answer.proxy) this.proxyAuth = authenticator;
            else this.auth = authenticator;
            // Flumotion sets the push-id on its 401 and expects it back.
            pushId = responsePushId(head) ?? pushId;
            continue;
          }
          case 'failed':
            throw new PushFailure(answer.hr, answer.reason);
        }
      }
    }, true);
  }

  /** Authorization, Proxy-Authorization and the proxy form of the request line, for one request. */
  private credentialHeaders(target: Pick<ConnectInput, 'host' | 'port' | 'path'>): Pick<PushRequestTarget, 'authorization' | 'proxyAuthorization' | 'viaProxy'> {
    const viaProxy = this.proxy !== null;
    const uri = viaProxy ? `http://${target.port === 80 ? target.host : `${target.host}:${target.port}`}${target.path}` : target.path;
    return {
      ...(this.auth ? { authorization: this.auth('POST', uri) } : {}),
      ...(this.proxyAuth ? { proxyAuthorization: this.proxyAuth('POST', uri) } : {}),
      ...(viaProxy ? { viaProxy } : {}),
    };
  }

  /** PushStart, then `$H` with the header. */
  pushStart(header: Uint8Array): Promise<void> {
    return this.run(async () => {
      await this.openPushStart();
      await this.place(encodeHeader(this.outgoingHeader(header)), 'H');
    });
  }

  /** `$D` with one data packet. */
  data(unit: Uint8Array): Promise<void> {
    return this.run(async () => {
      const payload = this.options.stripPadding === false ? unit : stripPadding(unit);
      await this.place(encodeData(payload), 'D');
      this.stats.dataUnits++;
      this.stats.dataBytes += payload.length;
      this.stats.strippedBytes += unit.length - payload.length;
    });
  }

  /**
   * `$D` for each packet of a run, in order, as one operation (decision P39). `progress.written`
   * counts the packets written so far, so a failure says which ones made it. Packets go out in as
   * few socket writes as the buffer allows: the packets that fit under its high-water mark in one
   * write, then one packet that crosses it, then 'drain' — so, as for `data`, at most one packet
   * beyond the high-water mark is ever buffered (P38). Each group is framed into the connection's
   * reusable slabs (P40). A packet that does not fit the PushStart body goes through `$F` and a new
   * PushStart, as for `data`.
   */
  dataUnits(units: readonly Uint8Array[], progress: { written: number }): Promise<void> {
    return this.run(async () => {
      const plan = planDataRun(units, this.options.stripPadding !== false);
      const lengths = plan.frameLengths;
      const written = (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const payloadBytes = lengths[i]! - FRAME_HEADER_BYTES;
          this.stats.dataUnits++;
          this.stats.dataBytes += payloadBytes;
          this.stats.strippedBytes += units[i]!.length - payloadBytes;
        }
        progress.written = to;
      };
      let i = 0;
      while (i < units.length) {
        const first = lengths[i]!;
        if (this.remaining === null || !fits(this.remaining, first)) {
          const frame = Buffer.allocUnsafe(first);
          writeDataFrames(units, plan, i, i + 1, frame);
          await this.place(frame, 'D');
          written(i, i + 1);
          i++;
          continue;
        }
        // The longest group that stays under the high-water mark and fits the body (at least one packet).
        const socket = this.socket;
        const room = socket ? socket.writableHighWaterMark - socket.writableLength : 0;
        let end = i + 1;
        let length = first;
        while (end < units.length && length + lengths[end]! < room && fits(this.remaining, length + lengths[end]!)) length += lengths[end++]!;
        const group = this.slabs.take(length, this.completedPosition());
        writeDataFrames(units, plan, i, end, group);
        const flushed = this.writeNow(group);
        this.remaining -= length;
        this.stats.bodyBytes += length;
        if (!flushed) await this.drained();
        written(i, end);
        i = end;
      }
    });
  }

  /** `$E(S_FALSE)`: this entry ended, a `$C` follows. */
  endOfEntry(): Promise<void> {
    return this.run(() => this.place(encodeEnd(REASON.END_OF_ENTRY), 'E'));
  }

  /** `$C` with a new header. */
  streamChange(header: Uint8Array): Promise<void> {
    return this.run(() => this.place(encodeStreamChange(this.outgoingHeader(header)), 'C'));
  }

  /** `$E(S_OK)`, then the TCP connection is closed (the client SHOULD close, §2.7). */
  endSession(): Promise<void> {
    return this.run(async () => {
      await this.place(encodeEnd(REASON.END_OF_STREAM), 'E');
      const socket = this.socket!;
      this.closedByUs = true;
      // A reset instead of a close means the server did not take the end of stream (awaitServerCloseMs).
      let reset: NodeJS.ErrnoException | undefined;
      const serverClosed = new Promise<void>((resolve) => {
        socket.once('error', (error: NodeJS.ErrnoException) => (reset ??= error));
        socket.once('close', () => resolve());
      });
      await new Promise<void>((resolve) => socket.end(resolve));
      const wait = this.options.awaitServerCloseMs ?? 0;
      if (wait > 0) {
        let timer: NodeJS.Timeout | undefined;
        if (!socket.destroyed) await Promise.race([serverClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
        clearTimeout(timer);
        if (reset) {
          this.detach();
          throw faultFailure(socketErrorFault(reset, false), `after $E(0): ${reset.message}`);
        }
      }
      this.detach();
    });
  }

  /** The header as sent: with the Kagamin2 File ID quirk applied when asked for. */
  private outgoingHeader(header: Uint8Array): Uint8Array {
    return this.options.fileIdFF ? withFileIdFF(header) : header;
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

  /**
   * Runs one operation; a failure while none runs goes to `onLost` instead. A failed connection
   * refuses every later operation, except one that opens a new connection (`startsOver`: Connect
   * after a failure is a new push session, decision P2).
   */
  private async run<T>(op: () => Promise<T>, startsOver = false): Promise<T> {
    if (this.busy) throw new Error('PushConnection: one operation at a time');
    this.busy = true;
    try {
      if (this.failure && !startsOver) throw this.failure;
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
    // writableHighWaterMark reaches the Duplex constructor; @types/node does not list it for connect().
    const socket = net.connect({ host, port, writableHighWaterMark: this.options.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES } as net.NetConnectOpts);
    socket.setNoDelay(true);
    this.socket = socket;
    this.streamPosition = 0;
    this.slabs = this.newSlabs();
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
    if (!this.writeNow(bytes)) await this.drained();
  }

  /** Writes at once; false when the socket's buffer is over its high-water mark ('drain' must be awaited). */
  private writeNow(bytes: Buffer): boolean {
    if (this.failure) throw this.failure;
    const socket = this.socket;
    if (!socket || socket.destroyed) throw faultFailure({ kind: 'closed' }, 'the connection is closed');
    // Packets written in one turn of the event loop leave in one writev: corked now, uncorked once
    // this turn's promise chain has run (decision P38). Backpressure is unchanged: write() still says
    // when the buffer is over its high-water mark, and 'drain' follows the uncork.
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => {
        if (!socket.destroyed) socket.uncork();
      });
    }
    const flushed = socket.write(bytes);
    this.streamPosition += bytes.length;
    this.slabs.wrote(this.streamPosition);
    this.stats.maxBuffered = Math.max(this.stats.maxBuffered, socket.writableLength);
    return flushed;
  }

  /** Waits for the 'drain' after a write that filled the socket's buffer. */
  private async drained(): Promise<void> {
    this.stats.drainWaits++;
    const drained = new Promise<void>((resolve, reject) => {
      this.drainWaiter = { resolve, reject };
    });
    this.onDrainWait?.();
    await drained;
  }

  private async openPushStart(): Promise<void> {
    if (!this.target) throw faultFailure({ kind: 'closed' }, 'PushStart before PushSetup');
    const head = buildPushStart({ ...this.target, pushId: this.pushId, ...this.credentialHeaders(this.target) }, this.contentLength);
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
  const answer = interpretResponse(head, { checkServer: false });
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

/**
 * A copy of an ASF header whose File ID (in the File Properties Object and in the Data Object) ends
 * in 0xFF, the quirk Kagamin2 needs (spec §5, §6.1). A header the layout reader cannot use is sent
 * unchanged: the quirk is not worth failing a push for.
 */
export function withFileIdFF(header: Uint8Array): Uint8Array {
  const copy = Buffer.from(header);
  try {
    const layout = headerLayout(copy);
    copy[layout.filePropertiesAt + 24 + 15] = 0xff;
    copy[layout.headerObjectSize + 24 + 15] = 0xff;
    return copy;
  } catch {
    return header;
  }
}
