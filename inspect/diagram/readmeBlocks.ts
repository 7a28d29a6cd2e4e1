/**
 * README.md's embedded diagrams: a fenced Mermaid block between `<!-- diagram:NAME:start -->` and
 * `<!-- diagram:NAME:end -->` per machine. One module reads and writes them, so `npm run diagrams`
 * and the staleness test agree on the format to the byte.
 * @module
 */
import { compactChart } from './compactChart.js';
import { readChart } from './readChart.js';
import { toMermaid } from './mermaid.js';
import type { DiagramMachine } from './machines.js';

const start = (name: string) => `<!-- diagram:${name}:start -->`;
const end = (name: string) => `<!-- diagram:${name}:end -->`;

/** What belongs between a machine's markers, generated from its definition now. */
export function readmeBlock(entry: DiagramMachine): string {
  const chart = readChart(entry.machine);
  return '\n```mermaid\n' + toMermaid(entry.readmeCompact ? compactChart(chart) : chart) + '```\n';
}

/** The text between a machine's markers in `readme`, or `undefined` when the markers are missing. */
export function embeddedBlock(readme: string, name: string): string | undefined {
  const from = readme.indexOf(start(name));
  const to = readme.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return readme.slice(from + start(name).length, to);
}

/** `readme` with each machine's block regenerated; throws when a machine's markers are missing. */
export function updateReadmeBlocks(readme: string, entries: readonly DiagramMachine[]): string {
  let text = readme;
  for (const entry of entries) {
    const current = embeddedBlock(text, entry.name);
    if (current === undefined) throw new Error(`README.md has no ${start(entry.name)} … ${end(entry.name)} markers`);
    const from = text.indexOf(start(entry.name)) + start(entry.name).length;
    text = text.slice(0, from) + readmeBlock(entry) + text.slice(from + current.length);
  }
  return text;
}
