/**
 * Pushes a whole sequence of data units through a push client at the rate the server takes them:
 * OnDataUnits calls of a few dozen units, with a bounded number of units awaiting acknowledgement.
 * What `mfchart push` does with an ASF file's packets.
 * @module
 */
import type { HResult } from '../../machines/hresult.js';
import { DEFAULT_MAX_QUEUED } from '../../machines/pushSinkContext.js';
import type { PushClient } from './createPushClient.js';

/** Options of {@link pushAll}. */
export interface PushAllOptions {
  /** Units per OnDataUnits call (default 64). */
  chunk?: number;
  /**
   * The most units awaiting acknowledgement (default twice the sink's default bound, 512): above the
   * sink's bound, so the sink's backpressure (P21, P41), not this window, paces the push, and the sink
   * always has a full batch to write; below it, the caller's memory stays bounded whatever the length.
   */
  window?: number;
}

/** Hands every unit to `client` in order; resolves with each unit's outcome (S_OK: written) at its index. */
export async function pushAll(client: PushClient, units: readonly Uint8Array[], options: PushAllOptions = {}): Promise<HResult[]> {
  const chunk = Math.max(1, Math.floor(options.chunk ?? 64));
  const window = Math.max(chunk, Math.floor(options.window ?? 2 * DEFAULT_MAX_QUEUED));
  const outcomes = new Array<HResult>(units.length);
  const pending: Promise<void>[] = [];
  for (let from = 0; from < units.length; from += chunk) {
    const at = from;
    pending.push(
      client.onDataUnits(units.slice(at, at + chunk)).then((hrs) => {
        for (let i = 0; i < hrs.length; i++) outcomes[at + i] = hrs[i]!;
      }),
    );
    if (pending.length * chunk >= window) await pending.shift();
  }
  await Promise.all(pending);
  return outcomes;
}
