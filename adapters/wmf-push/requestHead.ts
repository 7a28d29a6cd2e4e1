/**
 * The server's side of the push requests: parsing a PushSetup / PushStart request head and the
 * PushSetup body (`Template-URL`, `AutoDestroy`), and writing response heads with the headers a
 * push server sends (wmf-push-sink.md §2.3, §2.4, §2.8, §2.14).
 * @module
 */

/** A parsed request head; header names lower-cased. */
import { headerField } from './pushSetup.js';
export interface RequestHead {
  method: string;
  path: string;
  version: string;
  headers: Map<string, string>;
}

/** The request kinds of [MS-WMHTTP]. */
export type PushRequestKind = 'pushSetup' | 'pushStart' | 'other';

/** Parses a request head (up to the blank line), or undefined when it is not HTTP. */
export function parseRequestHead(text: string): RequestHead | undefined {
  const lines = text.replace(/\r\n\r\n$/, '').split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/(\d\.\d)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const field = headerField(line);
    if (!field) return undefined;
    headers.set(field[0], field[1]);
  }
  return { method: m[1]!, path: m[2]!, version: m[3]!, headers };
}

/** Which push request a head is, from its Content-Type. */
export function requestKind(head: RequestHead): PushRequestKind {
  const type = (head.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (head.method !== 'POST') return 'other';
  if (type === 'application/x-wms-pushsetup') return 'pushSetup';
  if (type === 'application/x-wms-pushstart') return 'pushStart';
  return 'other';
}

/** The request's push-id cookie ("0" when absent). */
export function requestPushId(head: RequestHead): string {
  const m = /(?:^|;\s*)push-id=([^;\s]+)/i.exec(head.headers.get('cookie') ?? '');
  return m ? m[1]! : '0';
}

/** The PushSetup body's fields (§2.4); AutoDestroy is 0 when absent. */
export function parsePushSetupBody(body: string): { templatePath: string | null; autoDestroy: boolean } {
  const template = /^Template-URL:\s*"([^"]*)"\s*$/im.exec(body);
  const autoDestroy = /^AutoDestroy:\s*(\d)\s*$/im.exec(body);
  return { templatePath: template ? template[1]! : null, autoDestroy: autoDestroy?.[1] === '1' };
}

/** A response head from a push server. */
export function responseHead(
  status: number,
  reason: string,
  o: { server?: string | null; pushId?: string; close?: boolean; pragmaTimeoutMs?: number; extra?: string[] },
): string {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  if (o.server !== null) lines.push(`Server: ${o.server ?? 'Cougar/9.01.01.3814'}`);
  lines.push('Content-Length: 0', `Date: ${new Date().toUTCString()}`);
  lines.push(`Pragma: no-cache${o.pragmaTimeoutMs !== undefined ? `, timeout=${o.pragmaTimeoutMs}` : ''}`, 'Cache-Control: no-cache');
  if (o.pushId !== undefined) lines.push(`Set-Cookie: push-id=${o.pushId}`);
  lines.push(...(o.extra ?? []));
  lines.push(`Connection: ${o.close ? 'close' : 'Keep-Alive'}`);
  return lines.join('\r\n') + '\r\n\r\n';
}
