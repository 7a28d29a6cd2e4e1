/**
 * A push server for [MS-WMHTTP] on real TCP sockets (node:net, HTTP/1.1 framing by hand): PushSetup
 * and PushStart with `Server: Cougar/9.01.01.3814`, push-id sessions, publishing points created
 * from a Template-URL, AutoDestroy, the Idle and Inactivity timers, `$H/$D/$C/$E/$F` parsed from the
 * body stream, and each session's stream written to valid ASF files (asfFileWriter.ts; one per
 * header, never overwritten). Basic or Digest authentication, and a proxy mode (absolute-form
 * requests, 407). Fault hooks make it misbehave on purpose, so the client's fault → HRESULT mapping
 * can be tested against real sockets (wmf-push-sink.md §2.2-§2.9, §8); profiles make it behave like
 * a third-party server (pushServerProfiles.ts).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { decodePackets, FramingError, REASON } from './framing.js';
import { AsfFileWriter, headerLayout } from './asfFileWriter.js';
import { AsfError } from './asfReader.js';
import { basicAuthorization, DigestServer } from './digestAuth.js';
import { errorWithBody, flumotionUnauthorized, pushServerProfile, type PushServerProfileName } from './pushServerProfiles.js';
import { parsePushSetupBody, parseRequestHead, requestKind, requestPushId, responseHead, type RequestHead } from './requestHead.js';
import { headEnd } from './pushSetup.js';

/** Ways the server misbehaves on purpose. */
export interface PushServerFaults {
  /** Nothing listens on the port: connections are refused (ECONNREFUSED). */
  refuse?: boolean;
  /** Reset the connection (RST) once this many PushStart body bytes arrived in a session. */
  resetAfterBytes?: number;
  /** Close the connection (FIN) after this many `$D`, before any EndSession. */
  closeAfterUnits?: number;
  /** Answer PushSetup with this status (401 without a challenge, 408, 500, …) and close. */
  setupStatus?: number;
  /** Answer with this status after this many `$D` of a PushStart body, then close (408 as on Idle-Timeout, 500). */
  pushStatus?: { status: number; afterUnits: number };
  /** Redirect every PushSetup to this URL (302). */
  redirectTo?: string;
  /** Send no `Server` header. */
  noServerHeader?: boolean;
  /** Answer every PushSetup that did not come through a proxy with `305 Use Proxy` to this proxy URL. */
  useProxy?: string;
  /** A slow reader: hold each PushStart body unread until `releaseReaders()`, and/or pause this long after each chunk. */
  slowReader?: { hold?: boolean; delayMs?: number };
}

/** Options of a push server. */
export interface PushServerOptions {
  host?: string;
  port?: number;
  /** Where each session's ASF file is written (`<point>.asf`). */
  outDir: string;
  /** Publishing points that exist; when omitted, any point is created on demand (the SDK's "default settings"). */
  publishingPoints?: string[];
  /** Basic credentials required on PushSetup (the same as `auth: { scheme: 'basic', … }`). */
  credentials?: { user: string; password: string };
  /**
   * Credentials required on PushSetup, Basic or Digest (MD5, qop=auth). A PushStart is accepted on the
   * strength of its push-id; one that carries Digest credentials must carry valid ones.
   */
  auth?: { scheme: 'basic' | 'digest'; user: string; password: string; realm?: string };
  /**
   * Act as an HTTP proxy in front of this server too: requests in absolute form (`POST http://…`) are
   * served, and with `credentials` each must carry `Proxy-Authorization` or gets a 407 (no `Server`).
   */
  proxy?: { scheme?: 'basic' | 'digest'; credentials?: { user: string; password: string } };
  /** Reproduce a third-party server's handshake and quirks (pushServerProfiles.ts; default `mfchart`). */
  profile?: PushServerProfileName;
  /** No `$H`/`$D`/`$C` during a PushStart for this long: 408, close, session deleted (default 60 s). */
  idleTimeoutMs?: number;
  /** No PushStart after PushSetup or between PushStarts for this long: session deleted (default 120 s). */
  inactivityTimeoutMs?: number;
  faults?: PushServerFaults;
}

