/**
 * The baseline of every comparison: a minimal hand-written XState machine with the session's
 * settled states and the same call events, but no context, guards, actions or invoked services.
 * @module
 */
import { createMachine } from 'xstate';

/** fresh → ready → started ⇄ paused → stopped, getters as targetless transitions, Shutdown final. */
export const bareMachine = createMachine({
  id: 'bare',
  initial: 'alive',
  states: {
    alive: {
      initial: 'fresh',
      on: {
        'session.GetSessionCapabilities': {},
        'session.GetEvent': {},
        'session.Shutdown': '#bare.shutdown',
      },
      states: {
        fresh: { on: { 'session.SetTopology': 'ready' } },
        ready: { on: { 'session.Start': 'started' } },
        started: { on: { 'session.Pause': 'paused', 'session.Stop': 'stopped' } },
        paused: { on: { 'session.Start': 'started', 'session.Stop': 'stopped' } },
        stopped: { on: { 'session.Start': 'started' } },
      },
    },
    shutdown: {},
  },
});

/** A machine with no states at all: XState's floor per actor. */
export const emptyMachine = createMachine({});
