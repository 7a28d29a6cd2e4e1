/**
 * The machines `mfchart diagram` knows, by the name the command line uses. Registering another
 * statechart (issue 5's push sink) is one entry here: the command, `npm run diagrams` (when the entry
 * has `readme: true`) and the tests pick it up.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { mediaSessionMachine } from '../../machines/mediaSessionMachine.js';
import { presentationClockMachine } from '../../machines/presentationClockMachine.js';
import { pushSinkMachine } from '../../machines/pushSinkMachine.js';

/** A machine that can be drawn. */
export interface DiagramMachine {
  /** The name on the command line (`mfchart diagram session`) and in README's marker comments. */
  name: string;
  /** One line for `--help`. */
  summary: string;
  machine: AnyStateMachine;
  /** Whether README.md embeds its Mermaid diagram (between `<!-- diagram:NAME:start/end -->`). */
  readme: boolean;
  /** Whether that embedded diagram is the compact view (`compactChart.ts`, like `mfchart diagram --compact`). */
  readmeCompact?: boolean;
}

/** Every drawable machine; the first is the default. */
export const DIAGRAM_MACHINES: readonly DiagramMachine[] = [
  { name: 'session', summary: 'IMFMediaSession (mediaSessionMachine)', machine: mediaSessionMachine, readme: true, readmeCompact: true },
  { name: 'clock', summary: 'the presentation clock (presentationClockMachine)', machine: presentationClockMachine, readme: true },
  { name: 'push-sink', summary: 'IWMWriterPushSink with its IWMWriterSink data path (pushSinkMachine)', machine: pushSinkMachine, readme: true },
];

/** The machine registered under `name`, if any. */
export const findDiagramMachine = (name: string): DiagramMachine | undefined => DIAGRAM_MACHINES.find((entry) => entry.name === name);