/** Why a session ended. */
export type SessionEndReason = 'endOfStream' | 'idleTimeout' | 'inactivityTimeout' | 'fault' | 'shutdown';

/** What a session received; reported when it ends. */
export interface PushSessionSummary {
  pushId: string;
  point: string;
  reason: SessionEndReason;
  /** The ASF file written, when a `$H` arrived (the first one, when a `$C` started another). */
  file: string | null;
  /** Every ASF file written: one per header (`$H`, then one per `$C`). */
  files: string[];
  /** PushStart body bytes received in whole packets, `$D` packets and their payload bytes. */
  bodyBytes: number;
  units: number;
  dataBytes: number;
  pushStarts: number;
  autoDestroy: boolean;
}

interface Session {
  pushId: string;
  point: string;
  autoDestroy: boolean;
  writer: AsfFileWriter | null;
  files: string[];
  bodyBytes: number;
  units: number;
  dataBytes: number;
  pushStarts: number;
  timer: NodeJS.Timeout | null;
  socket: Socket | null;
}

/** A running push server. */
export interface PushServer {
  listen(): Promise<void>;
  close(): Promise<void>;
  /** The bound address (after listen). */
  readonly address: { host: string; port: number };
  /** `http://host:port` of the server. */
  readonly url: string;
  /** The publishing points that exist now. */
  points(): string[];
  /** Sessions that ended, in order. */
  readonly ended: PushSessionSummary[];
  /** The next session to end (or one already ended that nobody waited for). */
  nextSessionEnd(): Promise<PushSessionSummary>;
  /** Lets held slow readers read. */
  releaseReaders(): void;
  /** Listens for a held slow reader (the body is being held unread). */
  onHold(listener: () => void): void;
}

const USER_AGENT = /^WMEncoder\/(9|10|11|12)\.0(\.\d+\.\d+)?$/;

