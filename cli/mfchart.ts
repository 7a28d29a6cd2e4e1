#!/usr/bin/env node
/**
 * The `mfchart` command.
 *
 *   mfchart run <file-or-dir>... [--adapter mock] [--json]
 *
 * Exit codes: 0 every scenario passed, 1 some scenario failed, 2 bad input (an invalid scenario
 * file names the file, the step and the field; nothing is run from it).
 * @module
 */
import { parseArgs } from 'node:util';
import { ScenarioError } from '../verify/scenario/parseScenario.js';
import { expandScenarioPaths, formatRunReport, loadScenarios, runScenarios, toRunReport } from '../verify/scenario/runScenarioFiles.js';

const USAGE = `usage: mfchart run <file-or-dir>... [--adapter mock] [--json]

commands:
  run   play scenario files (a directory means every *.json in it, sorted by name)

exit codes: 0 all passed, 1 a scenario failed, 2 invalid input`;

const ADAPTERS = ['mock'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run') {
    process.stderr.write(`mfchart: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { adapter: { type: 'string', default: 'mock' }, json: { type: 'boolean', default: false } } });
  } catch (error) {
    process.stderr.write(`mfchart run: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (!ADAPTERS.includes(values.adapter!)) {
    process.stderr.write(`mfchart run: unknown adapter ${JSON.stringify(values.adapter)} (available: ${ADAPTERS.join(', ')})\n`);
    return 2;
  }
  if (positionals.length === 0) {
    process.stderr.write(`mfchart run: name at least one scenario file or directory\n`);
    return 2;
  }
  let scenarios;
  try {
    scenarios = loadScenarios(expandScenarioPaths(positionals));
  } catch (error) {
    if (error instanceof ScenarioError) {
      process.stderr.write(`mfchart run: invalid scenario: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const results = await runScenarios(scenarios);
  process.stdout.write(values.json ? JSON.stringify(toRunReport(results), null, 2) + '\n' : formatRunReport(results) + '\n');
  return results.every((result) => result.pass) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mfchart: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
