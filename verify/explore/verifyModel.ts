/**
 * The exhaustive half of `mfchart verify`: compile the statechart into transition tables under
 * bounds, explore every ordering to a depth, check the invariants, and collect coverage.
 *
 * The state space is infinite (the command and event queues can grow without end), so exploration
 * runs under bounds, and no single bound setting reaches everything in a reasonable time: one
 * command at a time with a long event queue reaches every public state, while a call queued behind
 * the running command (calls made mid-command) needs a second setting with a shorter queue.
 * Coverage is merged over the settings.
 * @module
 */
import { ALPHABET, type AlphabetInput } from './alphabet.js';
import { compileTable, type CompileOptions, type TransitionTable } from './compileTable.js';
import { exploreTable, type Violation } from './exploreTable.js';
import { createCoverage, type CoverageReport } from './coverage.js';
import { INVARIANTS, type Invariant } from '../invariants/index.js';
import type { MediaSessionMachine } from '../../machines/mediaSessionMachine.js';

/** One bound setting of the exploration. */
export interface BoundSetting {
  readonly label: string;
  readonly maxCommands: number;
  readonly maxEvents: number;
}

/** The default settings: every public state; calls made mid-command. */
export const DEFAULT_BOUNDS: readonly BoundSetting[] = [
  { label: 'one command at a time, up to 10 queued events', maxCommands: 1, maxEvents: 10 },
  { label: 'a call queued behind the running command, up to 4 queued events', maxCommands: 2, maxEvents: 4 },
];

/** Options of {@link verifyModel}. */
export interface VerifyModelOptions {
  /** Inputs per ordering (default 8). */
  readonly depth?: number;
  readonly bounds?: readonly BoundSetting[];
  /** Invariants to check (default the library's); add your own. */
  readonly invariants?: readonly Invariant[];
  readonly alphabet?: readonly AlphabetInput[];
  /** The statechart (default the session machine). */
  readonly machine?: MediaSessionMachine;
  /** Told when a setting starts compiling and exploring (for progress displays). */
  readonly onPhase?: (phase: 'compile' | 'explore', setting: BoundSetting) => void;
}

/** What one bound setting found. */
export interface SettingResult {
  readonly setting: BoundSetting;
  readonly states: number;
  readonly transitions: number;
  readonly orderings: bigint;
  readonly orderingsCut: bigint;
  readonly complete: boolean;
  readonly compileMs: number;
  readonly exploreMs: number;
  readonly violations: readonly Violation[];
}

/** What the exhaustive exploration found, over every setting. */
export interface VerifyModelResult {
  readonly depth: number;
  readonly settings: readonly SettingResult[];
  readonly invariants: readonly { name: string; source: string }[];
  /** Distinct violations (by invariant and message), each with a shortest ordering. */
  readonly violations: readonly Violation[];
  readonly coverage: CoverageReport;
  readonly orderings: bigint;
  readonly ms: number;
  /** The compiled tables, one per setting (the differential run takes its frontier from them). */
  readonly tables: readonly TransitionTable[];
}

/** Explores the model exhaustively to `depth` under each bound setting. */
export function verifyModel(options: VerifyModelOptions = {}): VerifyModelResult {
  const started = performance.now();
  const depth = options.depth ?? 8;
  const alphabet = options.alphabet ?? ALPHABET;
  const invariants = options.invariants ?? INVARIANTS;
  const coverage = createCoverage(alphabet);
  const settings: SettingResult[] = [];
  const tables: TransitionTable[] = [];
  const seen = new Map<string, Violation>();
  for (const setting of options.bounds ?? DEFAULT_BOUNDS) {
    options.onPhase?.('compile', setting);
    const compile: CompileOptions = { alphabet, machine: options.machine, maxDepth: depth, maxCommands: setting.maxCommands, maxEvents: setting.maxEvents };
    const table = compileTable(compile);
    tables.push(table);
    options.onPhase?.('explore', setting);
    const result = exploreTable(table, { depth, invariants, onTransition: coverage.add });
    for (const violation of result.violations) {
      const key = `${violation.invariant}\u0000${violation.message}`;
      const known = seen.get(key);
      if (!known || known.path.length > violation.path.length) seen.set(key, violation);
    }
    settings.push({
      setting,
      states: result.states,
      transitions: result.transitions,
      orderings: result.orderings,
      orderingsCut: result.orderingsCut,
      complete: table.complete,
      compileMs: table.compileMs,
      exploreMs: result.ms,
      violations: result.violations,
    });
  }
  return {
    depth,
    settings,
    invariants: invariants.map(({ name, source }) => ({ name, source })),
    violations: [...seen.values()],
    coverage: coverage.report(),
    orderings: settings.reduce((sum, s) => sum + s.orderings, 0n),
    ms: performance.now() - started,
    tables,
  };
}

/** A big count in a readable form: 402606799415 → "4.03e11" (exact below a million). */
export function countText(count: bigint): string {
  if (count < 1_000_000n) return count.toString();
  const text = count.toString();
  return `${text[0]}.${text.slice(1, 3)}e${text.length - 1}`;
}

/** The text summary of an exploration. */
export function verifyModelText(result: VerifyModelResult): string {
  const lines = [`exhaustive: every ordering of ${ALPHABET.length} inputs to depth ${result.depth}, in ${(result.ms / 1000).toFixed(1)} s`];
  for (const s of result.settings) {
    lines.push(
      `  ${s.setting.label}: ${s.states} states, ${s.transitions} transitions, ${countText(s.orderings)} orderings` +
        ` (${countText(s.orderingsCut)} cut at the bounds${s.complete ? '' : ', STATE LIMIT HIT'}), compile ${(s.compileMs / 1000).toFixed(1)} s, explore ${(s.exploreMs / 1000).toFixed(2)} s`,
    );
  }
  const c = result.coverage;
  lines.push(`  invariants: ${result.invariants.length} checked (${result.invariants.map((i) => i.name).join(', ')}), ${result.violations.length} violated`);
  for (const v of result.violations) {
    lines.push(`    VIOLATION ${v.invariant} [${v.source}]: ${v.message}`);
    lines.push(`      shortest ordering: ${v.path.join(' > ')}`);
  }
  lines.push(
    `  coverage: ${c.statesReached.length}/${c.statesReached.length + c.statesMissed.length} public states, ${c.outcomes} state × method × outcome cells,` +
      ` ${c.missed.length} state × method cells never reached${c.missed.length ? ': ' + c.missed.map((m) => `${m.state}×${m.method}`).join(', ') : ''}`,
  );
  return lines.join('\n');
}

/** The JSON form (BigInt counts as strings). */
export function verifyModelJson(result: VerifyModelResult): Record<string, unknown> {
  return {
    depth: result.depth,
    orderings: result.orderings.toString(),
    ms: Math.round(result.ms),
    settings: result.settings.map((s) => ({
      label: s.setting.label,
      maxCommands: s.setting.maxCommands,
      maxEvents: s.setting.maxEvents,
      states: s.states,
      transitions: s.transitions,
      orderings: s.orderings.toString(),
      orderingsCut: s.orderingsCut.toString(),
      complete: s.complete,
      compileMs: Math.round(s.compileMs),
      exploreMs: Math.round(s.exploreMs),
    })),
    invariants: result.invariants,
    violations: result.violations,
    coverage: result.coverage,
  };
}
