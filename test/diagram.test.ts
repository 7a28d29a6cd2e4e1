import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMachine, setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import {
  DIAGRAM_FORMATS,
  DIAGRAM_MACHINES,
  embeddedBlock,
  readChart,
  readmeBlock,
  toDot,
  toMermaid,
  toScxml,
  updateReadmeBlocks,
} from '../inspect/diagram/index.js';
import { runDiagramCommand } from '../cli/diagramCommand.js';

/** Every state node of a machine, straight from XState's definition (not from the diagram code). */
function stateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    out.push(node);
    Object.values(node.states as Record<string, AnyStateNode>).forEach(visit);
  };
  visit(machine.root);
  return out;
}
const keyOf = (machine: AnyStateMachine, node: AnyStateNode) => (node.path.length === 0 ? machine.id : node.key);
const refOf = (machine: AnyStateMachine, node: AnyStateNode) => (node.path.length === 0 ? machine.id : node.path.join('.'));

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/**
 * A small XML well-formedness checker (XML 1.0's rules that a generator can get wrong): one root
 * element, tags nested and closed in order, attributes quoted and not repeated, `&` only in the
 * five predefined or numeric entity references, no `<` in text or attribute values, comments and
 * the XML declaration where they may be. Throws on the first violation; returns the element tree.
 */
function parseXml(text: string): XmlElement {
  const name = '[A-Za-z_:][A-Za-z0-9_:.-]*';
  const entities = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/;
  let rest = text.replace(/^<\?xml\s+version="1\.0"(\s+encoding="[A-Za-z0-9._-]+")?\s*\?>/, '');
  if (rest.startsWith('<?xml')) throw new Error('malformed XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const textRun = lt < 0 ? rest : rest.slice(0, lt);
    if (entities.test(textRun) || textRun.includes('>')) throw new Error(`bad character data: ${textRun.slice(0, 40)}`);
    if (textRun.trim() !== '' && stack.length === 0) throw new Error('text outside the root element');
    if (lt < 0) break;
    rest = rest.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end < 0 || rest.slice(4, end).includes('--')) throw new Error('malformed comment');
      rest = rest.slice(end + 3);
      continue;
    }
    const close = new RegExp(`^</(${name})\\s*>`).exec(rest);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open?.name ?? 'nothing'}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const tag = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`).exec(rest);
    if (!tag) throw new Error(`malformed tag: ${rest.slice(0, 60)}`);
    const element: XmlElement = { name: tag[1], attributes: {}, children: [] };
    for (const [, key, value] of tag[2].matchAll(new RegExp(`(${name})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (key in element.attributes) throw new Error(`attribute ${key} repeated on <${tag[1]}>`);
      if (entities.test(value)) throw new Error(`bad & in attribute ${key}`);
      element.attributes[key] = value;
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root) throw new Error('a second root element');
    else root = element;
    if (tag[3] !== '/') stack.push(element);
    rest = rest.slice(tag[0].length);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

function elements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(elements)];
}

/**
 * DOT's syntax as far as a generator can break it: strings closed, braces and brackets balanced
 * outside strings, one `digraph` whose closing brace is the last token.
 */
function checkDotBalanced(dot: string): void {
  let depth = 0;
  let brackets = 0;
  let inString = false;
  for (let i = 0; i < dot.length; i++) {
    const c = dot[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0 && dot.slice(i + 1).trim() !== '') throw new Error('text after the graph closes');
    } else if (c === '[') brackets++;
    else if (c === ']') brackets--;
    if (depth < 0 || brackets < 0) throw new Error(`unbalanced at offset ${i}`);
  }
  if (inString) throw new Error('unterminated string');
  if (depth !== 0 || brackets !== 0) throw new Error(`unbalanced: ${depth} braces, ${brackets} brackets open`);
  if (!/^digraph "[^"]+" \{/.test(dot)) throw new Error('does not start with digraph');
}

/** A machine with what the shipped ones lack: parallel regions, final and history states, delays, named guards and actions. */
const exotic = createMachine({
  id: 'exotic',
  initial: 'idle',
  states: {
    idle: { on: { GO: { target: 'busy', guard: 'canGo', actions: ['log', 'track'] }, PING: { actions: 'log' } }, after: { 1000: 'done' } },
    busy: {
      type: 'parallel',
      entry: 'begin',
      states: {
        audio: { initial: 'a1', states: { a1: { on: { NEXT: 'a2' } }, a2: {}, hist: { type: 'history', history: 'deep' } } },
        video: { initial: 'v1', states: { v1: { always: { target: 'v2', guard: ({ context }) => context !== undefined } }, v2: {} } },
      },
      on: { 'ui.STOP': 'done', 'ui.RESET': { target: 'busy', reenter: true } },
    },
    done: { type: 'final' },
    'needs "quoting" & <escaping>': {},
  },
});

