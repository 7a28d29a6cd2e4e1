/**
 * `mfchart run` as a library call: reads scenario files and directories, validates every file
 * before running any, plays them and builds the report.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, ScenarioError, type Scenario } from './parseScenario.js';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from './runScenario.js';

/** The JSON report of `mfchart run --json`. */
export interface RunReport {
  scenarios: { file: string; name: string; pass: boolean; steps: { index: number; pass: boolean; expected: unknown; actual: unknown; message?: string }[] }[];
  passed: number;
  failed: number;
}

/** Expands files and directories (every `*.json` in a directory, sorted by name). */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new ScenarioError(path, undefined, '(file)', 'no such file or directory');
    }
    if (isDirectory) {
      for (const name of readdirSync(path).filter((entry) => entry.endsWith('.json')).sort()) files.push(join(path, name));
    } else {
      files.push(path);
    }
  }
  return files;
}

/** Reads and validates scenario files; throws the first {@link ScenarioError}. */
export function loadScenarios(files: readonly string[]): Scenario[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ScenarioError(file, undefined, '(file)', `cannot be read: ${(error as Error).message}`);
    }
    return parseScenario(text, file);
  });
}

/** Runs scenarios one after another (`options` selects the session factory, see {@link RunScenarioOptions}). */
export async function runScenarios(scenarios: readonly Scenario[], options: RunScenarioOptions = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) results.push(await runScenario(scenario, options));
  return results;
}

/** The report `--json` prints. */
export function toRunReport(results: readonly ScenarioResult[]): RunReport {
  return {
    scenarios: results.map((result) => ({
      file: result.file,
      name: result.name,
      pass: result.pass,
      steps: result.steps.map(({ index, pass, expected, actual, message }) => ({ index, pass, expected, actual, ...(message ? { message } : {}) })),
    })),
    passed: results.filter((result) => result.pass).length,
    failed: results.filter((result) => !result.pass).length,
  };
}

/** The text report: a line per scenario, the failing steps, and `N passed, M failed` last. */
export function formatRunReport(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.pass ? 'PASS' : 'FAIL'} ${result.name}`);
    for (const step of result.steps.filter((s) => !s.pass)) {
      lines.push(`  step ${step.index} (${step.step}): ${step.message ?? 'failed'}`);
      lines.push(`    expected: ${JSON.stringify(step.expected)}`);
      lines.push(`    actual:   ${JSON.stringify(step.actual)}`);
    }
  }
  const passed = results.filter((result) => result.pass).length;
  lines.push(`${passed} passed, ${results.length - passed} failed`);
  return lines.join('\n');
}
