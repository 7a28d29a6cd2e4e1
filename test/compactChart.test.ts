// The compact view of a statechart (inspect/diagram/compactChart.ts): the session's settle fan-out
// routed through one choice node, with every original transition still represented exactly once.
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { runDiagramCommand } from '../cli/diagramCommand.js';
import { commonGuard, compactChart, representedTransitions } from '../inspect/diagram/compactChart.js';
import { edgesOf } from '../inspect/diagram/drawing.js';
import { DIAGRAM_MACHINES } from '../inspect/diagram/machines.js';
import { toMermaid } from '../inspect/diagram/mermaid.js';
import { allNodes, type Chart, type RepresentedTransition } from '../inspect/diagram/model.js';
import { readChart } from '../inspect/diagram/readChart.js';
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';

const key = (transition: RepresentedTransition) => JSON.stringify([transition.source, transition.event, transition.guard ?? null, transition.target]);
const sorted = (transitions: readonly RepresentedTransition[]) => transitions.map(key).sort();

/** Every (source, event, target) a path source → choice → target of the compact chart can take. */
function choicePaths(compact: Chart): string[] {
  const nodes = allNodes(compact);
  const choices = new Map(nodes.filter((node) => node.kind === 'choice').map((node) => [node.ref, node]));
  const out: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'choice') continue;
    for (const transition of node.transitions) {
      const choice = choices.get(transition.targets[0] ?? '');
      if (!choice) continue;
      for (const branch of choice.transitions) out.push(JSON.stringify([node.ref, transition.event, branch.targets[0]]));
    }
  }
  return out.sort();
}

const sessionChart = readChart(mediaSessionMachine);
const sessionCompact = compactChart(sessionChart);

