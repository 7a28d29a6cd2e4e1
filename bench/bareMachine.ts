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

/**
 * The baseline of figure 1: the session statechart's own state nodes and transitions — the settled
 * states, the transitional ones (`starting.sources` → `starting.sinks`, `pausing`, `stopping`, ...)
 * entered on a call and left on the platform's `platform.done` — with no context, no guards and no
 * actions. Replaying the events a session processed through it makes "the same transitions" on a bare
 * XState actor; what the session costs beyond it is the model's own work.
 */
export const bareTransitionMachine = createMachine({
  id: 'bareTransitions',
  initial: 'alive',
  states: {
    alive: {
      initial: 'fresh',
      on: {
        'session.GetSessionCapabilities': {},
        'session.GetEvent': {},
        'session.Shutdown': '#bareTransitions.shutdown',
      },
      states: {
        fresh: { on: { 'session.SetTopology': 'settingTopology' } },
        settingTopology: { on: { 'platform.done': 'ready' } },
        ready: { on: { 'session.Start': 'starting' } },
        starting: {
          initial: 'sources',
          states: {
            sources: { on: { 'platform.done': 'sinks' } },
            sinks: { on: { 'platform.done': '#bareTransitions.alive.started' } },
          },
        },
        started: { on: { 'session.Pause': 'pausing', 'session.Stop': 'stopping', 'session.Start': 'starting' } },
        pausing: { on: { 'platform.done': 'paused' } },
        paused: { on: { 'session.Start': 'starting', 'session.Stop': 'stopping' } },
        stopping: { on: { 'platform.done': 'stopped' } },
        stopped: { on: { 'session.Start': 'starting' } },
      },
    },
    shutdown: {},
  },
});
