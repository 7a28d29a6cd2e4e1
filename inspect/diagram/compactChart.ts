/**
 * The compact view of a chart: a guarded fan-out that several states share is routed through one
 * choice pseudo-state (UML's ◇ junction) instead of being drawn from each of them.
 *
 * Why: the session lands in one of six settled states after every pipeline operation, so each
 * transitional state (`settingTopology`, `starting`, `pausing`, `stopping`, `closing`,
 * `changingRate`, `ending`, `dispatch`, …) has its own guarded transition per event to each of the
 * six, and the full chart is a hairball of ~80 arrows. Compacted, each of those states has one arrow
 * per event into the choice and each settled state is entered once from it.
 *
 * Nothing is lost: every transition of the compact chart that stands for original ones lists them
 * in {@link ChartTransition.represents}, and routing is exact — a state is routed through a choice
 * only when it has a guarded transition into every one of the choice's targets for that event, so
 * each path state → ◇ → target is an original transition and each original transition is one path.
 * @module
 */
import { allNodes, type Chart, type ChartNode, type ChartTransition, type RepresentedTransition } from './model.js';

/** Options of {@link compactChart}. */
export interface CompactOptions {
  /** A fan-out is a (state, event) whose guarded transitions reach at least this many targets (default 3). */
  minFanOut?: number;
}

/** One (state, event) fan-out: its guarded single-target transitions, by target ref. */
interface FanOut {
  source: string;
  event: string | null;
  byTarget: Map<string, ChartTransition>;
}

/** The text a guard list shares, positions that differ replaced by `·` (`landsIn(fresh, ·)`); see {@link commonGuard}. */
const ELIDED = '·';

/**
 * What a family of guards has in common, token by token: `landsIn(fresh, ending)` and
 * `landsIn(fresh, changeRate)` → `landsIn(fresh, ·)`. Guards of different shapes are joined with ` | `.
 */
export function commonGuard(guards: readonly string[]): string {
  const unique = [...new Set(guards)];
  if (unique.length <= 1) return unique[0] ?? '';
  const calls = unique.map(parseCall);
  const [first] = calls;
  const sameShape = calls.every((call) => call !== undefined && call.name === first?.name && call.args.length === first.args.length);
  if (!first || !sameShape) return unique.join(' | ');
  const args = first.args.map((arg, index) => (calls.every((call) => call!.args[index] === arg) ? arg : ELIDED));
  return `${first.name}(${args.join(', ')})`;
}

/** `landsIn(fresh, sourceShutdown(running))` → name and top-level arguments; undefined for a bare name. */
function parseCall(guard: string): { name: string; args: string[] } | undefined {
  const open = guard.indexOf('(');
  if (open <= 0 || !guard.endsWith(')')) return undefined;
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of guard.slice(open + 1, -1)) {
    if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth--;
    current += char;
  }
  args.push(current.trim());
  return { name: guard.slice(0, open), args };
}

/** The deepest node containing every given ref (refs are `.`-joined key paths under the root). */
function commonAncestor(chart: Chart, refs: readonly string[]): ChartNode {
  const nodes = new Map(allNodes(chart).map((node) => [node.ref, node]));
  const paths = refs.map((ref) => nodes.get(ref)?.path ?? []);
  let depth = 0;
  while (paths.every((path) => depth < path.length - 1 && path[depth] === paths[0][depth])) depth++;
  const ref = depth === 0 ? chart.root.ref : paths[0].slice(0, depth).join('.');
  return nodes.get(ref) ?? chart.root;
}

/**
 * The compact chart (see the module comment); `chart` itself when it has no shared fan-out.
 * Choice nodes have kind `choice`, a key `choice1`, `choice2`, … and sit in the deepest state holding
 * all their targets; their transitions are eventless and guarded by what the routed guards share.
 */