describe('compact statechart', () => {
  it('draws the session with less than half the edges, each settled state entered once', () => {
    const full = edgesOf(sessionChart);
    const compact = edgesOf(sessionCompact);
    expect(compact.length).toBeLessThan(full.length / 2);
    const choices = allNodes(sessionCompact).filter((node) => node.kind === 'choice');
    expect(choices.length).toBeGreaterThanOrEqual(1);
    const settled = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closed'].map((state) => `alive.${state}`);
    const settle = choices.find((choice) => settled.every((ref) => choice.transitions.some((branch) => branch.targets[0] === ref)));
    expect(settle, 'a choice leading to every settled state').toBeDefined();
    for (const ref of settled) {
      // In the full chart every transitional state has its own arrow into each settled state.
      expect(full.filter((edge) => edge.target === ref).length).toBeGreaterThan(5);
      expect(compact.filter((edge) => edge.target === ref).map((edge) => edge.source)).toEqual([settle!.ref]);
    }
  });

  it('loses no transition: every (source, event, guard, target) of the full chart is represented exactly once', () => {
    for (const entry of DIAGRAM_MACHINES) {
      const chart = readChart(entry.machine);
      expect(sorted(representedTransitions(compactChart(chart))), entry.name).toEqual(sorted(representedTransitions(chart)));
    }
    // And the represented set is the machine's: one tuple per target of every state-changing transition.
    const direct = allNodes(sessionChart).flatMap((node) => node.transitions.flatMap((transition) => transition.targets.map((target) => key({ source: node.ref, event: transition.event, ...(transition.guard ? { guard: transition.guard } : {}), target }))));
    expect(sorted(representedTransitions(sessionCompact))).toEqual(direct.sort());
  });

  it('routes exactly: the paths through a choice are the transitions it stands for, no more', () => {
    const routed = allNodes(sessionCompact)
      .filter((node) => node.kind !== 'choice')
      .flatMap((node) => node.transitions.filter((transition) => transition.represents).flatMap((transition) => transition.represents!))
      .map((transition) => JSON.stringify([transition.source, transition.event, transition.target]))
      .sort();
    expect(routed.length).toBeGreaterThan(40);
    expect(choicePaths(sessionCompact)).toEqual(routed);
  });

  it('labels the arrows with what the routed guards share', () => {
    const edges = edgesOf(sessionCompact);
    const fromPausing = edges.find((edge) => edge.source === 'alive.pausing' && edge.target.includes('choice'))!;
    expect(fromPausing.labels).toContain('platform.done [landsIn(·, pausePipeline)]');
    const intoFresh = edges.find((edge) => edge.target === 'alive.fresh')!;
    expect(intoFresh.labels).toEqual(['[landsIn(fresh, ·)]']);
    // The full guards stay available for tooltips.
    expect(intoFresh.represents).toContain('alive.pausing —platform.done [landsIn(fresh, pausePipeline)]→ alive.fresh');
    expect(fromPausing.represents).toHaveLength(12);
  });

  it('leaves a chart without a shared fan-out as it is', () => {
    const clock = DIAGRAM_MACHINES.find((entry) => entry.name === 'clock')!;
    const chart = readChart(clock.machine);
    expect(compactChart(chart)).toBe(chart);
    // One state fanning out alone is not shared: nothing to route.
    const single = readChart(createMachine({ id: 'single', initial: 'a', states: { a: { on: { GO: [{ target: 'b', guard: 'x' }, { target: 'c', guard: 'y' }, { target: 'd', guard: 'z' }] } }, b: {}, c: {}, d: {} } }));
    expect(compactChart(single)).toBe(single);
  });

  it('shares one choice among states with the same guarded fan-out in a small machine', () => {
    const fan = (name: string) => [
      { target: 'x', guard: { type: 'to', params: { state: 'x', from: name } } },
      { target: 'y', guard: { type: 'to', params: { state: 'y', from: name } } },
      { target: 'z', guard: { type: 'to', params: { state: 'z', from: name } } },
    ];
    const machine = createMachine({ id: 'small', initial: 'a', states: { a: { on: { DONE: fan('a') } }, b: { on: { DONE: fan('b'), OTHER: 'a' } }, x: {}, y: {}, z: {} } });
    const chart = readChart(machine);
    const compact = compactChart(chart);
    expect(edgesOf(chart)).toHaveLength(7);
    const edges = edgesOf(compact).map((edge) => `${edge.source}->${edge.target} ${edge.labels.join(';')}`);
    expect(edges).toEqual([
      'a->choice1 DONE [to(·, a)]',
      'b->choice1 DONE [to(·, b)]',
      'b->a OTHER',
      'choice1->x [to(x, ·)]',
      'choice1->y [to(y, ·)]',
      'choice1->z [to(z, ·)]',
    ]);
  });

  it('keeps the common part of a family of guards', () => {
    expect(commonGuard(['landsIn(fresh, ending)', 'landsIn(fresh, sourceShutdown(running))'])).toBe('landsIn(fresh, ·)');
    expect(commonGuard(['landsIn(fresh, a)', 'landsIn(ready, a)'])).toBe('landsIn(·, a)');
    expect(commonGuard(['same', 'same'])).toBe('same');
    expect(commonGuard(['callbackDue', 'landsIn(fresh, a)'])).toBe('callbackDue | landsIn(fresh, a)');
  });
});

describe('mfchart diagram --compact', () => {
  const capture = () => {
    let stdout = '';
    let stderr = '';
    return { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, out: () => stdout, err: () => stderr };
  };

  it('prints the compact Mermaid with a choice pseudo-state', () => {
    const io = capture();
    expect(runDiagramCommand(['--compact', 'session'], io)).toBe(0);
    expect(io.out()).toBe(toMermaid(sessionCompact));
    expect(io.out()).toMatch(/^\s*state choice1 <<choice>>$/m);
  });

  it('draws the choice as a diamond in DOT', () => {
    const io = capture();
    expect(runDiagramCommand(['--compact', '--format', 'dot'], io)).toBe(0);
    expect(io.out()).toContain('"alive.choice1" [label="", shape=diamond');
  });

  it('refuses --compact for SCXML, which has no junction', () => {
    const io = capture();
    expect(runDiagramCommand(['--compact', '--format', 'scxml'], io)).toBe(2);
    expect(io.err()).toContain('--compact draws choice nodes, which scxml cannot express');
    expect(io.out()).toBe('');
  });
});
