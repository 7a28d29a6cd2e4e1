/**
 * `mfchart diagram [--format mermaid|dot|scxml] [machine]`: prints a statechart drawn from its
 * machine definition (inspect/diagram/). Exit codes: 0 printed, 2 bad input.
 * @module
 */
import { parseArgs } from 'node:util';
import { DIAGRAM_FORMATS, DIAGRAM_MACHINES, findDiagramFormat, findDiagramMachine, readChart } from '../inspect/diagram/index.js';

/** Where the command writes; the CLI passes the process's streams, tests their own. */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const names = (list: readonly { name: string }[]) => list.map((entry) => entry.name).join('|');

export const DIAGRAM_USAGE = `usage: mfchart diagram [--format ${names(DIAGRAM_FORMATS)}] [${names(DIAGRAM_MACHINES)}]

Prints a statechart drawn from its XState definition (default: --format ${DIAGRAM_FORMATS[0].name} ${DIAGRAM_MACHINES[0].name}).

formats:
${DIAGRAM_FORMATS.map((format) => `  ${format.name.padEnd(9)}${format.summary}`).join('\n')}
machines:
${DIAGRAM_MACHINES.map((entry) => `  ${entry.name.padEnd(9)}${entry.summary}`).join('\n')}

Transitions that change no state (getters, clock calls) are listed in one note per state
(Mermaid, DOT) or kept as targetless transitions (SCXML). [?] marks a guard written inline.

exit codes: 0 printed, 2 invalid input`;

/** Runs `mfchart diagram` with the arguments after `diagram`; returns the exit code. */
export function runDiagramCommand(argv: string[], io: CommandOutput = process): number {
  const fail = (message: string) => (io.stderr.write(`mfchart diagram: ${message}\n${DIAGRAM_USAGE}\n`), 2);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f', default: DIAGRAM_FORMATS[0].name }, help: { type: 'boolean', short: 'h', default: false } },
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
  io.stdout.write(format.render(readChart(entry.machine)));
  return 0;
}
