/**
 * Batching on the push path (decision P39): `sink.OnDataUnits` behaves exactly as one OnDataUnit per
 * unit (up to the first that blocks); with `maxBatch` > 1 the queued units go to the network as one
 * `dataUnits` operation, acknowledged by one `net.done` (a failure acknowledges only the units it
 * says were written); and `planDataRun` + `writeDataFrames` frame a run byte for byte as `encodeData(stripPadding(p))`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { HR, type HResult } from '../machines/hresult.js';
import { pushSinkMachine, pushSinkStateOf } from '../machines/pushSinkMachine.js';
import { queuedUnits, unitsAccounted, type PushSinkInput } from '../machines/pushSinkContext.js';
import type { NetRequest, PushSinkEmitted, PushSinkEvent } from '../machines/pushEvents.js';
import { stripPadding } from '../adapters/wmf-push/asfPacket.js';
import { encodeData, planDataRun, writeDataFrames } from '../adapters/wmf-push/framing.js';

const URL_OK = 'http://127.0.0.1:8080/pub';

/** The statechart with a scripted network: every operation asked for waits until answered. */
function rig(input: PushSinkInput) {
  const ops: NetRequest[] = [];
  let outstanding: NetRequest | null = null;
  const machine = pushSinkMachine.provide({
    actions: {
      requestNet: (_args, params: NetRequest) => {
        if (outstanding !== null) throw new Error(`a second network operation (${params.op}) while ${outstanding.op} is in flight`);
        outstanding = params;
        ops.push(params);
      },
      cancelNet: () => {
        outstanding = null;
      },
      closeConnection: () => {},
    },
  });
  const actor = createActor(machine, { input });
  const emitted: PushSinkEmitted[] = [];
  actor.on('*', (e) => emitted.push(e as PushSinkEmitted));
  actor.start();
  const send = (event: PushSinkEvent) => {
    const from = emitted.length;
    actor.send(event);
    return emitted.slice(from);
  };
  return {
    actor,
    ops,
    emitted,
    send,
    get outstanding() {
      return outstanding;
    },
    context: () => actor.getSnapshot().context,
    state: () => pushSinkStateOf(actor.getSnapshot()),
    answer(hr: HResult = HR.S_OK, written?: number): NetRequest | null {
      const request = outstanding;
      if (!request) return null;
      outstanding = null;
      send({ type: 'net.done', op: request.op, hr, ...(request.op === 'connect' ? { pushId: 'p' } : {}), ...(written !== undefined ? { written } : {}) });
      return request;
    },
  };
}
type Rig = ReturnType<typeof rig>;

function streaming(r: Rig): void {
  r.send({ type: 'push.Connect', url: URL_OK });
  r.answer();
  r.send({ type: 'sink.OnHeader', header: { length: 100 } });
  r.answer();
}

const unit = (length = 10) => ({ length });

type Step =
  | { kind: 'burst'; sizes: number[] }
  | { kind: 'ok' }
  | { kind: 'fail'; written: number }
  | { kind: 'lost' }
  | { kind: 'endWriting' }
  | { kind: 'header' }
  | { kind: 'disconnect' }
  | { kind: 'reconnect' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('burst' as const), sizes: fc.array(fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(0), fc.constant(70_000)), { minLength: 1, maxLength: 8 }) }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), written: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'lost' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'endWriting' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'header' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reconnect' as const }) },
);

/** Everything but the units' replies, which the two forms emit differently. */
const notReplies = (emitted: PushSinkEmitted[]) => emitted.filter((e) => e.type !== 'mf.reply' && e.type !== 'mf.replies');

