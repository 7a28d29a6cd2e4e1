/**
 * PushSetup and PushStart request heads, and the server's response heads, as pure functions
 * (wmf-push-sink.md §2.2-§2.4, §2.8, §2.14; [MS-WMHTTP] §2.2.1, §2.2.2, §3.1.4.1, §3.1.4.2, §3.1.5.1).
 *
 * Requests: `POST <path> HTTP/1.1` with Content-Type `application/x-wms-pushsetup` /
 * `application/x-wms-pushstart`, `X-Accept-Authentication`, `User-Agent: WMEncoder/…`, `Host`,
 * `Content-Length` (always; never chunked), `Connection: Keep-Alive`, `Cache-Control: no-cache`,
 * `Cookie: push-id=…`. The PushSetup body is the optional `Template-URL: "<path>"` line and the
 * `AutoDestroy: 0|1` line.
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import { httpStatusHr } from '../../machines/pushFaults.js';
import { DEFAULT_CONTENT_LENGTH } from './framing.js';

/** The User-Agent the client sends: `WMEncoder/<major>.0[.<b>.<b>]`, major 9…12 (§2.3). */
export const DEFAULT_USER_AGENT = 'WMEncoder/12.0';
/** The schemes the client offers (Basic is supported but, as Windows does, not listed). */
export const DEFAULT_ACCEPT_AUTHENTICATION = 'Digest';

const USER_AGENT = /^WMEncoder\/(9|10|11|12)\.0(\.\d+\.\d+)?$/;

/** The target of a push request. */
export interface PushRequestTarget {
  host: string;
  port: number;
  /** The publishing point's path: the request target. */
  path: string;
  /** The push-id cookie: "0" for a new session. */
  pushId?: string;
  userAgent?: string;
  acceptAuthentication?: string;
  /** An `Authorization` header value (Basic or Digest), computed by the caller. */
  authorization?: string;
  /** A `Proxy-Authorization` header value, when the request goes through a proxy that asked (407). */
  proxyAuthorization?: string;
  /** Send through a proxy (a 305's Location): the request line carries the absolute URL (RFC 7230 §5.3.2). */
  viaProxy?: boolean;
  /** Use HTTP/1.0 instead of HTTP/1.1. */
  http10?: boolean;
}

/** PushSetup's options (Connect's template and AutoDestroy). */
export interface PushSetupOptions extends PushRequestTarget {
  /** The template publishing point's path (already reduced from a URL), or null. */
  templatePath?: string | null;
  autoDestroy?: boolean;
  /** Send an empty body (a second authentication leg). */
  emptyBody?: boolean;
}

/** A request: the head (ending with the blank line) and the body bytes that follow it. */
export interface PushRequest {
  head: string;
  body: Buffer;
}

function hostHeader(host: string, port: number): string {
  return port === 80 ? host : `${host}:${port}`;
}

