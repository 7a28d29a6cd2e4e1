/**
 * `mfchart inspect` as a library call: a session host on the mock platform, the live inspector
 * over it, and either the demo (N sessions making random calls forever) or scenario files played
 * with every session watched; optionally the bridge to Stately's viewer. Tests and the browser
 * tests start it in-process.
 * @module
 */
import { createSession } from '../../actors/createSession.js';
import { createSessionHost, type SessionHost } from '../../actors/createSessionHost.js';
import { createMockPlatform, type MockPlatform } from '../../adapters/mock/createMockPlatform.js';
import { loadScenarios } from '../../verify/scenario/runScenarioFiles.js';
import { runScenario, type ScenarioResult } from '../../verify/scenario/runScenario.js';
import { createLiveInspector, type LiveInspector } from './createLiveInspector.js';
import { runDemo, type Demo } from './runDemo.js';
import { createStatelyBridge, type StatelyBridge } from './statelyBridge.js';

/** Options of {@link startInspect}. */
export interface StartInspectOptions {
  /** The platform (only `mock` today). */
  adapter?: string;
  /** Demo sessions kept running (default 0). */
  demo?: number;
  /** Scenario files whose sessions are played and shown (they stay listed after they finish). */
  scenarioFiles?: readonly string[];
  /** Loopback address to bind (default 127.0.0.1). */
  address?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** WebSocket token (default: random). */
  token?: string;
  /** The built page's folder (default `dist/inspect/page`). */
  pageDir?: string;
  /** Also bridge the actors to Stately's viewer (`@statelyai/inspect`), on this port (true: 8080). */
  stately?: boolean | { port: number };
  /** Demo pacing: real ms per tick (default 100). */
  tickMs?: number;
  /** Demo seed (default: from the clock). */
  seed?: number;
  /** Demo ticks only on `demo.tick()` (tests). */
  manualDemo?: boolean;
}

/** What {@link startInspect} started. */
export interface InspectRuntime {
  /** The page URL with the token. */
  readonly url: string;
  readonly inspector: LiveInspector;
  readonly host: SessionHost;
  readonly platform: MockPlatform;
  readonly demo?: Demo;
  /** Results of the scenario files, once played (resolves at once without scenarios). */
  readonly scenarios: Promise<ScenarioResult[]>;
  /** The Stately bridge page, when asked for. */
  readonly statelyUrl?: string;
  /** Stops the demo, the bridge and the inspector. */
  close(): Promise<void>;
}

/** Starts the inspector runtime. Throws on an unknown adapter or an invalid scenario file (before anything listens). */
export async function startInspect(options: StartInspectOptions = {}): Promise<InspectRuntime> {
  const adapter = options.adapter ?? 'mock';
  if (adapter !== 'mock') throw new Error(`unknown adapter ${JSON.stringify(adapter)}: mfchart inspect runs on the mock platform (--adapter mock)`);
  const scenarios = loadScenarios(options.scenarioFiles ?? []);
  const platform = createMockPlatform();
  const host = createSessionHost({ adapter: platform.adapter });
  const demoCount = options.demo ?? 0;
  const title = scenarios.length > 0 ? `${scenarios.length} scenario file(s) on the mock` : `${demoCount} demo session(s) on the mock`;
  const inspector = await createLiveInspector({
    host,
    address: options.address,
    port: options.port,
    token: options.token,
    pageDir: options.pageDir,
    title,
    // Scenario sessions finish at once (simulated time): keep them listed.
    keepReleased: scenarios.length > 0 ? 10_000 : 0,
  });
  let bridge: StatelyBridge | undefined;
  try {
    if (options.stately) bridge = await createStatelyBridge({ host, port: typeof options.stately === 'object' ? options.stately.port : undefined });
  } catch (error) {
    await inspector.close();
    throw error;
  }
  const demo =
    demoCount > 0
      ? runDemo({
          host,
          platform,
          sessions: demoCount,
          tickMs: options.tickMs,
          seed: options.seed,
          manual: options.manualDemo,
          onOutsideAction: (id, entry) => inspector.note(id, entry),
        })
      : undefined;

  const played = (async () => {
    const results: ScenarioResult[] = [];
    for (const [index, scenario] of scenarios.entries()) {
      results.push(
        await runScenario(scenario, {
          createSession: (sessionOptions) => {
            // Each scenario runs on its own mock platform; ids are made unique across files.
            const session = createSession({ ...sessionOptions, id: `${index + 1}: ${scenario.name}` });
            inspector.watch(session);
            bridge?.watch(session);
            return session;
          },
        }),
      );
    }
    return results;
  })();

  let closing: Promise<void> | undefined;
  return {
    url: inspector.url,
    inspector,
    host,
    platform,
    demo,
    scenarios: played,
    statelyUrl: bridge?.url,
    close() {
      closing ??= (async () => {
        demo?.stop();
        await played.catch(() => undefined);
        bridge?.close();
        await inspector.close();
      })();
      return closing;
    },
  };
}