/** Creates a push server (not yet listening). */
export function createPushServer(options: PushServerOptions): PushServer {
  const faults = options.faults ?? {};
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const inactivityMs = options.inactivityTimeoutMs ?? 120_000;
  const points = new Set((options.publishingPoints ?? []).map(pointName));
  const openPoints = options.publishingPoints === undefined;
  const sessions = new Map<string, Session>();
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const events = new EventEmitter();
  const ended: PushSessionSummary[] = [];
  let unclaimed = 0;
  let bound = { host: options.host ?? '127.0.0.1', port: options.port ?? 0 };
  let releasing = false;
  const profile = pushServerProfile(options.profile ?? 'mfchart', {
    pushId: () => randomBytes(8).toString('hex'),
    accepted: (pushId) => head(204, 'No Content', pushId !== null ? { pushId } : {}),
  });
  const auth = options.auth ?? (options.credentials ? { scheme: 'basic' as const, ...options.credentials } : undefined);
  if (profile.digestWithPushId && auth?.scheme !== 'digest') throw new Error('the flumotion profile needs auth: { scheme: "digest", user, password }');
  const digest = auth?.scheme === 'digest' ? new DigestServer(auth.realm ?? (profile.name === 'flumotion' ? 'Flumotion' : 'mfchart'), auth) : null;
  const proxyDigest = options.proxy?.credentials && options.proxy.scheme === 'digest' ? new DigestServer('mfchart-proxy', options.proxy.credentials) : null;
  /** Flumotion: push-ids handed out on a 401 or a 204, and whether each was authenticated. */
  const issuedPushIds = new Map<string, boolean>();
  /** File names taken in this run, so a second session on a point never overwrites the first's file. */
  const taken = new Set<string>();

  fs.mkdirSync(options.outDir, { recursive: true });

  /** A file name for a point's next file: `<point>.asf`, then `<point>-2.asf`, … (never one that exists). */
  function nextFile(point: string): string {
    for (let n = 1; ; n++) {
      const file = path.join(options.outDir, `${fileName(point)}${n === 1 ? '' : `-${n}`}.asf`);
      if (!taken.has(file) && !fs.existsSync(file)) {
        taken.add(file);
        return file;
      }
    }
  }

  /** Whether a request carries the credentials the server asks for. */
  function authorized(value: string | undefined): boolean {
    if (!auth) return true;
    if (digest) return digest.verify(value, 'POST');
    return value === basicAuthorization(auth);
  }

  function challenge(): string {
    return digest ? `WWW-Authenticate: ${digest.challenge()}` : 'WWW-Authenticate: Basic realm="mfchart"';
  }

  function endSession(s: Session, reason: SessionEndReason): void {
    if (!sessions.has(s.pushId)) return;
    sessions.delete(s.pushId);
    if (s.timer) clearTimeout(s.timer);
    s.writer?.finish();
    s.writer = null;
    if (s.autoDestroy) points.delete(s.point); // §2.4: removed when the session state is deleted
    const summary: PushSessionSummary = {
      pushId: s.pushId,
      point: s.point,
      reason,
      file: s.files[0] ?? null,
      files: [...s.files],
      bodyBytes: s.bodyBytes,
      units: s.units,
      dataBytes: s.dataBytes,
      pushStarts: s.pushStarts,
      autoDestroy: s.autoDestroy,
    };
    ended.push(summary);
    unclaimed++;
    events.emit('sessionEnd', summary);
  }

  /** (Re)arms a session's one timer: Idle while a PushStart streams, Inactivity between requests (§2.9). */
  function arm(s: Session, kind: 'idle' | 'inactivity'): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(
      () => {
        const socket = s.socket;
        if (kind === 'idle' && socket && !socket.destroyed) socket.end(head(408, 'Request Timeout', { pushId: s.pushId, close: true }));
        endSession(s, kind === 'idle' ? 'idleTimeout' : 'inactivityTimeout');
      },
      kind === 'idle' ? idleMs : inactivityMs,
    );
    s.timer.unref();
  }

  function head(status: number, reason: string, o: { pushId?: string; close?: boolean; extra?: string[] } = {}): string {
    return responseHead(status, reason, { ...o, server: faults.noServerHeader ? null : undefined, pragmaTimeoutMs: idleMs });
  }

  function handleConnection(socket: Socket): void {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let mode: 'head' | 'setupBody' | 'pushBody' | 'discard' = 'head';
    let request: RequestHead | null = null;
    let bodyLeft = 0;
    let setupBody: Buffer[] = [];
    let packetRest: Buffer = Buffer.alloc(0);
    let session: Session | null = null;
    /** The session this connection's PushSetup created (peercast-yt binds PushStart to it). */
    let setupSession: Session | null = null;
    /** Whether the current request came in proxy (absolute) form. */
    let viaProxy = false;

    /** Ends the connection as a profile does on a protocol error. */
    const protocolError = () => {
      const answer = profile.protocolError;
      if (answer === 'close') {
        socket.destroy();
        mode = 'discard';
      } else if (answer.body !== undefined) {
        socket.end(errorWithBody(answer.status, answer.reason, answer.body, answer.chunked ?? false));
        mode = 'discard';
      } else reject(answer.status, answer.reason);
    };

    const reject = (status: number, reason: string, extra?: string[]) => {
      socket.end(head(status, reason, { close: true, ...(extra ? { extra } : {}) }));
      mode = 'discard';
    };

    function onSetup(req: RequestHead, body: string): void {
      if (faults.useProxy !== undefined && !viaProxy) return reject(305, 'Use Proxy', [`Location: ${faults.useProxy}`]);
      if (faults.redirectTo !== undefined) return reject(302, 'Found', [`Location: ${faults.redirectTo}`]);
      if (faults.setupStatus !== undefined) return reject(faults.setupStatus, 'Fault');
      if (!USER_AGENT.test(req.headers.get('user-agent') ?? '')) return reject(400, 'Bad Request');
      let givenPushId: string | null = null;
      if (profile.digestWithPushId) {
        // Flumotion: a 401 hands out the push-id; the retry authenticates it.
        const cookie = requestPushId(req);
        if (!issuedPushIds.has(cookie)) {
          givenPushId = profile.pushId()!;
          issuedPushIds.set(givenPushId, false);
        } else givenPushId = cookie;
        if (!issuedPushIds.get(givenPushId) && !authorized(req.headers.get('authorization'))) {
          socket.write(flumotionUnauthorized(digest!.challenge(','), givenPushId));
          return;
        }
        issuedPushIds.set(givenPushId, true);
      } else if (!authorized(req.headers.get('authorization'))) return reject(401, 'Unauthorized', [challenge()]);
      const point = pointName(req.path);
      const { templatePath, autoDestroy } = parsePushSetupBody(body);
      if (!points.has(point)) {
        // §2.4: an absent point is valid only with a template that exists (or, open, with defaults).
        if (templatePath !== null && points.has(pointName(templatePath))) points.add(point);
        else if (openPoints && templatePath === null) points.add(point);
        else return reject(404, 'Not Found');
      }
      const sent = givenPushId ?? profile.pushId();
      // A fixed push-id (stream-pump, Kagamin2) means one session at a time: a new PushSetup replaces it.
      const key = sent ?? randomBytes(8).toString('hex');
      const previous = sessions.get(key);
      if (previous) endSession(previous, 'fault');
      const s: Session = { pushId: key, point, autoDestroy, writer: null, files: [], bodyBytes: 0, units: 0, dataBytes: 0, pushStarts: 0, timer: null, socket };
      sessions.set(key, s);
      setupSession = s;
      arm(s, 'inactivity');
      socket.write(profile.accepted(sent));
    }

    function onPushStart(req: RequestHead): boolean {
      // peercast-yt: the session is the socket's; elsewhere the push-id cookie names it.
      const s = profile.sameSocket ? (setupSession && sessions.has(setupSession.pushId) ? setupSession : undefined) : sessions.get(requestPushId(req));
      if (profile.digestWithPushId && (s === undefined || !issuedPushIds.get(s.pushId))) {
        // Flumotion authenticates before it looks at the request: an unknown push-id gets a new challenge.
        const fresh = profile.pushId()!;
        issuedPushIds.set(fresh, false);
        socket.end(flumotionUnauthorized(digest!.challenge(','), fresh));
        mode = 'discard';
        return false;
      }
      if (s === undefined) {
        reject(400, 'Bad Request');
        return false;
      }
      const credentials = req.headers.get('authorization');
      if (digest && credentials !== undefined && !digest.verify(credentials, 'POST')) {
        reject(401, 'Unauthorized', [challenge()]);
        return false;
      }
      session = s;
      s.socket = socket;
      s.pushStarts++;
      arm(s, 'idle');
      if (faults.slowReader?.hold && !releasing) {
        socket.pause();
        held.add(socket);
        events.emit('hold');
      }
      return true;
    }

    /** Bytes of a PushStart body; packets are handled as they complete. */
    function onBody(chunk: Buffer): void {
      const s = session!;
      if (!sessions.has(s.pushId)) {
        mode = 'discard'; // the session ended (a timer): what still arrives has nowhere to go
        return;
      }
      let data = chunk;
      if (faults.resetAfterBytes !== undefined && s.bodyBytes + packetRest.length + data.length > faults.resetAfterBytes) {
        data = data.subarray(0, Math.max(0, faults.resetAfterBytes - s.bodyBytes - packetRest.length));
        handlePackets(s, data);
        endSession(s, 'fault');
        mode = 'discard';
        socket.resetAndDestroy();
        return;
      }
      handlePackets(s, data);
    }

    function handlePackets(s: Session, data: Buffer): void {
      const all = packetRest.length === 0 ? data : Buffer.concat([packetRest, data]);
      let decoded;
      try {
        decoded = decodePackets(all);
      } catch (error) {
        if (!(error instanceof FramingError)) throw error;
        endSession(s, 'fault');
        return protocolError();
      }
      packetRest = decoded.rest;
      if (packetRest.length >= 4 && profile.maxPacketPayload !== undefined && packetRest.readUInt16LE(2) > profile.maxPacketPayload + 4) {
        endSession(s, 'fault');
        return protocolError();
      }
      const max = profile.maxPacketPayload;
      const tooBig = (length: number) => max !== undefined && length > max;
      for (const packet of decoded.packets) {
        if (mode !== 'pushBody') return;
        if (tooBig(packet.type === 'F' ? packet.length : packet.type === 'E' ? 4 : packet.type === 'C' ? packet.payload.length + 4 : packet.payload.length)) {
          // peercast-yt: "WMHTTP chunk too big" ends the channel.
          endSession(s, 'fault');
          return protocolError();
        }
        s.bodyBytes += packet.type === 'F' ? 4 + packet.length : packetBytes(packet);
        switch (packet.type) {
          case 'H':
          case 'C':
            if (profile.requireFileIdFF && !fileIdEndsInFF(packet.payload)) {
              endSession(s, 'fault');
              return protocolError();
            }
            // `$H` opens the session's file; each `$C` closes it and opens the next (one header per file).
            if (packet.type === 'C' || s.writer === null) {
              s.writer?.finish();
              s.writer = null;
              try {
                s.writer = new AsfFileWriter(nextFile(s.point), packet.payload);
              } catch (error) {
                if (!(error instanceof AsfError)) throw error;
                endSession(s, 'fault');
                return protocolError();
              }
              s.files.push(s.writer.path);
            }
            arm(s, 'idle');
            break;
          case 'D':
            try {
              s.writer?.packet(packet.payload);
            } catch (error) {
              // A packet larger than the header's packet size cannot go in the file: a protocol error.
              if (!(error instanceof AsfError)) throw error;
              endSession(s, 'fault');
              return protocolError();
            }
            s.units++;
            s.dataBytes += packet.payload.length;
            arm(s, 'idle');
            if (faults.closeAfterUnits !== undefined && s.units >= faults.closeAfterUnits) {
              endSession(s, 'fault');
              socket.end(); // FIN; what the client still sends is discarded
              mode = 'discard';
              return;
            }
            if (faults.pushStatus !== undefined && s.units >= faults.pushStatus.afterUnits) {
              endSession(s, 'fault');
              return reject(faults.pushStatus.status, 'Fault');
            }
            break;
          case 'E':
            if (packet.reason !== REASON.END_OF_ENTRY) {
              // §3.2.5.5: the server may close without a response; the session state is deleted.
              endSession(s, 'endOfStream');
              socket.end();
              mode = 'discard';
              return;
            }
            break;
          case 'F':
            break;
        }
      }
    }

    function pump(): void {
      while (buffered.length > 0) {
        if (mode === 'discard') {
          buffered = Buffer.alloc(0);
          return;
        }
        if (mode === 'head') {
          const end = headEnd(buffered);
          if (end < 0) {
            if (buffered.length > 16 * 1024) reject(431, 'Request Header Fields Too Large');
            return;
          }
          request = parseRequestHead(buffered.subarray(0, end).toString('latin1')) ?? null;
          buffered = buffered.subarray(end);
          viaProxy = false;
          if (request && /^http:\/\//i.test(request.path)) {
            // Absolute form: the request came through a proxy, or to us as one.
            viaProxy = true;
            request = { ...request, path: new URL(request.path).pathname };
          }
          if (request && viaProxy && options.proxy?.credentials) {
            const given = request.headers.get('proxy-authorization');
            const ok = proxyDigest ? proxyDigest.verify(given, 'POST') : given === basicAuthorization(options.proxy.credentials);
            if (!ok) {
              const offer = proxyDigest ? proxyDigest.challenge() : 'Basic realm="mfchart-proxy"';
              socket.end(responseHead(407, 'Proxy Authentication Required', { server: null, close: true, extra: [`Proxy-Authenticate: ${offer}`] }));
              mode = 'discard';
              continue;
            }
          }
          const length = Number(request?.headers.get('content-length'));
          if (!request || !Number.isInteger(length) || length < 0) {
            reject(400, 'Bad Request');
            continue;
          }
          const kind = requestKind(request);
          bodyLeft = length;
          if (kind === 'pushSetup') {
            mode = 'setupBody';
            setupBody = [];
          } else if (kind === 'pushStart') {
            if (onPushStart(request)) {
              mode = 'pushBody';
              packetRest = Buffer.alloc(0);
            }
          } else reject(400, 'Bad Request');
          if (mode === 'setupBody' && bodyLeft === 0) {
            mode = 'head';
            onSetup(request, '');
          }
          continue;
        }
        const take = Math.min(bodyLeft, buffered.length);
        const chunk = buffered.subarray(0, take);
        buffered = buffered.subarray(take);
        bodyLeft -= take;
        if (mode === 'setupBody') {
          setupBody.push(chunk);
          if (bodyLeft === 0) {
            mode = 'head';
            onSetup(request!, Buffer.concat(setupBody).toString('latin1'));
          }
        } else {
          onBody(chunk);
          if (mode === 'pushBody' && bodyLeft === 0) {
            // The body is complete (§3.2.5.2.1): 204; the next PushStart may follow.
            mode = 'head';
            const s = session!;
            arm(s, 'inactivity');
            socket.write(profile.accepted(s.pushId));
          }
        }
      }
    }

    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      pump();
      const delay = faults.slowReader?.delayMs;
      if (delay !== undefined && mode === 'pushBody' && !socket.destroyed) {
        socket.pause();
        setTimeout(() => socket.resume(), delay).unref();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      held.delete(socket);
      // §3.2.7.1: a drop mid-request is not fatal; the running timer decides the session's fate.
      if (session && session.socket === socket) session.socket = null;
    });
  }

  const server = net.createServer(handleConnection);

  return {
    async listen() {
      server.listen(bound.port, bound.host);
      await once(server, 'listening');
      const a = server.address() as AddressInfo;
      bound = { host: a.address, port: a.port };
      if (faults.refuse) {
        // The port was real; now nothing listens on it.
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
    async close() {
      for (const s of [...sessions.values()]) endSession(s, 'shutdown');
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    get address() {
      return bound;
    },
    get url() {
      return `http://${bound.host}:${bound.port}`;
    },
    points: () => [...points].sort(),
    ended,
    nextSessionEnd() {
      if (unclaimed > 0) return Promise.resolve(ended[ended.length - unclaimed--]!);
      return new Promise((resolve) =>
        events.once('sessionEnd', () => {
          resolve(ended[ended.length - unclaimed--]!);
        }),
      );
    },
    releaseReaders() {
      releasing = true;
      for (const socket of held) socket.resume();
      held.clear();
    },
    onHold(listener) {
      events.on('hold', listener);
    },
  };
}

/** A publishing point's name: its path without the leading slash. */
function pointName(p: string): string {
  return decodeURIComponent(p.replace(/^\/+/, '').split('?')[0]!) || 'default';
}

/** A point name as a file name. */
function fileName(point: string): string {
  return point.replace(/[^A-Za-z0-9._-]/g, '_');
}

function packetBytes(packet: { type: 'H' | 'D' | 'C' | 'E'; payload?: Buffer }): number {
  if (packet.type === 'E') return 8;
  if (packet.type === 'C') return 8 + packet.payload!.length;
  return 4 + packet.payload!.length;
}

/** Whether a header's File ID (File Properties) ends in 0xFF, as Kagamin2 wants. */
function fileIdEndsInFF(header: Buffer): boolean {
  try {
    const layout = headerLayout(header);
    return header[layout.filePropertiesAt + 24 + 15] === 0xff;
  } catch {
    return false;
  }
}
