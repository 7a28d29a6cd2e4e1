/**
 * Figure 2: heap retained per idle session, against a bare XState actor, with a breakdown of what
 * a session's bytes are made of (measured, not guessed: each layer is created on its own).
 * @module
 */
import { createActor, type AnyActorRef } from 'xstate';
import { createSession } from '../actors/createSession.js';
import { createSessionHost } from '../actors/createSessionHost.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import { bareMachine, emptyMachine } from './bareMachine.js';
import { heapPerItem } from './harness.js';

/** Which measured layer a row is; the report derives the breakdown from these. */
export type HeapLayer =
  | 'mapSlot'
  | 'emptyRoot'
  | 'emptyChild'
  | 'bare'
  | 'machineActor'
  | 'listeners'
  | 'machineChild'
  | 'handle'
  | 'hosted';

/** One measured layer. */
export interface HeapRow {
  readonly layer: HeapLayer;
  readonly label: string;
  /** Bytes retained per item, container slot included. */
  readonly bytes: number;
}

/** The figure's outcome. */
export interface HeapResult {
  readonly count: number;
  /** A session as the host creates it, kept by the host: the figure. */
  readonly session: number;
  /** The bare actor: the baseline. */
  readonly bare: number;
  readonly rows: readonly HeapRow[];
}

/** Measures figure 2 with `count` items per layer. */
export function measureHeap(count: number): HeapResult {
  const machine = idealAdapter.machine;
  const rows: HeapRow[] = [];
  const measure = (layer: HeapLayer, label: string, make: (index: number) => unknown, holder?: { readonly size: number }): number => {
    const bytes = heapPerItem(count, make, holder);
    rows.push({ layer, label, bytes });
    return bytes;
  };
  // Children stay registered in their root's system until it goes, so each child layer gets its own root.
  const child = (layer: HeapLayer, label: string, make: (host: AnyActorRef, index: number) => unknown): void => {
    const root = createActor(emptyMachine).start();
    measure(layer, label, (i) => make(root, i));
    root.stop();
  };

  measure('mapSlot', 'Map slot holding an empty object (harness floor)', () => ({}));
  measure('emptyRoot', 'root actor of an empty machine (XState floor)', () => createActor(emptyMachine).start());
  child('emptyChild', 'child actor of an empty machine, sharing one system (parent option)', (root) =>
    createActor(emptyMachine, { parent: root }).start(),
  );
  const bare = measure('bare', 'bare actor (minimal session-shaped machine): baseline', () => createActor(bareMachine).start());
  measure('machineActor', 'session statechart actor alone (root)', (i) => createActor(machine, { input: { key: i + 1 } }).start());
  measure('listeners', 'session statechart actor + one `on` listener + one `subscribe` observer', (i) => {
    const actor = createActor(machine, { input: { key: i + 1 } });
    actor.on('mf.callback', () => {});
    actor.subscribe({ error: () => {} });
    return actor.start();
  });
  child('machineChild', 'session statechart actor as a child sharing one system (parent option)', (root, i) =>
    createActor(machine, { parent: root, input: { key: i + 1 } }).start(),
  );
  measure('handle', 'createSession() on the ideal adapter, kept in a Map', () => createSession());
  const host = createSessionHost();
  const session = measure('hosted', 'session host: host.create() on the ideal adapter, kept by the host: figure', () => host.create(), host);
  return { count, session, bare, rows };
}
