/**
 * `mfchart inspect [--adapter mock] [--demo N] [--scenario FILE]... [--host 127.0.0.1] [--port P] [--stately]`:
 * runs sessions on the mock platform, serves the live inspector page and prints its URL (with
 * the token) until Ctrl-C or SIGTERM. Exit codes: 0 stopped by a signal, 2 bad input.
 * @module
 */
import { parseArgs } from 'node:util';
import { ScenarioError } from '../verify/scenario/parseScenario.js';
import { expandScenarioPaths } from '../verify/scenario/runScenarioFiles.js';
import { startInspect, type InspectRuntime } from '../inspect/live/startInspect.js';
import type { CommandOutput } from './diagramCommand.js';

export const INSPECT_USAGE = `usage: mfchart inspect [--adapter mock] [--demo N] [--scenario FILE-OR-DIR]... [--host 127.0.0.1] [--port P] [--stately]

Runs sessions and serves the live inspector on a loopback address; prints the page's URL (with its
token) and runs until Ctrl-C.

  --demo N       N sessions making random calls forever (a session that shuts down is replaced)
  --scenario F   play the scenario file(s) (a directory means every *.json in it); their sessions stay listed
  --host H       loopback address to bind: 127.0.0.1 (default), ::1 or localhost
  --port P       port (default: any free port)
  --seed S       seed of the demo's random orderings
  --stately      also bridge the actors to Stately's hosted viewer (@statelyai/inspect, port 8080; needs the network)

exit codes: 0 stopped, 2 invalid input`;

/** Runs `mfchart inspect`; resolves with the exit code once stopped by SIGINT/SIGTERM. */
export async function runInspectCommand(argv: string[], io: CommandOutput = process): Promise<number> {
  const fail = (message: string) => (io.stderr.write(`mfchart inspect: ${message}\n${INSPECT_USAGE}\n`), 2);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        adapter: { type: 'string', default: 'mock' },
        demo: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        seed: { type: 'string' },
        stately: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout.write(INSPECT_USAGE + '\n');
    return 0;
  }
  const integer = (name: string, text: string | undefined, min: number, max: number): number | undefined | Error => {
    if (text === undefined) return undefined;
    const value = Number(text);
    return Number.isInteger(value) && value >= min && value <= max ? value : new Error(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  };
  const demo = integer('demo', values.demo, 0, 100_000);
  const port = integer('port', values.port, 0, 65_535);
  const seed = integer('seed', values.seed, 0, 2 ** 32 - 1);
  for (const value of [demo, port, seed]) if (value instanceof Error) return fail(value.message);
  const scenarioPaths = values.scenario ?? [];
  if (demo === undefined && scenarioPaths.length === 0) return fail('give --demo N or --scenario FILE (or both)');

  let runtime: InspectRuntime;
  try {
    runtime = await startInspect({
      adapter: values.adapter,
      demo: demo as number | undefined,
      scenarioFiles: expandScenarioPaths(scenarioPaths),
      address: values.host,
      port: port as number | undefined,
      seed: seed as number | undefined,
      stately: values.stately,
    });
  } catch (error) {
    if (error instanceof ScenarioError) return fail(`invalid scenario: ${error.message}`);
    return fail((error as Error).message);
  }
  io.stdout.write(`mfchart inspector: ${runtime.url}\n`);
  if (runtime.statelyUrl) io.stdout.write(`Stately bridge (hosted viewer, needs the network): ${runtime.statelyUrl}\n`);
  runtime.scenarios.then(
    (results) => {
      for (const result of results) io.stdout.write(`${result.pass ? 'PASS' : 'FAIL'} ${result.name}\n`);
    },
    (error: unknown) => io.stderr.write(`mfchart inspect: a scenario could not run: ${(error as Error).message}\n`),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await runtime.close();
  io.stdout.write('mfchart inspector: stopped\n');
  return 0;
}
