/**
 * Statechart diagrams from machine definitions: read a machine into a {@link Chart}, render it as
 * Mermaid, DOT or SCXML. `mfchart diagram` (cli/diagramCommand.ts) and `npm run diagrams` use this.
 * @module
 */
export type { Chart, ChartAction, ChartNode, ChartNodeKind, ChartTransition, RepresentedTransition } from './model.js';
export { allNodes, isTargetless } from './model.js';
export { readChart } from './readChart.js';
export { compactChart, commonGuard, representedTransitions, type CompactOptions } from './compactChart.js';
export { toMermaid } from './mermaid.js';
export { toDot } from './dot.js';
export { toScxml } from './scxml.js';
export { DIAGRAM_FORMATS, findDiagramFormat, type DiagramFormat } from './formats.js';
export { DIAGRAM_MACHINES, findDiagramMachine, type DiagramMachine } from './machines.js';
export { embeddedBlock, readmeBlock, updateReadmeBlocks } from './readmeBlocks.js';
