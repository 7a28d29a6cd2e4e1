/**
 * `mfchart diagram [--format mermaid|dot|scxml] [--compact] [machine]`: prints a statechart drawn from its
 * machine definition (inspect/diagram/). Exit codes: 0 printed, 2 bad input.
 * @module
 */
import { parseArgs } from 'node:util';
import { compactChart, DIAGRAM_FORMATS, DIAGRAM_MACHINES, findDiagramFormat, findDiagramMachine, readChart } from '../inspect/diagram/index.js';

/** Where the command writes; the CLI passes the process's streams, tests their own. */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const names = (list: readonly { name: string }[]) => list.map((entry) => entry.name).join('|');

export const DIAGRAM_USAGE = `usage: mfchart diagram [--format ${names(DIAGRAM_FORMATS)}] [--compact] [${names(DIAGRAM_MACHINES)}]

Prints a statechart drawn from its XState definition (default: --format ${DIAGRAM_FORMATS[0].name} ${DIAGRAM_MACHINES[0].name}).

formats:
${DIAGRAM_FORMATS.map((format) => `  ${format.name.padEnd(9)}${format.summary}`).join('\n')}
machines:
${DIAGRAM_MACHINES.map((entry) => `  ${entry.name.padEnd(9)}${entry.summary}`).join('\n')}

Transitions that change no state (getters, clock calls) are listed in one note per state
(Mermaid, DOT) or kept as targetless transitions (SCXML). [?] marks a guard written inline.
--compact (Mermaid, DOT) routes a guarded fan-out that several states share through one choice
node (◇): each state has one arrow per event into it, each target is entered once from it, and
the guards keep their common part (landsIn(fresh, ·)).

exit codes: 0 printed, 2 invalid input`;

/** Runs `mfchart diagram` with the arguments after `diagram`; returns the exit code. */
export function runDiagramCommand(argv: string[], io: CommandOutput = process): number {
  const fail = (message: string) => (io.stderr.write(`mfchart diagram: ${message}\n${DIAGRAM_USAGE}\n`), 2);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: DIAGRAM_FORMATS[0].name },
        compact: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(DIAGRAM_USAGE + '\n');
    return 0;
  }
  const format = findDiagramFormat(values.format!);
  if (!format) return fail(`unknown format ${JSON.stringify(values.format)} (expected one of ${names(DIAGRAM_FORMATS)})`);
  if (positionals.length > 1) return fail(`name at most one machine (got ${positionals.length}: ${positionals.join(' ')})`);
  const name = positionals[0] ?? DIAGRAM_MACHINES[0].name;
  const entry = findDiagramMachine(name);
  if (!entry) return fail(`unknown machine ${JSON.stringify(name)} (expected one of ${names(DIAGRAM_MACHINES)})`);
  if (values.compact && !format.compact) return fail(`--compact draws choice nodes, which ${format.name} cannot express (use mermaid or dot)`);
  const chart = readChart(entry.machine);
  io.stdout.write(format.render(values.compact ? compactChart(chart) : chart));
  return 0;
}
