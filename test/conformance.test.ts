/**
 * The differential runner (verify/conformance/): the reference against itself never diverges, a
 * run is replayable from its seed, the two event views tell a lost event from a reordering, an
 * accepted divergence is reported as known (library and CLI), and `mfchart verify` exits as documented.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { mockSut, modelSut } from '../verify/sut/modelSut.js';
import { runConformance } from '../verify/conformance/runConformance.js';
import { playOrdering } from '../verify/conformance/playOrdering.js';
import { compareStep } from '../verify/conformance/divergence.js';
import { parseAcceptedDivergences } from '../verify/conformance/acceptedDivergences.js';

const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli/mfchart.js', ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'mfchart-verify-'));

describe('the reference against itself', () => {
  it.each(['async', 'scheduled'] as const)('shows no divergence over 1000 %s orderings', async (mode) => {
    const result = await runConformance({ sut: modelSut(), runs: 1000, seed: 42, mode });
    expect(result.counterexample).toBeUndefined();
    expect(result.orderings).toBe(1000);
    expect(result.actions).toBeGreaterThan(3000);
  });

  it('and the fault wrapper with no fault selected is the model', async () => {
    const result = await runConformance({ sut: mockSut([]), runs: 300, seed: 7, mode: 'scheduled' });
    expect(result.counterexample).toBeUndefined();
  });
});

describe('divergences', () => {
  it('are replayable: the same seed gives the same shrunk counterexample', async () => {
    const run = () => runConformance({ sut: mockSut(['swapped-completions']), runs: 300, seed: 99, mode: 'scheduled' });
    const [a, b] = [await run(), await run()];
    expect(a.counterexample).toBeDefined();
    expect(b.counterexample!.ordering).toEqual(a.counterexample!.ordering);
    // The recorded ordering stands alone: a plain replay reproduces the divergence.
    expect(playOrdering(a.counterexample!.ordering, modelSut(), mockSut(['swapped-completions'])).divergence).toEqual(a.counterexample!.divergence);
  });

  it('are classified by view: a missing event is seen per type, a reordering only by the full sequence', () => {
    const action = { call: 'Stop' as const };
    const a = { type: 'MESessionStopped', status: 'S_OK' };
    const b = { type: 'MESessionCapabilitiesChanged', status: 'S_OK' };
    const lost = compareStep(0, action, 'started', { hr: HR.S_OK, events: [b, a] }, { hr: HR.S_OK, events: [b] }, new Map(), new Map());
    expect(lost).toMatchObject({ kind: 'event', eventType: 'MESessionStopped', action: 'Stop', state: 'started' });
    const reordered = compareStep(0, action, 'started', { hr: HR.S_OK, events: [b, a] }, { hr: HR.S_OK, events: [a, b] }, new Map(), new Map());
    expect(reordered).toMatchObject({ kind: 'order' });
    const hr = compareStep(0, action, 'started', { hr: HR.S_OK, events: [] }, { hr: HR.E_FAIL, events: [] }, new Map(), new Map());
    expect(hr).toMatchObject({ kind: 'hr', expected: 'S_OK', actual: 'E_FAIL' });
  });
});

describe('accepted divergences', () => {
  const accept = [{ description: 'this platform loses the first completion (known)', match: { kind: 'event' } }];

  it('are reported as known, not as failures', async () => {
    const result = await runConformance({ sut: mockSut(['lost-completion']), runs: 200, seed: 5, accepted: parseAcceptedDivergences(accept) });
    expect(result.counterexample).toBeUndefined();
    expect(result.known).toHaveLength(1);
    expect(result.known[0]).toMatchObject({ description: accept[0].description, example: { kind: 'event' } });
    expect(result.known[0].count).toBeGreaterThan(0);
  });

  it('cover only what they match', async () => {
    const result = await runConformance({ sut: mockSut(['second-shutdown-ok']), runs: 500, seed: 5, accepted: parseAcceptedDivergences(accept) });
    expect(result.counterexample?.divergence.kind).toBe('hr');
  });

  it('are validated', () => {
    expect(() => parseAcceptedDivergences([{ description: 'x', match: {} }])).toThrow(/at least one field/);
    expect(() => parseAcceptedDivergences([{ description: 'x', match: { knd: 'hr' } }])).toThrow(/unknown field "knd"/);
    expect(() => parseAcceptedDivergences({})).toThrow(/array/);
  });

  it('work from a file with mfchart verify --accept', () => {
    const file = join(tmp(), 'accepted.json');
    writeFileSync(file, JSON.stringify(accept));
    const result = cli(['verify', '--adapter', 'mock:lost-completion', '--runs', '50', '--seed', '5', '--accept', file]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('known (accepted)');
    expect(result.stdout).toContain('divergences: 0');
  });
});

describe('mfchart verify', () => {
  it('exits 0 on the mock with a summary of orderings, divergences and time', () => {
    const result = cli(['verify', '--runs', '100', '--seed', '1', '--depth', '0']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('mfchart verify: mock against the model, seed 1');
    const frontier = Number(/first play (\d+) frontier orderings/.exec(result.stdout)?.[1]);
    expect(frontier, 'the exhaustive frontier is played first').toBeGreaterThan(20);
    // 100 random orderings per mode, plus the frontier in the async mode.
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`orderings run: ${200 + frontier}, divergences: 0, known: 0, time: ${/time: ([\d.]+ s)$/.exec(result.stdout.trim())![1]}`);
  });

  it('exits 1 on a divergence, writes the counterexample into --out, and reports it as JSON', () => {
    const out = tmp();
    const result = cli(['verify', '--adapter', 'mock', '--fault', 'event-after-shutdown', '--runs', '200', '--seed', '3', '--out', out, '--json', '--depth', '0']);
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.divergences).toBe(2);
    for (const mode of report.modes) {
      expect(mode.divergence).toMatchObject({ kind: 'event', action: 'Shutdown', calls: 1, replay: { reference: true, adapter: false } });
      expect(mode.divergence.scenario).toMatch(/\.json$/);
    }
    expect(readdirSync(out)).toHaveLength(2);
  });

  it('exits 2 for an unknown fault and for a depth that is not a whole number', () => {
    expect(cli(['verify', '--adapter', 'mock:nope']).stderr).toContain('unknown fault "nope"');
    const depth = cli(['verify', '--depth', 'deep']);
    expect(depth.status).toBe(2);
    expect(depth.stderr).toContain('--depth must be a whole number');
    expect(depth.stdout).toBe('');
  });

  it('explores the model exhaustively first: invariants hold, coverage is written to --out', () => {
    const out = tmp();
    const result = cli(['verify', '--depth', '4', '--runs', '20', '--seed', '2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/exhaustive: every ordering of \d+ inputs to depth 4/);
    expect(result.stdout).toMatch(/invariants: 8 checked .*, 0 violated/);
    expect(readdirSync(out).sort()).toEqual(['coverage.json', 'coverage.txt']);
    const coverage = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8'));
    expect(coverage.statesReached).toEqual(expect.arrayContaining(['fresh', 'ready', 'closed', 'shutdown']));
  });
});
