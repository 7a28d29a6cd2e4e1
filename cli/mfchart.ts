#!/usr/bin/env node
/**
 * The `mfchart` command.
 *
 *   mfchart run <file-or-dir>... [--adapter mock[:fault,...]] [--fault NAME]... [--json]
 *   mfchart verify ...            (cli/verifyCommand.ts)
 *   mfchart diagram ...           (cli/diagramCommand.ts)
 *   mfchart serve-push | push ... (cli/pushCommands.ts)
 *   mfchart inspect ...           (cli/inspectCommand.ts)
 *
 * Exit codes: 0 every scenario passed, 1 some scenario failed, 2 bad input (an invalid scenario
 * file names the file, the step and the field; nothing is run from it).
 * @module
 */
import { parseArgs } from 'node:util';
import { ScenarioError } from '../verify/scenario/parseScenario.js';
import { expandScenarioPaths, formatRunReport, loadScenarios, runScenarios, toRunReport } from '../verify/scenario/runScenarioFiles.js';
import { parseAdapterSpec, sessionFactoryFor, type AdapterSpec } from '../verify/sut/adapterSpec.js';

const USAGE = `usage: mfchart run <file-or-dir>... [--adapter mock[:fault,...]|mf-native] [--fault NAME]... [--json]
       mfchart verify [--adapter mock[:fault,...]] [--fault NAME]... [--runs N] [--seed S] [--mode async|scheduled|both]
                      [--json] [--out DIR] [--accept FILE] [--depth N]
       mfchart diagram [--format mermaid|dot|scxml] [session|clock]
       mfchart serve-push [--host 127.0.0.1] [--port N] [--out DIR] [--profile NAME] [--user U --password P [--digest]]
       mfchart push <file> <url> [--template URL] [--auto-destroy] [--user U --password P] [--file-id-ff]
       mfchart inspect [--adapter mock] [--demo N] [--scenario FILE]... [--host 127.0.0.1] [--port P] [--stately]

commands:
  run     play scenario files (a directory means every *.json in it, sorted by name)
  verify  differential testing of an adapter against the model (see README)
  diagram print a statechart (Mermaid, DOT or SCXML) drawn from its definition
  serve-push  run a push server ([MS-WMHTTP]) writing each session to DIR/<point>.asf
  push    push an ASF file to a publishing point; prints each step's HRESULT (exit 1 on a failure)
  inspect run demo or scenario sessions and serve the live inspector page (prints its URL)

--adapter mf-native runs on the real mf.dll under Wine (setup: npm run setup:mf-native).
--adapter mock:<fault> or --fault <fault> plants a contract fault of the mock
(second-shutdown-ok, stop-after-close-ok, event-after-shutdown, lost-completion, swapped-completions).

exit codes: 0 all passed, 1 a scenario failed / a divergence, 2 invalid input`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  // Loaded on demand: verify needs fast-check, a plain `run` does not.
  if (command === 'verify') return (await import('./verifyCommand.js')).runVerifyCommand(rest);
  if (command === 'diagram') return (await import('./diagramCommand.js')).runDiagramCommand(rest);
  if (command === 'serve-push') return (await import('./pushCommands.js')).runServePushCommand(rest);
  if (command === 'push') return (await import('./pushCommands.js')).runPushCommand(rest);
  if (command === 'inspect') return (await import('./inspectCommand.js')).runInspectCommand(rest);
  if (command !== 'run') {
    process.stderr.write(`mfchart: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { adapter: { type: 'string', default: 'mock' }, fault: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } } });
  } catch (error) {
    process.stderr.write(`mfchart run: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  let adapter: AdapterSpec;
  try {
    adapter = parseAdapterSpec(values.adapter!, values.fault ?? []);
  } catch (error) {
    process.stderr.write(`mfchart run: ${(error as Error).message}\n`);
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
  if (adapter.adapter === 'mf-native') {
    // The real mf.dll through the Wine bridge: adapters/mf-native/nativeCommands.ts.
    const native = await import('../adapters/mf-native/nativeCommands.js');
    const outcome = await native.runNativeScenarios(scenarios);
    process.stdout.write(values.json ? JSON.stringify(native.nativeRunJson(outcome), null, 2) + '\n' : native.formatNativeRun(outcome) + '\n');
    return native.nativeRunExitCode(outcome);
  }
  const results = await runScenarios(scenarios, { createSession: sessionFactoryFor(adapter) });
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
