/**
 * The output formats of `mfchart diagram`, by name; the first is the default. Each takes the chart
 * read from a machine's definition, so adding a format is one writer and one entry here.
 * @module
 */
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';
import type { Chart } from './model.js';
import { toScxml } from './scxml.js';

/** A diagram format. */
export interface DiagramFormat {
  name: string;
  summary: string;
  render: (chart: Chart) => string;
  /** Whether it can draw the compact view (`compactChart.ts`, `--compact`): the graphical formats can. */
  compact: boolean;
}

/** Every format. */
export const DIAGRAM_FORMATS: readonly DiagramFormat[] = [
  { name: 'mermaid', summary: 'Mermaid stateDiagram-v2 (Markdown, GitHub)', render: toMermaid, compact: true },
  { name: 'dot', summary: 'Graphviz DOT, a cluster per compound state (dot -Tsvg)', render: toDot, compact: true },
  { name: 'scxml', summary: 'W3C SCXML 1.0 document', render: toScxml, compact: false },
];

/** The format registered under `name`, if any. */
export const findDiagramFormat = (name: string): DiagramFormat | undefined => DIAGRAM_FORMATS.find((format) => format.name === name);
