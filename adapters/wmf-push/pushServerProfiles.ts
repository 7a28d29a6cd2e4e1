/**
 * Server profiles: the handshakes and quirks of third-party [MS-WMHTTP] push servers, reproduced
 * from their sources (wmf-push-sink.md §5), so the client can be tested against each in CI, where no
 * such server is packaged (decision P35). `createPushServer({ profile })` runs one.
 *
 * | profile | PushSetup answer | push-id | quirks |
 * |---|---|---|---|
 * | `mfchart` | 204, `Server: Cougar/9.01.01.3814`, random push-id | random hex | the spec's behaviour |
 * | `peercast-yt` | 204, `Server: Cougar/9.01.01.3814`, `Supported`, no `Set-Cookie`, no `Pragma` | none | PushStart must follow on the same socket; a packet over 8192 bytes ends the channel (closed, no answer) |
 * | `stream-pump` | 204 from Node's http module, `Server: Cougar/9.6.7600.16564`, `Set-Cookie: push-id=42424242` | fixed | a framing error is answered `422` with a text body |
 * | `kagamin2` | 204, `Server: Cougar/9.01.01.3841`, `Set-Cookie: push-id=0` | "0" | a `$H` whose File ID does not end in 0xFF is dropped (the connection is closed) |
 * | `flumotion` | Digest 401 with `Set-Cookie: push-id=<n>`, then 204 | random < 2³¹ | PushStart is accepted without `Authorization` when its push-id was authenticated; `Pragma: no-cache,timeout=60000` |
 * @module
 */

/** The profiles a push server can run. */
export type PushServerProfileName = 'mfchart' | 'peercast-yt' | 'stream-pump' | 'kagamin2' | 'flumotion';

export const PUSH_SERVER_PROFILES: readonly PushServerProfileName[] = ['mfchart', 'peercast-yt', 'stream-pump', 'kagamin2', 'flumotion'];

const SUPPORTED =
  'com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.fastcache, com.microsoft.wm.startupprofile';

/** What a profile changes in the server. */
export interface PushServerProfile {
  name: PushServerProfileName;
  /** The push-id a PushSetup gets: a fresh one, a fixed one, or none at all (no `Set-Cookie`). */
  pushId: () => string | null;
  /** The exact bytes of the PushSetup's 204 (and of a PushStart's 204, when a body completes). */
  accepted: (pushId: string | null) => string;
  /** PushStart must come on the PushSetup's connection (the session belongs to the socket). */
  sameSocket: boolean;
  /** `$H`/`$D`/`$C`/`$F` payloads larger than this end the connection without an answer. */
  maxPacketPayload?: number;
  /** How a framing error in a PushStart body is answered: a status and body, or a silent close. */
  protocolError: { status: number; reason: string; body?: string; chunked?: boolean } | 'close';
  /** Drops a `$H`/`$C` whose File ID's last byte is not 0xFF (closes the connection). */
  requireFileIdFF: boolean;
  /** Digest-protected PushSetup, with the push-id remembered as authenticated (Flumotion). */
  digestWithPushId: boolean;
}

const date = () => new Date().toUTCString();
const head = (lines: string[]) => lines.join('\r\n') + '\r\n\r\n';

/** The profile of a name. */
export function pushServerProfile(name: PushServerProfileName, defaults: { accepted: (pushId: string | null) => string; pushId: () => string }): PushServerProfile {
  const base: PushServerProfile = {
    name,
    pushId: defaults.pushId,
    accepted: defaults.accepted,
    sameSocket: false,
    protocolError: { status: 400, reason: 'Bad Request' },
    requireFileIdFF: false,
    digestWithPushId: false,
  };
  switch (name) {
    case 'mfchart':
      return base;
    case 'peercast-yt':
      // servhs.cpp handshakeWMHTTPPush: "pretend to understand"; wmhttp.h: an 8192-byte chunk buffer.
      return {
        ...base,
        pushId: () => null,
        accepted: () =>
          head(['HTTP/1.1 204 No Content', 'Server: Cougar/9.01.01.3814', 'Cache-Control: no-cache', `Supported: ${SUPPORTED}`, 'Content-Length: 0', 'Connection: Keep-Alive']),
        sameSocket: true,
        maxPacketPayload: 8192,
        protocolError: 'close',
      };
    case 'stream-pump':
      // lib/mmsh-push-source.js: writeHead(204, …) through Node's http module, which adds Date and Connection.
      return {
        ...base,
        pushId: () => '42424242',
        accepted: () =>
          head([
            'HTTP/1.1 204 No Content',
            'Server: Cougar/9.6.7600.16564',
            'Pragma: no-cache, timeout=60000',
            'Set-Cookie: push-id=42424242',
            `Supported: ${SUPPORTED}`,
            `Date: ${date()}`,
            'Connection: keep-alive',
          ]),
        protocolError: { status: 422, reason: 'Unprocessable Entity', body: 'Sorry, but your stream did not make any sense!', chunked: true },
      };
    case 'kagamin2':
      // Kagamin2/Import.cs PushAcceptUser: a fixed answer with push-id=0.
      return {
        ...base,
        pushId: () => '0',
        accepted: () =>
          head([
            'HTTP/1.1 204 No Content',
            'Server: Cougar/9.01.01.3841',
            'Content-Length: 0',
            `Date: ${date()}`,
            'Pragma: no-cache, timeout=60000',
            'Cache-Control: no-cache',
            'Set-Cookie: push-id=0',
            `Supported: ${SUPPORTED}`,
          ]),
        protocolError: 'close',
        requireFileIdFF: true,
      };
    case 'flumotion':
      // wms.py WMSRequest.process: headers set on every response; push-id a random int below 2^31.
      return {
        ...base,
        pushId: () => String(1 + Math.floor(Math.random() * (2 ** 31 - 1))),
        accepted: (pushId) =>
          head([
            'HTTP/1.1 204 No Content',
            'Server: Cougar/9.01.01.3814 (Flumotion Streaming Server)',
            `Date: ${date()}`,
            `Supported: ${SUPPORTED}`,
            'Content-Length: 0',
            'Pragma: no-cache,timeout=60000',
            ...(pushId !== null ? [`Set-Cookie: push-id=${pushId}`] : []),
          ]),
        digestWithPushId: true,
      };
  }
}

/** Flumotion's 401: its headers, the Digest challenge, and the push-id it will remember. */
export function flumotionUnauthorized(challenge: string, pushId: string): string {
  return head([
    'HTTP/1.1 401 Unauthorized',
    'Server: Cougar/9.01.01.3814 (Flumotion Streaming Server)',
    `Date: ${date()}`,
    `Supported: ${SUPPORTED}`,
    'Content-Length: 0',
    'Pragma: no-cache,timeout=60000',
    `WWW-Authenticate: ${challenge}`,
    `Set-Cookie: push-id=${pushId}`,
  ]);
}

/** A protocol-error answer with a body, chunked as Node's http module of stream-pump's era sends it. */
export function errorWithBody(status: number, reason: string, body: string, chunked: boolean): string {
  const bytes = Buffer.byteLength(body, 'latin1');
  const lines = [`HTTP/1.1 ${status} ${reason}`, 'Content-Type: text/plain', `Date: ${date()}`, 'Connection: close'];
  if (chunked) return head([...lines, 'Transfer-Encoding: chunked']) + `${bytes.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  return head([...lines, `Content-Length: ${bytes}`]) + body;
}
