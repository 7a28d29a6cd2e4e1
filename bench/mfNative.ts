/**
 * mf-native bridge figures: bridge start time (spawn → ready line, Wine + Windows node + koffi +
 * MFStartup, each bridge in a new linked prefix, so a cold wineserver) and calls/s through the
 * bridge, batched (one JSON line per batch) and one call per round trip. Target: ≥ 2 000 calls/s
 * batched (issue #4). Skipped, with the reason, when Wine or the runtime cache is missing.
 * @module
 */
import { findNativeRuntime, MfNativeSetupError } from '../adapters/mf-native/nativeRuntime.js';
import { startNativeBridge } from '../adapters/mf-native/nativeBridge.js';
import type { WireCall } from '../adapters/mf-native/protocol.js';

/** The measurements (or why there are none). */
export interface MfNativeBench {
  skipped?: string;
  startMs?: { median: number; runs: number[] };
  batched?: { callsPerSec: number; batch: number; batches: number };
  single?: { callsPerSec: number; calls: number };
  pingMs?: number;
  node?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Measures bridge start (`starts` times) and calls/s. */
export function measureMfNative(options: { starts?: number; batch?: number; batches?: number; single?: number } = {}): MfNativeBench {
  try {
    findNativeRuntime();
  } catch (error) {
    if (error instanceof MfNativeSetupError) return { skipped: error.message };
    throw error;
  }
  const runs: number[] = [];
  for (let i = 0; i < (options.starts ?? 3); i++) {
    const bridge = startNativeBridge();
    runs.push(bridge.startMs);
    bridge.close();
  }
  const bridge = startNativeBridge();
  try {
    const [{ session }] = bridge.call([{ op: 'MFCreateMediaSession' }]) as [{ session: number }];
    // A getter: the cost measured is the bridge's (JSON, pipe, koffi, vtable call), not MF's work.
    const call: WireCall = { op: 'session', h: session, method: 'GetSessionCapabilities' };
    const batch = options.batch ?? 1000;
    const batches = options.batches ?? 20;
    const calls = Array.from({ length: batch }, () => call);
    bridge.call(calls); // warm-up
    let began = performance.now();
    for (let i = 0; i < batches; i++) bridge.call(calls);
    const batchedSec = (performance.now() - began) / 1000;
    const single = options.single ?? 500;
    began = performance.now();
    for (let i = 0; i < single; i++) bridge.call([call]);
    const singleSec = (performance.now() - began) / 1000;
    const pings = Array.from({ length: 20 }, () => bridge.ping().ms);
    bridge.call([{ op: 'session', h: session, method: 'Shutdown' }, { op: 'session', h: session, method: 'Release' }]);
    return {
      startMs: { median: median(runs), runs },
      batched: { callsPerSec: (batch * batches) / batchedSec, batch, batches },
      single: { callsPerSec: single / singleSec, calls: single },
      pingMs: median(pings),
      node: bridge.ready?.node,
    };
  } finally {
    bridge.close();
  }
}

/** A few lines for the bench's output. */
export function renderMfNativeSummary(r: MfNativeBench): string {
  if (r.skipped) return `mf-native bridge: skipped (${r.skipped})`;
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  return [
    `mf-native bridge (Windows node ${r.node} + koffi under Wine, real mf.dll):`,
    `  start (spawn → ready, new linked prefix): median ${n(r.startMs!.median)} ms (${r.startMs!.runs.map(n).join(', ')} ms)`,
    `  batched calls: ${n(r.batched!.callsPerSec)} calls/s (${r.batched!.batches} batches of ${r.batched!.batch}; target ≥ 2,000)`,
    `  one call per round trip: ${n(r.single!.callsPerSec)} calls/s; ping ${r.pingMs!.toFixed(2)} ms`,
  ].join('\n');
}
