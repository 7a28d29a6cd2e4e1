/**
 * The saved-trace file ("Save trace" in the page): one session's recorded trace with the summary
 * and charts needed to step through it again offline ("Open trace"). Plain JSON.
 * @module
 */
import type { Chart } from '../diagram/model.js';
import { INSPECTOR_PROTOCOL, type SessionSummary, type TraceEntry } from '../live/protocol.js';

/** Marks the file's kind, so opening any other JSON fails with a clear message. */
export const TRACE_FILE_FORMAT = 'mfchart-inspector-trace';

/** A saved trace. */
export interface TraceFile {
  format: typeof TRACE_FILE_FORMAT;
  protocol: typeof INSPECTOR_PROTOCOL;
  /** The runtime's title when it was recorded. */
  title: string;
  session: string;
  summary: SessionSummary;
  charts: Readonly<Record<string, Chart>>;
  entries: TraceEntry[];
  /** The server's `truncated`: older entries are missing. */
  truncated?: boolean;
}

/** Builds the file's document. */
export function createTraceFile(parts: Omit<TraceFile, 'format' | 'protocol'>): TraceFile {
  return { format: TRACE_FILE_FORMAT, protocol: INSPECTOR_PROTOCOL, ...parts };
}

/** Parses a saved trace; throws an error naming what is wrong. */
export function parseTraceFile(text: string): TraceFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not a trace file: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const file = data as Partial<TraceFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== TRACE_FILE_FORMAT) {
    throw new Error(`not a trace file: "format" must be "${TRACE_FILE_FORMAT}"`);
  }
  if (file.protocol !== INSPECTOR_PROTOCOL) throw new Error(`trace file has protocol ${String(file.protocol)}; this page reads ${INSPECTOR_PROTOCOL}`);
  if (typeof file.session !== 'string') throw new Error('trace file: "session" must be a string');
  if (!Array.isArray(file.entries)) throw new Error('trace file: "entries" must be an array');
  if (typeof file.summary !== 'object' || file.summary === null) throw new Error('trace file: "summary" is missing');
  if (typeof file.charts !== 'object' || file.charts === null) throw new Error('trace file: "charts" is missing');
  return file as TraceFile;
}