export function compactChart(chart: Chart, options: CompactOptions = {}): Chart {
  const minFanOut = options.minFanOut ?? 3;
  const fanOuts: FanOut[] = [];
  for (const node of allNodes(chart)) {
    const byEvent = new Map<string | null, Map<string, ChartTransition>>();
    for (const transition of node.transitions) {
      if (transition.guard === undefined || transition.targets.length !== 1) continue;
      const byTarget = byEvent.get(transition.event) ?? new Map<string, ChartTransition>();
      // Only the first guarded transition per target: a second one to the same target stays drawn as it is.
      if (!byTarget.has(transition.targets[0])) byTarget.set(transition.targets[0], transition);
      byEvent.set(transition.event, byTarget);
    }
    for (const [event, byTarget] of byEvent) if (byTarget.size >= minFanOut) fanOuts.push({ source: node.ref, event, byTarget });
  }

  // Targets reached by the same fan-outs share a choice; a choice needs two fan-outs and two targets.
  const signatureOf = new Map<string, number[]>();
  fanOuts.forEach((fanOut, index) => {
    for (const target of fanOut.byTarget.keys()) signatureOf.set(target, [...(signatureOf.get(target) ?? []), index]);
  });
  const groups = new Map<string, { members: number[]; targets: string[] }>();
  for (const [target, members] of signatureOf) {
    if (members.length < 2) continue;
    const key = members.join(',');
    const group = groups.get(key) ?? { members, targets: [] };
    group.targets.push(target);
    groups.set(key, group);
  }
  const choices = [...groups.values()].filter((group) => group.targets.length >= 2);
  if (choices.length === 0) return chart;

  const usedKeys = new Set(allNodes(chart).map((node) => node.key));
  /** Per source ref: the transitions to drop, and what to put at the first dropped one's place. */
  const rerouted = new Map<string, Map<ChartTransition, ChartTransition | null>>();
  /** Per parent ref: the choice nodes to add. */
  const added = new Map<string, ChartNode[]>();

  choices.forEach((choice, index) => {
    let key = `choice${index + 1}`;
    while (usedKeys.has(key)) key += '_';
    usedKeys.add(key);
    const parent = commonAncestor(chart, choice.targets);
    const ref = parent.path.length === 0 ? key : `${parent.ref}.${key}`;
    const targets = new Set(choice.targets);

    const exits: ChartTransition[] = choice.targets.map((target) => {
      const routed = choice.members.map((member) => ({ fanOut: fanOuts[member], transition: fanOuts[member].byTarget.get(target)! }));
      return {
        event: null,
        targets: [target],
        guard: commonGuard(routed.map(({ transition }) => transition.guard!)),
        actions: [],
        reenter: false,
        represents: routed.map(({ fanOut, transition }) => representedOf(fanOut.source, transition)),
      };
    });
    const node: ChartNode = {
      ref,
      key,
      path: [...parent.path, key],
      kind: 'choice',
      initial: [],
      children: [],
      entry: [],
      exit: [],
      invoke: [],
      transitions: exits,
      description: `choice: ${choice.targets.length} guarded branches shared by ${choice.members.length} fan-outs`,
    };
    added.set(parent.ref, [...(added.get(parent.ref) ?? []), node]);

    for (const member of choice.members) {
      const fanOut = fanOuts[member];
      const routed = [...fanOut.byTarget].filter(([target]) => targets.has(target)).map(([, transition]) => transition);
      const actions = routed.flatMap((transition) => transition.actions);
      const entry: ChartTransition = {
        event: fanOut.event,
        targets: [ref],
        guard: commonGuard(routed.map((transition) => transition.guard!)),
        actions: actions.filter((action, at) => actions.findIndex((other) => other.name === action.name && other.referenced === action.referenced) === at),
        reenter: false,
        represents: routed.map((transition) => representedOf(fanOut.source, transition)),
      };
      const plan = rerouted.get(fanOut.source) ?? new Map<ChartTransition, ChartTransition | null>();
      routed.forEach((transition, at) => plan.set(transition, at === 0 ? entry : null));
      rerouted.set(fanOut.source, plan);
    }
  });

  const rebuild = (node: ChartNode): ChartNode => {
    const plan = rerouted.get(node.ref);
    const transitions = plan
      ? node.transitions.flatMap((transition) => {
          if (!plan.has(transition)) return [transition];
          const replacement = plan.get(transition);
          return replacement ? [replacement] : [];
        })
      : node.transitions;
    return { ...node, transitions, children: [...node.children.map(rebuild), ...(added.get(node.ref) ?? [])] };
  };
  return { id: chart.id, root: rebuild(chart.root) };
}

const representedOf = (source: string, transition: ChartTransition): RepresentedTransition => ({
  source,
  event: transition.event,
  ...(transition.guard !== undefined ? { guard: transition.guard } : {}),
  target: transition.targets[0],
});

/**
 * Every original transition a chart stands for, as (source, event, guard, target) tuples: a
 * transition's own for a plain one, its {@link ChartTransition.represents} for a routed one (only
 * the transitions into choices carry them, once each). Targetless transitions give none. The tests
 * compare a chart's tuples with its compact chart's.
 */
export function representedTransitions(chart: Chart): RepresentedTransition[] {
  const out: RepresentedTransition[] = [];
  for (const node of allNodes(chart)) {
    if (node.kind === 'choice') continue;
    for (const transition of node.transitions) {
      if (transition.represents) out.push(...transition.represents);
      else for (const target of transition.targets) out.push(representedOf(node.ref, { ...transition, targets: [target] }));
    }
  }
  return out;
}