const CASES = [...DIAGRAM_MACHINES.map((entry) => ({ name: entry.name, machine: entry.machine })), { name: 'exotic', machine: exotic as AnyStateMachine }];

describe('diagrams from the machine definitions', () => {
  for (const { name, machine } of CASES) {
    describe(name, () => {
      const chart = readChart(machine);
      const nodes = stateNodes(machine);

      it('Mermaid: a stateDiagram-v2 naming every state node', () => {
        const text = toMermaid(chart);
        expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
        for (const node of nodes) {
          const key = keyOf(machine, node).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/#/g, '#35;').replace(/;/g, '#59;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
          // Declared on a line of its own (`key`, `state key {`, `state "key" as id`), not merely named by an arrow.
          const declaration = node.type === 'history' ? /^\s*state "H\*?" as \w+$/m : new RegExp(`^\\s*(?:state\\s+)?(?:"${key}" as \\w+|${key})(?:\\s*\\{)?$`, 'm');
          expect(text, `state ${refOf(machine, node)} missing from the Mermaid diagram`).toMatch(declaration);
        }
        // Every composite opened is closed, every note ended.
        expect((text.match(/\{\n/g) ?? []).length).toBe((text.match(/^\s*\}$/gm) ?? []).length);
        expect((text.match(/^\s*note /gm) ?? []).length).toBe((text.match(/^\s*end note$/gm) ?? []).length);
      });

      it('DOT: balanced, a node or cluster for every state node, every edge end declared', () => {
        const dot = toDot(chart);
        checkDotBalanced(dot);
        for (const node of nodes) {
          const ref = refOf(machine, node);
          const declared = Object.keys(node.states).length > 0 ? `subgraph ${JSON.stringify(`cluster_${ref}`)} {` : `${JSON.stringify(ref)} [label=`;
          expect(dot, `state ${ref} missing from the DOT graph`).toContain(declared);
        }
        const declaredIds = new Set([...dot.matchAll(/^\s*("(?:[^"\\]|\\.)*") \[/gm)].map((match) => match[1]));
        for (const [, from, to] of dot.matchAll(/^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")/gm)) {
          expect(declaredIds, `edge end ${from}`).toContain(from);
          expect(declaredIds, `edge end ${to}`).toContain(to);
        }
      });

      it('SCXML: well-formed, one state element per state node, targets and initials resolve', () => {
        const root = parseXml(toScxml(chart));
        expect(root.name).toBe('scxml');
        expect(root.attributes).toMatchObject({ xmlns: 'http://www.w3.org/2005/07/scxml', version: '1.0' });
        const states = elements(root).filter((element) => ['state', 'parallel', 'final', 'history'].includes(element.name));
        const ids = states.map((element) => element.attributes.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(nodes.length);
        for (const node of nodes) {
          const ref = refOf(machine, node);
          if (/^[A-Za-z_][A-Za-z0-9._-]*$/.test(ref)) expect(ids, `state ${ref} missing from the SCXML`).toContain(ref);
        }
        expect(ids).toContain(root.attributes.initial);
        for (const element of elements(root)) {
          for (const target of (element.attributes.target ?? element.attributes.initial ?? '').split(' ').filter(Boolean)) expect(ids).toContain(target);
        }
      });
    });
  }

  it('the command prints every format for every registered machine', () => {
    for (const format of DIAGRAM_FORMATS) {
      for (const entry of DIAGRAM_MACHINES) {
        const io = capture();
        expect(runDiagramCommand(['--format', format.name, entry.name], io)).toBe(0);
        expect(io.out()).toBe(format.render(readChart(entry.machine)));
      }
    }
  });
});

describe('targetless transitions do not drown the diagram', () => {
  const session = DIAGRAM_MACHINES.find((entry) => entry.name === 'session')!;
  const chart = readChart(session.machine);

  it('Mermaid and DOT list them in a note per state, grouped by interface, and draw no arrow for them', () => {
    const mermaid = toMermaid(chart);
    expect(mermaid).toMatch(/note right of mfSession\n\s+handled without a state change:\n[^]*clock\.\{GetState, GetTime/);
    expect(mermaid).toMatch(/note right of alive\n[^]*session\.\{SetTopology/);
    expect(mermaid).not.toMatch(/^\s*(\w+) --> \1\b/m); // no self-loops
    expect(mermaid).not.toMatch(/-->.*GetSessionCapabilities/);
    const dot = toDot(chart);
    expect(dot).toMatch(/"alive:note" \[shape=note[^\n]*session\.\{SetTopology/);
    expect(dot).not.toMatch(/->[^\n]*GetSessionCapabilities/);
  });

  it('SCXML keeps them as targetless internal transitions', () => {
    const root = parseXml(toScxml(chart));
    const alive = elements(root).find((element) => element.attributes.id === 'alive')!;
    const getEvent = alive.children.find((element) => element.name === 'transition' && element.attributes.event === 'session.GetEvent')!;
    expect(getEvent.attributes).toEqual({ event: 'session.GetEvent', type: 'internal' });
    const shutdown = alive.children.find((element) => element.attributes.event === 'session.Shutdown')!;
    expect(shutdown.attributes.target).toBe('shutdown');
    expect(shutdown.children.map((action) => action.attributes.name)).toContain('shutdownPipeline');
    const eventless = alive.children.find((element) => element.name === 'transition' && element.attributes.event === undefined)!;
    expect(eventless.attributes).toEqual({ cond: 'callbackDue', type: 'internal' });
  });

  it('names guards with their parameters', () => {
    const machine = setup({ guards: { levelIs: (_args, _params: { level: string }) => true } }).createMachine({
      initial: 'low',
      states: { low: { on: { go: { guard: { type: 'levelIs', params: { level: 'high' } }, target: 'high' } } }, high: {} },
    });
    expect(toMermaid(readChart(machine))).toContain('low --> high : go [levelIs(high)]');
  });

  it('draws the clock as its state-change table: allowed commands move, refused ones do not', () => {
    const clock = toMermaid(readChart(DIAGRAM_MACHINES.find((entry) => entry.name === 'clock')!.machine));
    expect(clock).toContain('STOPPED --> RUNNING : clock.Start [hasTimeSource]');
    expect(clock).toContain('PAUSED --> STOPPED : clock.Stop [hasTimeSource]');
    // Pause while stopped is MF_E_INVALIDREQUEST, Stop while stopped MF_E_CLOCK_STATE_ALREADY_SET: no edge.
    expect(clock).not.toContain('STOPPED --> PAUSED');
    expect(clock).not.toContain('STOPPED --> STOPPED');
  });
});

describe('README.md', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  for (const entry of DIAGRAM_MACHINES.filter((machine) => machine.readme)) {
    it(`embeds the current Mermaid diagram of ${entry.name}`, () => {
      const embedded = embeddedBlock(readme, entry.name);
      expect(embedded, `README.md lacks the <!-- diagram:${entry.name}:start --> / end markers`).toBeDefined();
      expect(embedded, `README.md's Mermaid diagram of "${entry.name}" is stale: the machine definition changed. Run \`npm run diagrams\`.`).toBe(
        readmeBlock(entry),
      );
    });
  }

  it('regenerating replaces only the blocks between the markers', () => {
    const entry = DIAGRAM_MACHINES[0];
    const text = `before\n<!-- diagram:${entry.name}:start -->\nold\n<!-- diagram:${entry.name}:end -->\nafter\n`;
    const updated = updateReadmeBlocks(text, [entry]);
    expect(updated.startsWith('before\n')).toBe(true);
    expect(updated.endsWith(`<!-- diagram:${entry.name}:end -->\nafter\n`)).toBe(true);
    expect(embeddedBlock(updated, entry.name)).toBe(readmeBlock(entry));
    expect(updateReadmeBlocks(updated, [entry])).toBe(updated);
    expect(() => updateReadmeBlocks('no markers', [entry])).toThrow(/markers/);
  });
});

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('mfchart diagram', () => {
  it('defaults to the session as Mermaid', () => {
    const io = capture();
    expect(runDiagramCommand([], io)).toBe(0);
    expect(io.out()).toBe(toMermaid(readChart(DIAGRAM_MACHINES[0].machine)));
  });

  it('--help prints the usage and exits 0', () => {
    const io = capture();
    expect(runDiagramCommand(['--help'], io)).toBe(0);
    expect(io.out()).toContain(`usage: mfchart diagram [--format mermaid|dot|scxml] [--compact] [${DIAGRAM_MACHINES.map((m) => m.name).join('|')}]`);
  });

  it.each([
    [['--format', 'png'], 'unknown format "png" (expected one of mermaid|dot|scxml)'],
    [['quantum'], `unknown machine "quantum" (expected one of ${DIAGRAM_MACHINES.map((m) => m.name).join('|')})`],
    [['session', 'clock'], 'name at most one machine'],
    [['--colour'], "Unknown option '--colour'"],
  ])('exits 2 on %j', (args, message) => {
    const io = capture();
    expect(runDiagramCommand(args, io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.out()).toBe('');
  });

  it('is dispatched by the built mfchart command', () => {
    const bad = spawnSync(process.execPath, ['dist/cli/mfchart.js', 'diagram', '--format', 'png'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown format "png"');
    const good = spawnSync(process.execPath, ['dist/cli/mfchart.js', 'diagram', '--format', 'scxml', 'clock'], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(parseXml(good.stdout).attributes.name).toBe('mfPresentationClock');
  });
});
