/**
 * The push framing and the request/response heads of [MS-WMHTTP] (adapters/wmf-push/framing.ts,
 * adapters/wmf-push/pushSetup.ts) against wmf-push-sink.md §2.2-§2.6, §2.8, §2.14: exact wire
 * bytes, round trips (fast-check), Length-Remaining with `$F` padding and the new PushStart.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FramingError,
  decodePackets,
  encodeData,
  encodeEnd,
  encodeFiller,
  encodeHeader,
  encodePacket,
  encodeStreamChange,
  fillerFor,
  fits,
  minLengthRemaining,
  placePacket,
  type PushPacket,
} from '../adapters/wmf-push/framing.js';
import {
  buildPushSetup,
  buildPushStart,
  interpretResponse,
  parseResponseHead,
  pushSetupBody,
  headEnd,
} from '../adapters/wmf-push/pushSetup.js';
import { HR } from '../machines/hresult.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('exact wire bytes (spec §2.5)', () => {
  it('$E(S_OK) = 24 45 04 00 00 00 00 00', () => {
    expect(hex(encodeEnd())).toBe('24 45 04 00 00 00 00 00');
  });
  it('$E(S_FALSE) = 24 45 04 00 01 00 00 00; an error Reason is its HRESULT, little-endian', () => {
    expect(hex(encodeEnd(1))).toBe('24 45 04 00 01 00 00 00');
    expect(hex(encodeEnd(HR.NS_E_CONNECTION_FAILURE))).toBe('24 45 04 00 29 00 0d c0');
  });
  it('$H with an N-byte header = 24 48 <N lo> <N hi> <N bytes>', () => {
    const header = Buffer.alloc(0x0123, 0xab);
    const out = encodeHeader(header);
    expect(hex(out.subarray(0, 4))).toBe('24 48 23 01');
    expect(out.length).toBe(4 + 0x0123);
    expect(out.subarray(4).equals(header)).toBe(true);
  });
  it('$C = 24 43 <(N+4) LE16> 00 00 00 00 <N bytes>', () => {
    const out = encodeStreamChange(Buffer.from([1, 2, 3]));
    expect(hex(out)).toBe('24 43 07 00 00 00 00 00 01 02 03');
  });
  it('$D = 24 44 <N LE16> <packet>, no MMS pre-header', () => {
    expect(hex(encodeData(Buffer.from([9, 8])))).toBe('24 44 02 00 09 08');
  });
  it('$F = 24 46 <N LE16> <N zero bytes>', () => {
    expect(hex(encodeFiller(3))).toBe('24 46 03 00 00 00 00');
    expect(hex(encodeFiller(0))).toBe('24 46 00 00');
  });
  it('limits: $H 65,531, $C 65,527, $F 65,531, $D 65,535', () => {
    expect(encodeHeader(Buffer.alloc(65_531)).length).toBe(65_535);
    expect(() => encodeHeader(Buffer.alloc(65_532))).toThrow(/exceeds 65531/);
    expect(encodeStreamChange(Buffer.alloc(65_527)).length).toBe(65_535);
    expect(() => encodeStreamChange(Buffer.alloc(65_528))).toThrow(/exceeds 65527/);
    expect(() => encodeFiller(65_532)).toThrow(FramingError);
    expect(encodeData(Buffer.alloc(65_535)).length).toBe(65_539);
    expect(() => encodeData(Buffer.alloc(65_536))).toThrow(/exceeds 65535/);
    expect(() => encodeData(Buffer.alloc(0))).toThrow(/empty/);
  });
});

const packetArb: fc.Arbitrary<PushPacket> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((p): PushPacket => ({ type: 'H', payload: Buffer.from(p) })),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((p): PushPacket => ({ type: 'D', payload: Buffer.from(p) })),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((p): PushPacket => ({ type: 'C', reason: 0, payload: Buffer.from(p) })),
  fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 0xffffffff })).map((reason): PushPacket => ({ type: 'E', reason })),
  fc.integer({ min: 0, max: 300 }).map((length): PushPacket => ({ type: 'F', length })),
);

describe('decoding', () => {
  it('round trip: any sequence of packets, fed in arbitrary chunks, decodes to itself', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (packets, cuts) => {
        const stream = Buffer.concat(packets.map(encodePacket));
        const decoded: PushPacket[] = [];
        let pending: Buffer = Buffer.alloc(0);
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const take = cuts[i % cuts.length]!;
          pending = Buffer.concat([pending, stream.subarray(at, at + take)]);
          at += take;
          const out = decodePackets(pending, at - pending.length);
          decoded.push(...out.packets);
          pending = out.rest;
        }
        expect(pending.length).toBe(0);
        expect(decoded).toEqual(packets);
      }),
    );
  });
  it('names what is wrong', () => {
    expect(() => decodePackets(Buffer.from('25 48 00 00'.replace(/ /g, ''), 'hex'), 100)).toThrow(/byte 100: expected 0x24/);
    expect(() => decodePackets(Buffer.from('24 4d 00 00'.replace(/ /g, ''), 'hex'))).toThrow(/byte 1: unknown packet type 0x4d/);
    expect(() => decodePackets(Buffer.from('24 45 00 00'.replace(/ /g, ''), 'hex'))).toThrow(/\$E with PacketLength 0, the Reason needs 4/);
    expect(() => decodePackets(Buffer.from('24 45 05 00 00 00 00 00 00'.replace(/ /g, ''), 'hex'))).toThrow(/\$E with PacketLength 5, must be 4/);
  });
  it('keeps an incomplete packet for later', () => {
    const out = decodePackets(Buffer.from('24 44 05 00 01 02'.replace(/ /g, ''), 'hex'));
    expect(out.packets).toEqual([]);
    expect(out.rest.length).toBe(6);
  });
});

// ---------------------------------------------------------------------------------------------
// Length-Remaining (§2.6)
// ---------------------------------------------------------------------------------------------

describe('Length-Remaining with $F padding and a new PushStart', () => {
  it('the minimum: max(3 × the largest $D, the largest $H/$C + 4)', () => {
    expect(minLengthRemaining(1_000, 5_000)).toBe(5_004);
    expect(minLengthRemaining(3_000, 5_000)).toBe(9_000);
  });

  it('fillerFor pads exactly, each $F at most 65,535 bytes, never 1-3 left', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 300_000 })), (total) => {
        const filler = fillerFor(total);
        expect(filler.reduce((n, b) => n + b.length, 0)).toBe(total);
        for (const f of filler) {
          expect(f.length).toBeGreaterThanOrEqual(4);
          expect(f.length).toBeLessThanOrEqual(65_535);
          expect(decodePackets(f).packets).toEqual([{ type: 'F', length: f.length - 4 }]);
        }
      }),
    );
    expect(() => fillerFor(3)).toThrow(/cannot pad 3 bytes/);
    expect(fillerFor(65_538).map((b) => b.length)).toEqual([65_534, 4]);
  });

  it('a packet that fits is written; one that does not is preceded by $F to the end of the body and a new PushStart', () => {
    const d = encodeData(Buffer.alloc(20)); // 24 bytes on the wire
    expect(placePacket(100, d)).toEqual({ actions: [{ kind: 'write', bytes: d, packet: 'D' }], remaining: 76 });
    const { actions, remaining } = placePacket(20, d, 1_000);
    expect(actions.map((a) => (a.kind === 'write' ? a.packet : 'newPushStart'))).toEqual(['F', 'newPushStart', 'D']);
    expect((actions[0] as { bytes: Buffer }).bytes.length).toBe(20);
    expect(actions[1]).toEqual({ kind: 'newPushStart', contentLength: 1_000 });
    expect(remaining).toBe(976);
  });

  it('never leaves 1-3 bytes (they could not be padded): pads early instead', () => {
    const d = encodeData(Buffer.alloc(20)); // 24 bytes
    expect(fits(26, 24)).toBe(false);
    expect(fits(24, 24)).toBe(true);
    expect(fits(28, 24)).toBe(true);
    const { actions } = placePacket(26, d, 500);
    expect(actions.map((a) => a.kind)).toEqual(['write', 'newPushStart', 'write']);
    expect((actions[0] as { bytes: Buffer }).bytes.length).toBe(26);
  });

  it('a body filled exactly asks for the new PushStart with the next packet, without $F', () => {
    const e = encodeEnd();
    const first = placePacket(8, e, 100);
    expect(first.remaining).toBe(0);
    const second = placePacket(first.remaining, encodeData(Buffer.alloc(4)), 100);
    expect(second.actions.map((a) => a.kind)).toEqual(['newPushStart', 'write']);
  });

  it('every PushStart body is exactly its Content-Length, whatever the packets (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(packetArb.filter((p) => p.type !== 'F'), { minLength: 1, maxLength: 40 }), (packets) => {
        const encoded = packets.map(encodePacket);
        const largest = Math.max(...encoded.map((b) => b.length));
        const contentLength = minLengthRemaining(largest, largest);
        const bodies: number[] = [0];
        let remaining = contentLength;
        for (const bytes of encoded) {
          const step = placePacket(remaining, bytes, contentLength);
          for (const action of step.actions) {
            if (action.kind === 'newPushStart') bodies.push(0);
            else bodies[bodies.length - 1]! += action.bytes.length;
          }
          remaining = step.remaining;
        }
        // Every finished body is exactly the Content-Length; the last one has `remaining` left.
        for (const size of bodies.slice(0, -1)) expect(size).toBe(contentLength);
        expect(bodies[bodies.length - 1]! + remaining).toBe(contentLength);
        expect(remaining === 0 || remaining >= 4).toBe(true);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// PushSetup / PushStart heads (§2.2-§2.4, §2.14)
// ---------------------------------------------------------------------------------------------

describe('PushSetup and PushStart requests', () => {
  it('PushSetup as in the minimal exchange (§2.14): AutoDestroy: 1 is a 16-byte body', () => {
    const req = buildPushSetup({ host: '127.0.0.1', port: 8080, path: '/pubPoint', autoDestroy: true });
    expect(req.head).toBe(
      [
        'POST /pubPoint HTTP/1.1',
        'Content-Type: application/x-wms-pushsetup',
        'X-Accept-Authentication: Digest',
        'User-Agent: WMEncoder/12.0',
        'Host: 127.0.0.1:8080',
        'Content-Length: 16',
        'Connection: Keep-Alive',
        'Cache-Control: no-cache',
        'Cookie: push-id=0',
        '',
        '',
      ].join('\r\n'),
    );
    expect(req.body.toString('ascii')).toBe('AutoDestroy: 1\r\n');
  });

  it('Template-URL is a quoted path, then AutoDestroy (even 0)', () => {
    expect(pushSetupBody('/tpl/%C3%9C', false).toString('ascii')).toBe('Template-URL: "/tpl/%C3%9C"\r\nAutoDestroy: 0\r\n');
    expect(() => pushSetupBody('http://host/tpl', false)).toThrow(/absolute path/);
    const req = buildPushSetup({ host: 'h', port: 80, path: '/p', templatePath: '/t', autoDestroy: true });
    expect(req.head).toContain('Host: h\r\n');
    expect(req.head).toContain(`Content-Length: ${req.body.length}\r\n`);
  });

  it('an empty body for a second authentication leg; Authorization when given', () => {
    const req = buildPushSetup({ host: 'h', port: 80, path: '/p', emptyBody: true, authorization: 'Basic dTpw' });
    expect(req.body.length).toBe(0);
    expect(req.head).toContain('Content-Length: 0\r\n');
    expect(req.head.endsWith('Authorization: Basic dTpw\r\n\r\n')).toBe(true);
  });

  it('PushStart: the push-id from Set-Cookie, Content-Length 2147483647 by default', () => {
    const head = buildPushStart({ host: 'h', port: 8080, path: '/p', pushId: '12345' });
    expect(head).toContain('Content-Type: application/x-wms-pushstart\r\n');
    expect(head).toContain('Content-Length: 2147483647\r\n');
    expect(head).toContain('Cookie: push-id=12345\r\n');
    expect(buildPushStart({ host: 'h', port: 80, path: '/p' }, 4096)).toContain('Content-Length: 4096\r\n');
  });

  it('refuses a User-Agent servers must reject, and bad paths or push-ids', () => {
    expect(() => buildPushStart({ host: 'h', port: 80, path: '/p', userAgent: 'curl/8' })).toThrow(/WMEncoder/);
    expect(buildPushStart({ host: 'h', port: 80, path: '/p', userAgent: 'WMEncoder/9.0.0.3287' })).toContain('User-Agent: WMEncoder/9.0.0.3287');
    expect(() => buildPushStart({ host: 'h', port: 80, path: 'p' })).toThrow(/absolute path/);
    expect(() => buildPushStart({ host: 'h', port: 80, path: '/p', pushId: 'a b' })).toThrow(/push-id/);
  });
});

describe('server responses (§2.3, §2.8; [MS-WMHTTP] §3.1.5.1)', () => {
  const ok204 = [
    'HTTP/1.1 204 No Content',
    'Server: Cougar/9.6.7600.16564',
    'Content-Length: 0',
    'Pragma: no-cache, timeout=60000',
    'Cache-Control: no-cache',
    'Set-Cookie: push-id=42424242',
    '',
    '',
  ].join('\r\n');

  it('204 with Server: Cougar and a push-id is accepted', () => {
    const head = parseResponseHead(ok204);
    expect(headEnd(Buffer.from(ok204 + 'extra'))).toBe(ok204.length);
    expect(interpretResponse(head)).toEqual({ kind: 'accepted', status: 204, server: 'Cougar/9.6.7600.16564', pushId: '42424242', viaProxy: false });
  });

  it('Rex/… is accepted; no Set-Cookie (peercast-yt) or push-id=0 (Kagamin) gives no push-id', () => {
    const rex = interpretResponse(parseResponseHead('HTTP/1.0 200 OK\r\nServer: Rex/9.0.0.2980\r\n\r\n'));
    expect(rex).toEqual({ kind: 'accepted', status: 200, server: 'Rex/9.0.0.2980', viaProxy: false });
    const zero = interpretResponse(parseResponseHead('HTTP/1.1 204 No Content\r\nServer: Cougar/9.01.01.3814\r\nSet-Cookie: push-id=0\r\n\r\n'));
    expect(zero).not.toHaveProperty('pushId');
  });

  it('a missing or foreign Server is NS_E_INCOMPATIBLE_PUSH_SERVER, whatever the status', () => {
    expect(interpretResponse(parseResponseHead('HTTP/1.1 204 No Content\r\n\r\n'))).toMatchObject({ kind: 'failed', hr: HR.NS_E_INCOMPATIBLE_PUSH_SERVER });
    expect(interpretResponse(parseResponseHead('HTTP/1.1 404 Not Found\r\nServer: nginx/1.25\r\n\r\n'))).toMatchObject({
      kind: 'failed',
      hr: HR.NS_E_INCOMPATIBLE_PUSH_SERVER,
      reason: 'Server "nginx/1.25" is neither Cougar/… nor Rex/…',
    });
  });

  it('redirects: Location resolved against the request URL; 305 means a proxy', () => {
    const r = interpretResponse(parseResponseHead('HTTP/1.1 302 Found\r\nServer: Cougar/9.6\r\nLocation: /other\r\n\r\n'), { base: 'http://a:8080/pub' });
    expect(r).toEqual({ kind: 'redirect', status: 302, location: 'http://a:8080/other', useProxy: false });
    expect(interpretResponse(parseResponseHead('HTTP/1.1 305 Use Proxy\r\nLocation: http://proxy:3128/\r\n\r\n'))).toMatchObject({ kind: 'redirect', useProxy: true });
    expect(interpretResponse(parseResponseHead('HTTP/1.1 302 Found\r\nServer: Cougar/9.6\r\n\r\n'))).toMatchObject({ kind: 'failed', hr: HR.NS_E_INVALID_REDIRECT });
  });

  it('401 lists the challenges (Basic, Digest) from every WWW-Authenticate', () => {
    const r = interpretResponse(
      parseResponseHead('HTTP/1.1 401 Unauthorized\r\nServer: Cougar/9.6\r\nWWW-Authenticate: Digest realm="x", nonce="n"\r\nWWW-Authenticate: Basic realm="x"\r\n\r\n'),
    );
    expect(r).toEqual({
      kind: 'authenticate',
      status: 401,
      proxy: false,
      challenges: ['Digest realm="x", nonce="n"', 'Basic realm="x"'],
      schemes: ['Digest', 'Basic'],
    });
  });

  it('HTTP errors map to the §4.7 HRESULTs', () => {
    const status = (code: number, templateSent = false) =>
      interpretResponse(parseResponseHead(`HTTP/1.1 ${code} X\r\nServer: Cougar/9.6\r\n\r\n`), { templateSent });
    expect(status(404)).toMatchObject({ hr: HR.NS_E_INVALID_PUSH_PUBLISHING_POINT });
    expect(status(404, true)).toMatchObject({ hr: HR.NS_E_INVALID_PUSH_TEMPLATE });
    expect(status(408)).toMatchObject({ hr: HR.NS_E_TIMEOUT });
    expect(status(500)).toMatchObject({ hr: HR.NS_E_INTERNAL_SERVER_ERROR });
  });

  it('a head that is not HTTP is NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE', () => {
    expect(() => parseResponseHead('ICY 200 OK\r\n\r\n')).toThrow(/not an HTTP status line/);
    try {
      parseResponseHead('HTTP/1.1 204 No Content\r\nno colon here\r\n\r\n');
    } catch (e) {
      expect((e as { hr: number }).hr).toBe(HR.NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE);
    }
  });
});