describe('sink.OnDataUnits', () => {
  it('is one OnDataUnit per unit, up to the first that blocks: same replies, state, context, wire operations', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 80 }), fc.integer({ min: 1, max: 5 }), (steps, maxQueued) => {
        const batched = rig({ maxQueued });
        const single = rig({ maxQueued });
        for (const r of [batched, single]) streaming(r);
        for (const step of steps) {
          if (step.kind === 'burst') {
            const units = step.sizes.map((n) => unit(n));
            const fromBatched = batched.send({ type: 'sink.OnDataUnits', units });
            const replies = fromBatched.filter((e) => e.type === 'mf.replies');
            expect(replies).toHaveLength(1);
            const { hrs, blocked } = replies[0] as Extract<PushSinkEmitted, { type: 'mf.replies' }>;
            // The same units one call at a time, stopping after one that blocks.
            const singleHrs: HResult[] = [];
            let singleBlocked = false;
            const fromSingle: PushSinkEmitted[] = [];
            for (const u of units) {
              const out = single.send({ type: 'sink.OnDataUnit', unit: u });
              fromSingle.push(...out);
              const reply = out.find((e) => e.type === 'mf.reply') as Extract<PushSinkEmitted, { type: 'mf.reply' }>;
              singleHrs.push(reply.hr);
              if ((reply.out as { pending?: boolean } | undefined)?.pending) {
                singleBlocked = true;
                break;
              }
            }
            expect(hrs).toEqual(singleHrs);
            expect(blocked).toBe(singleBlocked);
            expect(notReplies(fromBatched)).toEqual(notReplies(fromSingle));
          } else {
            for (const r of [batched, single]) {
              switch (step.kind) {
                case 'ok':
                  r.answer();
                  break;
                case 'fail':
                  r.answer(HR.NS_E_RESET_SOCKET_CONNECTION);
                  break;
                case 'lost':
                  r.send({ type: 'net.lost', hr: HR.NS_E_CONNECTION_FAILURE });
                  break;
                case 'endWriting':
                  r.send({ type: 'sink.OnEndWriting' });
                  break;
                case 'header':
                  r.send({ type: 'sink.OnHeader', header: { length: 200 } });
                  break;
                case 'disconnect':
                  r.send({ type: 'push.Disconnect' });
                  break;
                case 'reconnect':
                  r.send({ type: 'push.Connect', url: URL_OK });
                  break;
              }
            }
          }
          expect(batched.state()).toBe(single.state());
          expect(batched.context()).toEqual(single.context());
          expect(batched.ops).toEqual(single.ops);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('stops at the unit that blocks: the later units are not handed', () => {
    const r = rig({ maxQueued: 2 });
    streaming(r);
    const out = r.send({ type: 'sink.OnDataUnits', units: [unit(), unit(), unit(), unit(), unit()] });
    expect(out.filter((e) => e.type === 'mf.replies')).toEqual([{ type: 'mf.replies', hrs: [HR.S_OK, HR.S_OK, HR.S_OK], blocked: true }]);
    expect(r.context()).toMatchObject({ handed: 3, blocked: ['OnDataUnit'] });
  });
});

describe('maxBatch: queued units go out as one operation', () => {
  it('the units queued behind an operation go as one dataUnits, acknowledged by one net.done', () => {
    const r = rig({ maxQueued: 8, maxBatch: 4 });
    r.send({ type: 'push.Connect', url: URL_OK });
    r.answer();
    r.send({ type: 'sink.OnHeader', header: { length: 100 } });
    for (let i = 0; i < 6; i++) r.send({ type: 'sink.OnDataUnit', unit: unit(i + 1) });
    r.answer(); // pushStart
    expect(r.outstanding).toEqual({ op: 'dataUnits', input: { units: [0, 1, 2, 3].map((seq) => ({ op: 'data', seq, unit: unit(seq + 1) })) } });
    r.answer();
    expect(r.context()).toMatchObject({ acked: 4 });
    // Two left: a run of two.
    expect(r.outstanding).toEqual({ op: 'dataUnits', input: { units: [4, 5].map((seq) => ({ op: 'data', seq, unit: unit(seq + 1) })) } });
    r.answer();
    expect(r.context()).toMatchObject({ handed: 6, acked: 6, failed: 0 });
    // A lone unit is still a plain `data`.
    r.send({ type: 'sink.OnDataUnit', unit: unit(7) });
    expect(r.outstanding).toEqual({ op: 'data', input: { seq: 6, unit: unit(7) } });
  });

  it('a failed run acknowledges the units it wrote; the rest fail, a blocked OnDataUnit returns', () => {
    const r = rig({ maxQueued: 3, maxBatch: 10 });
    streaming(r);
    r.send({ type: 'sink.OnDataUnit', unit: unit() }); // seq 0 goes alone
    const blocked = r.send({ type: 'sink.OnDataUnits', units: [unit(), unit(), unit(), unit()] });
    expect(blocked.find((e) => e.type === 'mf.replies')).toEqual({ type: 'mf.replies', hrs: [HR.S_OK, HR.S_OK, HR.S_OK], blocked: true });
    // seq 0 written: the blocked call returns, and 1..3 go as one run.
    const before = r.emitted.length;
    r.answer();
    expect(r.emitted.slice(before)).toContainEqual({ type: 'mf.complete', call: 'OnDataUnit', hr: HR.S_OK });
    expect(r.outstanding).toEqual({ op: 'dataUnits', input: { units: [1, 2, 3].map((seq) => ({ op: 'data', seq, unit: unit() })) } });
    expect(r.send({ type: 'sink.OnDataUnit', unit: unit() }).find((e) => e.type === 'mf.reply')).toEqual({ type: 'mf.reply', hr: HR.S_OK, out: { pending: true } });
    const from = r.emitted.length;
    r.answer(HR.NS_E_RESET_SOCKET_CONNECTION, 2);
    const out = r.emitted.slice(from);
    expect(out).toContainEqual({ type: 'mf.unitsFailed', seqs: [3, 4], hr: HR.NS_E_RESET_SOCKET_CONNECTION });
    expect(out).toContainEqual({ type: 'mf.complete', call: 'OnDataUnit', hr: HR.NS_E_CONNECTION_FAILURE });
    expect(r.context()).toMatchObject({ handed: 5, acked: 3, failed: 2 });
    expect(r.state()).toBe('broken');
  });

  it('nothing lost, the bound kept, seqs in order, under random calls and outcomes', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 100 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 12 }), (steps, maxQueued, maxBatch) => {
        const r = rig({ maxQueued, maxBatch });
        streaming(r);
        const acked = new Set<number>();
        const failed = new Set<number>();
        let lastSeqOnWire = -1;
        let seen = 0;
        for (const step of steps) {
          switch (step.kind) {
            case 'burst':
              r.send({ type: 'sink.OnDataUnits', units: step.sizes.map((n) => unit(n)) });
              break;
            case 'ok':
            case 'fail': {
              const request = r.outstanding;
              if (!request) break;
              const seqs = request.op === 'data' ? [request.input.seq] : request.op === 'dataUnits' ? request.input.units.map((u) => u.seq) : [];
              if (request.op === 'dataUnits') {
                expect(seqs.length).toBeGreaterThanOrEqual(2);
                expect(seqs.length).toBeLessThanOrEqual(maxBatch);
              }
              for (const seq of seqs) {
                expect(seq).toBeGreaterThan(lastSeqOnWire);
                lastSeqOnWire = seq;
              }
              if (step.kind === 'ok') {
                r.answer();
                seqs.forEach((s) => acked.add(s));
              } else {
                r.answer(HR.NS_E_RESET_SOCKET_CONNECTION, step.written);
                if (request.op === 'dataUnits') seqs.slice(0, Math.min(step.written, seqs.length)).forEach((s) => acked.add(s));
              }
              break;
            }
            case 'lost':
              r.send({ type: 'net.lost', hr: HR.NS_E_CONNECTION_FAILURE });
              break;
            case 'endWriting':
              r.send({ type: 'sink.OnEndWriting' });
              break;
            case 'header':
              r.send({ type: 'sink.OnHeader', header: { length: 200 } });
              break;
            case 'disconnect':
              r.send({ type: 'push.Disconnect' });
              break;
            case 'reconnect':
              r.send({ type: 'push.Connect', url: URL_OK });
              if (r.outstanding?.op === 'connect') r.answer();
              break;
          }
          for (const e of r.emitted.slice(seen)) {
            if (e.type !== 'mf.unitsFailed') continue;
            for (const seq of e.seqs) {
              expect(acked.has(seq) || failed.has(seq), `unit ${seq} reported twice or after its ack`).toBe(false);
              failed.add(seq);
            }
          }
          seen = r.emitted.length;
          const ctx = r.context();
          expect(unitsAccounted(ctx)).toBe(true);
          expect(ctx.acked).toBe(acked.size);
          expect(queuedUnits(ctx)).toBeLessThanOrEqual(maxQueued + 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('planDataRun + writeDataFrames', () => {
  /** An ASF data packet with the given parsing-information shape (see asfPacket.ts). */
  const packetArb = fc
    .record({
      ec: fc.boolean(),
      packetLengthWidth: fc.constantFrom(0, 1, 2, 4),
      sequenceWidth: fc.constantFrom(0, 1, 2, 4),
      paddingWidth: fc.constantFrom(0, 1, 2, 4),
      payload: fc.integer({ min: 0, max: 300 }),
      padding: fc.integer({ min: 0, max: 250 }),
      nonZeroPadding: fc.boolean(),
      wrongPacketLength: fc.boolean(),
    })
    .map((o) => {
      const widthCode = { 0: 0, 1: 1, 2: 2, 4: 3 } as const;
      const head = o.ec ? [0x82, 0, 0] : [];
      const flags = (widthCode[o.packetLengthWidth as 0] << 5) | (widthCode[o.paddingWidth as 0] << 3) | (widthCode[o.sequenceWidth as 0] << 1);
      const padding = o.paddingWidth === 0 ? 0 : o.padding;
      const size = head.length + 2 + o.packetLengthWidth + o.sequenceWidth + o.paddingWidth + 6 + o.payload + padding;
      const p = Buffer.alloc(size, 0);
      p.set([...head, flags, 0x5d]);
      let at = head.length + 2;
      const write = (width: number, value: number) => {
        if (width === 1) p[at] = value & 0xff;
        if (width === 2) p.writeUInt16LE(value & 0xffff, at);
        if (width === 4) p.writeUInt32LE(value, at);
        at += width;
      };
      write(o.packetLengthWidth, o.wrongPacketLength ? size + 1 : size);
      write(o.sequenceWidth, 7);
      write(o.paddingWidth, padding);
      p.fill(0xab, at, size - padding);
      if (o.nonZeroPadding && padding > 0) p[size - 1] = 1;
      return p;
    });

  /** Frames a whole run with planDataRun + writeDataFrames, in groups split at `cuts`, as the connection does. */
  const frameRun = (packets: Buffer[], strip: boolean, cuts: number[] = []) => {
    const plan = planDataRun(packets, strip);
    const out = Buffer.alloc(plan.frameLengths.reduce((a, b) => a + b, 0));
    let at = 0;
    const bounds = [0, ...cuts.filter((c) => c > 0 && c < packets.length).sort((a, b) => a - b), packets.length];
    for (let k = 0; k + 1 < bounds.length; k++) at = writeDataFrames(packets, plan, bounds[k]!, bounds[k + 1]!, out, at);
    expect(at).toBe(out.length);
    return { out, plan };
  };

  it('frames each packet of a run as encodeData(stripPadding(packet)) (strip) or encodeData(packet), in any grouping', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(6)), (packets, cuts) => {
        const stripped = frameRun(packets, true, cuts);
        const kept = frameRun(packets, false, cuts);
        packets.forEach((p, i) => {
          expect(stripped.plan.frameLengths[i]).toBe(encodeData(stripPadding(p)).length);
          expect(kept.plan.frameLengths[i]).toBe(encodeData(p).length);
        });
        expect(stripped.out).toEqual(Buffer.concat(packets.map((p) => encodeData(stripPadding(p)))));
        expect(kept.out).toEqual(Buffer.concat(packets.map((p) => encodeData(p))));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an empty or oversized packet, as encodeData does', () => {
    expect(() => planDataRun([Buffer.alloc(5), Buffer.alloc(0)])).toThrow(/empty data packet/);
    expect(() => planDataRun([Buffer.alloc(65_536)])).toThrow(/exceeds 65535/);
  });
});
