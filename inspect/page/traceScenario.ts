/**
 * "Save as scenario": the selected session's trace as a scenario file, by the runtime's own
 * converter (inspect/live/traceToScenario.ts, pure, shared with `mfchart inspect`).
 * @module
 */
import type { TraceEntry } from '../live/protocol.js';
import { traceToScenario } from '../live/traceToScenario.js';

/** The scenario file text for a session's trace; throws (naming the entry) when it cannot be replayed. */
export function traceScenarioText(session: string, entries: readonly TraceEntry[], truncated: boolean): string {
  return traceToScenario(entries, { name: `recorded session ${session}`, truncated });
}
