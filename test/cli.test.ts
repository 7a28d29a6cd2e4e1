import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli/mfchart.js', ...args], { encoding: 'utf8' });

function scenarioDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfchart-cli-'));
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}

const passing = { name: 'passes', steps: [{ call: 'Shutdown', expect: 'S_OK' }] };
const failing = { name: 'fails', steps: [{ call: 'Shutdown', expect: 'E_FAIL' }] };

describe('mfchart run', () => {
  it('exits 0 and prints PASS lines and the summary when every scenario passes', () => {
    const result = cli(['run', scenarioDir({ 'a.json': passing })]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['PASS passes', '1 passed, 0 failed']);
  });

  it('exits 1 and shows the failing step with expected and actual', () => {
    const result = cli(['run', scenarioDir({ 'a.json': passing, 'b.json': failing })]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL fails');
    expect(result.stdout).toContain('step 0 (call Shutdown): returned S_OK (0x00000000), expected E_FAIL');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('exits 2 naming file, step and field for an invalid scenario, and runs nothing', () => {
    const dir = scenarioDir({ 'a.json': passing, 'z.json': { name: 'bad', steps: [{ call: 'Stop', expct: 'S_OK' }] } });
    const result = cli(['run', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(join(dir, 'z.json'));
    expect(result.stderr).toContain('step 0: expct');
    expect(result.stdout).toBe('');
  });

  it('prints one JSON document with --json', () => {
    const result = cli(['run', scenarioDir({ 'b.json': failing, 'a.json': passing }), '--json']);
    const report = JSON.parse(result.stdout);
    expect(report.passed).toBe(1);
    expect(report.failed).toBe(1);
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['passes', 'fails']);
    expect(report.scenarios[1].steps[0]).toMatchObject({ index: 0, pass: false, expected: { hr: 'E_FAIL' } });
  });

  it('exits 2 for an adapter it does not have', () => {
    const result = cli(['run', scenarioDir({ 'a.json': passing }), '--adapter', 'quantum']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown adapter "quantum"');
  });

  it('runs the shipped scenarios, all passing', () => {
    const output = execFileSync(process.execPath, ['dist/cli/mfchart.js', 'run', 'examples/scenarios'], { encoding: 'utf8' });
    expect(output.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });
});