function checkTarget(t: PushRequestTarget): void {
  const ua = t.userAgent ?? DEFAULT_USER_AGENT;
  if (!USER_AGENT.test(ua)) throw new Error(`User-Agent ${JSON.stringify(ua)} is not WMEncoder/<9-12>.0[.b.b]; servers must reject it`);
  if (!t.path.startsWith('/') || /[\s"]/.test(t.path) || /[^\x21-\x7e]/.test(t.path)) {
    throw new Error(`the request path ${JSON.stringify(t.path)} must be an ASCII absolute path without spaces or quotes`);
  }
  const id = t.pushId ?? '0';
  if (!/^[\x21-\x7e]{1,255}$/.test(id) || id.includes(';')) throw new Error(`push-id ${JSON.stringify(id)} is not 1-255 visible characters`);
}

function head(t: PushRequestTarget, contentType: string, contentLength: number): string {
  checkTarget(t);
  const lines = [
    `POST ${t.viaProxy ? `http://${hostHeader(t.host, t.port)}${t.path}` : t.path} HTTP/${t.http10 ? '1.0' : '1.1'}`,
    `Content-Type: ${contentType}`,
    `X-Accept-Authentication: ${t.acceptAuthentication ?? DEFAULT_ACCEPT_AUTHENTICATION}`,
    `User-Agent: ${t.userAgent ?? DEFAULT_USER_AGENT}`,
    `Host: ${hostHeader(t.host, t.port)}`,
    `Content-Length: ${contentLength}`,
    'Connection: Keep-Alive',
    'Cache-Control: no-cache',
    `Cookie: push-id=${t.pushId ?? '0'}`,
  ];
  if (t.authorization !== undefined) lines.push(`Authorization: ${t.authorization}`);
  if (t.proxyAuthorization !== undefined) lines.push(`Proxy-Authorization: ${t.proxyAuthorization}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

/** The PushSetup body: `Template-URL: "<path>"` (when given) and `AutoDestroy: 0|1`, each ending in CRLF. */
export function pushSetupBody(templatePath: string | null | undefined, autoDestroy: boolean): Buffer {
  let text = '';
  if (templatePath !== null && templatePath !== undefined) {
    if (!templatePath.startsWith('/') || /[^\x21-\x7e]/.test(templatePath) || templatePath.includes('"')) {
      throw new Error(`Template-URL ${JSON.stringify(templatePath)} must be an ASCII absolute path (percent-encoded) without quotes`);
    }
    text += `Template-URL: "${templatePath}"\r\n`;
  }
  text += `AutoDestroy: ${autoDestroy ? 1 : 0}\r\n`;
  return Buffer.from(text, 'ascii');
}

/** The PushSetup request (Content-Length = the body's size). */
export function buildPushSetup(options: PushSetupOptions): PushRequest {
  const body = options.emptyBody ? Buffer.alloc(0) : pushSetupBody(options.templatePath, options.autoDestroy ?? false);
  return { head: head(options, 'application/x-wms-pushsetup', body.length), body };
}

/** The PushStart request head; its body is the packet stream of exactly `contentLength` bytes. */
export function buildPushStart(target: PushRequestTarget, contentLength = DEFAULT_CONTENT_LENGTH): string {
  if (!Number.isInteger(contentLength) || contentLength < 8 || contentLength > DEFAULT_CONTENT_LENGTH) {
    throw new Error(`PushStart Content-Length ${contentLength} is outside 8…${DEFAULT_CONTENT_LENGTH}`);
  }
  return head(target, 'application/x-wms-pushstart', contentLength);
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** A parsed response head. Header names are lower-cased; a repeated header keeps every value. */
export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: Map<string, string[]>;
}

/** A response head that is not HTTP. */
export class ResponseSyntaxError extends Error {
  readonly hr: HResult = HR.NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE;
  constructor(message: string) {
    super(message);
    this.name = 'ResponseSyntaxError';
  }
}

/** Where an HTTP head (a request's or a response's) ends: the index just past CRLF CRLF, or -1 when it has not all arrived. */
export function headEnd(bytes: Buffer): number {
  const at = bytes.indexOf('\r\n\r\n');
  return at < 0 ? -1 : at + 4;
}

/** One header line as [lower-cased name, trimmed value], or undefined when it is not `name: value`. */
export function headerField(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}

/** Parses a response head (the status line and the header lines, up to the blank line). */
export function parseResponseHead(text: string | Buffer): ResponseHead {
  const raw = typeof text === 'string' ? text : text.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? raw.slice(0, end) : raw).split('\r\n');
  const status = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) throw new ResponseSyntaxError(`not an HTTP status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const field = headerField(line);
    if (!field) throw new ResponseSyntaxError(`not a header line: ${JSON.stringify(line.slice(0, 80))}`);
    const [name, value] = field;
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { version: status[1]!, status: Number(status[2]), reason: status[3] ?? '', headers };
}

/** The first value of a header. */
export function header(head: ResponseHead, name: string): string | undefined {
  return head.headers.get(name.toLowerCase())?.[0];
}

/** The server's product token when it is `Cougar/…` (Windows Media Services) or `Rex/…` (encoder, WMF); else undefined. */
export function pushServerToken(head: ResponseHead): string | undefined {
  const server = header(head, 'server');
  if (server === undefined) return undefined;
  const token = server.split(/\s+/)[0]!;
  return /^(Cougar|Rex)\/[\x21-\x7e]+$/.test(token) ? token : undefined;
}

/** The push-id a response sets (`Set-Cookie: push-id=<id>`), when it sets a usable one (not "0"). */
export function responsePushId(head: ResponseHead): string | undefined {
  for (const cookie of head.headers.get('set-cookie') ?? []) {
    const match = /^\s*push-id\s*=\s*([^;\s]{1,255})/i.exec(cookie);
    if (match && match[1] !== '0') return match[1];
  }
  return undefined;
}

/** What the client does with a response to PushSetup or PushStart. */
export type PushResponse =
  /** 200/204: accepted; the push-id to use from now on, when the server gave one. */
  | { kind: 'accepted'; status: number; server: string; pushId?: string; viaProxy: boolean }
  /** 300-305: reconnect to `location` (305: through that proxy) and repeat PushSetup. */
  | { kind: 'redirect'; status: number; location: string; useProxy: boolean }
  /** 401/407: authenticate (schemes offered, each challenge as sent) and repeat on a new connection. */
  | { kind: 'authenticate'; status: number; proxy: boolean; challenges: string[]; schemes: string[] }
  /** Anything else: the HRESULT the application sees. */
  | { kind: 'failed'; status: number; hr: HResult; reason: string };

/**
 * Interprets a response head. The `Server` check comes first for every response from the origin
 * (not for 305/407, which come from a proxy; and, with `checkServer: false`, not for an error that
 * ends a PushStart the server already accepted): a missing or unknown token is
 * NS_E_INCOMPATIBLE_PUSH_SERVER, probably a plain web server.
 */
export function interpretResponse(head: ResponseHead, options: { base?: string; templateSent?: boolean; checkServer?: boolean } = {}): PushResponse {
  const fromProxy = head.status === 305 || head.status === 407;
  const server = pushServerToken(head);
  // Only the handshake proves the peer is a push server; an error it sends later is mapped by its status (P37).
  const failedLater = options.checkServer === false && head.status !== 200 && head.status !== 204;
  if (!fromProxy && !failedLater && server === undefined) {
    const sent = header(head, 'server');
    return {
      kind: 'failed',
      status: head.status,
      hr: HR.NS_E_INCOMPATIBLE_PUSH_SERVER,
      reason: sent === undefined ? 'the response has no Server header' : `Server ${JSON.stringify(sent)} is neither Cougar/… nor Rex/…`,
    };
  }
  if (head.status === 200 || head.status === 204) {
    const pushId = responsePushId(head);
    return { kind: 'accepted', status: head.status, server: server ?? '', ...(pushId !== undefined ? { pushId } : {}), viaProxy: head.headers.has('via') };
  }
  if (head.status >= 300 && head.status <= 305) {
    const location = header(head, 'location');
    if (location === undefined) return { kind: 'failed', status: head.status, hr: HR.NS_E_INVALID_REDIRECT, reason: `${head.status} without Location` };
    let resolved: string;
    try {
      resolved = new URL(location, options.base).href;
    } catch {
      return { kind: 'failed', status: head.status, hr: HR.NS_E_INVALID_REDIRECT, reason: `Location ${JSON.stringify(location)} is not a URL` };
    }
    return { kind: 'redirect', status: head.status, location: resolved, useProxy: head.status === 305 };
  }
  if (head.status === 401 || head.status === 407) {
    const challenges = head.headers.get(head.status === 401 ? 'www-authenticate' : 'proxy-authenticate') ?? [];
    const schemes = challenges.map((c) => c.split(/\s+/)[0]!).filter((s) => s !== '');
    return { kind: 'authenticate', status: head.status, proxy: head.status === 407, challenges, schemes };
  }
  return {
    kind: 'failed',
    status: head.status,
    hr: httpStatusHr(head.status, options.templateSent ?? false),
    reason: `HTTP ${head.status} ${head.reason}`.trim(),
  };
}
