/**
 * How an application broadcasts a file with a media session: the session's sink is a push sink
 * connected to a publishing point, its source the ASF file's packets. The application drives it
 * like any session — SetTopology, Start, wait for the end, Close, Shutdown — and learns about the
 * network only through session events: MEError(NS_E_CONNECTION_FAILURE) when the connection fails,
 * and MESessionClosed(S_OK) once the server has the end of stream.
 *
 * `test/broadcastExample.test.ts` runs it against the push server on 127.0.0.1. By hand:
 *   mfchart serve-push --port 8080 --out out &
 *   npx tsc && node dist/examples/broadcast.js clip.wmv http://127.0.0.1:8080/live [intervalMs]
 */
import { pathToFileURL } from 'node:url';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { broadcastContentFromFile } from '../adapters/wmf-push/broadcastContent.js';
import { createBroadcastPlatform, type BroadcastStats } from '../adapters/wmf-push/createBroadcastPlatform.js';
import { formatHr, HR } from '../machines/hresult.js';
import { eventName, ME } from '../machines/mediaEventType.js';
import type { MediaEvent } from '../machines/types.js';

/** What {@link broadcastFile} needs. */
export interface BroadcastFileOptions {
  /** An ASF/WMV file. */
  file: string;
  /** The publishing point, e.g. `http://127.0.0.1:8080/live`. */
  url: string;
  /** Time between two packets in ms (default 10). */
  unitIntervalMs?: number;
  /** Longest wait for any one event, in ms (default 30 s). */
  timeoutMs?: number;
}

/** What happened: one line per step, and the broadcast's unit counts. */
export interface BroadcastReport {
  log: string[];
  /** True when the server has the whole file and its end of stream. */
  ok: boolean;
  stats: BroadcastStats;
}

/** Resolves with the next event of one of `types` the session queues from now on. */
function nextOf(session: MediaSessionHandle, types: number[], timeoutMs: number): Promise<MediaEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${types.map(eventName).join(' or ')} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = session.onRecord((record) => {
      if (record.kind !== 'event' || !types.includes(record.event.type)) return;
      clearTimeout(timer);
      off();
      resolve(record.event);
    });
  });
}

/** The events the example logs, in the order the session queues them. */
const LOGGED: readonly number[] = [ME.MESessionTopologySet, ME.MESessionStarted, ME.MEEndOfPresentation, ME.MESessionEnded, ME.MEError, ME.MESessionClosed];

/** Broadcasts an ASF file to a publishing point with a media session, start to end. */
export async function broadcastFile(options: BroadcastFileOptions): Promise<BroadcastReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const log: string[] = [];
  const note = (what: string, hr: number) => log.push(`${what}: ${formatHr(hr)}`);

  const platform = createBroadcastPlatform({
    url: options.url,
    content: broadcastContentFromFile(options.file),
    unitIntervalMs: options.unitIntervalMs ?? 10,
  });
  const session = createSession({ adapter: platform.adapter });
  // The application's event log, and the first MEError (a connection failure), whenever it comes.
  let reportError!: (event: MediaEvent) => void;
  const failed = new Promise<MediaEvent>((resolve) => (reportError = resolve));
  const off = session.onRecord((record) => {
    if (record.kind !== 'event') return;
    if (LOGGED.includes(record.event.type)) note(eventName(record.event.type), record.event.status);
    if (record.event.type === ME.MEError) reportError(record.event);
  });
  try {
    // The topology: the file's packets into the push sink (the platform names both objects).
    const topologySet = nextOf(session, [ME.MESessionTopologySet], timeoutMs);
    note('SetTopology', session.SetTopology([], platform.topology));
    await topologySet;

    // Start connects (PushSetup), sends the header ($H), and the packets start to flow.
    // A connection failure comes as MEError, before the command's own event.
    const started = nextOf(session, [ME.MESessionStarted], timeoutMs);
    note('Start', session.Start());
    const start = await started;

    // Then the file runs out (MESessionEnded, after `$E(1)`), unless the connection fails (MEError).
    if (start.status === HR.S_OK) await Promise.race([nextOf(session, [ME.MESessionEnded], timeoutMs), failed]);

    // Close sends `$E(0)`; MESessionClosed(S_OK) means the server has the end of stream.
    const closed = nextOf(session, [ME.MESessionClosed], timeoutMs);
    note('Close', session.Close());
    const close = await closed;
    const stats = platform.stats();
    return { log, ok: start.status === HR.S_OK && close.status === HR.S_OK && stats.units.failed === 0, stats };
  } finally {
    note('Shutdown', session.Shutdown());
    off();
    session.Release();
    platform.dispose();
  }
}

// Run as a program: node dist/examples/broadcast.js <file> <url> [intervalMs]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, url, interval] = process.argv.slice(2);
  if (!file || !url) {
    process.stderr.write('usage: node dist/examples/broadcast.js <file.asf|file.wmv> <http://host:port/point> [intervalMs]\n');
    process.exit(2);
  }
  broadcastFile({ file, url, ...(interval !== undefined ? { unitIntervalMs: Number(interval) } : {}) }).then(
    (report) => {
      for (const line of report.log) process.stdout.write(`${line}\n`);
      const { units } = report.stats;
      process.stdout.write(`units: ${units.handed} handed, ${units.written} written, ${units.failed} failed\n`);
      for (const f of report.stats.failures) process.stdout.write(`connection failure during ${f.during}: ${formatHr(f.cause)}\n`);
      process.exit(report.ok ? 0 : 1);
    },
    (error: unknown) => {
      process.stderr.write(`broadcast: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
