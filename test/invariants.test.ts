/**
 * No invariant is vacuous: each one fires on a hand-made violating transition (a real compiled
 * transition, altered the way a broken implementation would behave) and keeps quiet on the real one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { SESSIONCAP } from '../machines/constants.js';
import { compileTable, type TransitionTable } from '../verify/explore/compileTable.js';
import { exploreTable, transitionsOf } from '../verify/explore/exploreTable.js';
import { INVARIANTS, type Invariant, type Transition } from '../verify/invariants/index.js';
import * as lib from '../verify/invariants/index.js';

let table: TransitionTable;
beforeAll(() => {
  table = compileTable({ maxDepth: 8, maxCommands: 1, maxEvents: 10 });
});

/** The last transition of an ordering. */
const last = (labels: string[]): Transition => transitionsOf(table, labels).at(-1)!;
const withStep = (t: Transition, change: Partial<Transition['step']>): Transition => ({ ...t, step: { ...t.step, ...change } });
const withTo = (t: Transition, change: Partial<Transition['to']['context']>, path?: string): Transition => ({
  ...t,
  to: { ...t.to, path: path ?? t.to.path, context: { ...t.to.context, ...change } },
});

function fires(invariant: Invariant, good: Transition, bad: Transition) {
  expect(invariant.check(good), `${invariant.name} on the real transition`).toBeUndefined();
  expect(invariant.check(bad), `${invariant.name} on the broken transition`).toBeTypeOf('string');
}

const TO_STARTED = ['SetTopology(T)', 'done:S_OK', 'Start(EMPTY)', 'done:S_OK', 'done:S_OK'];

describe('invariant library', () => {
  it('documents every invariant with a source', () => {
    for (const invariant of INVARIANTS) {
      expect(invariant.name).toMatch(/^[a-z-]+$/);
      expect(invariant.source).toMatch(/spec|decision/);
      expect(invariant.description.length).toBeGreaterThan(10);
    }
  });

  it('shutdown-answers: a second Shutdown answering S_OK', () => {
    const good = last(['Shutdown', 'Shutdown']);
    fires(lib.shutdownAnswers, good, withStep(good, { reply: HR.S_OK }));
    const nullStart = last(['Shutdown', 'Start(NULL)']);
    fires(lib.shutdownAnswers, nullStart, withStep(nullStart, { reply: HR.MF_E_SHUTDOWN }));
  });

  it('completion-fifo: a lost completion, and two swapped', () => {
    const good = last(['Stop']);
    fires(lib.completionFifo, good, withStep(good, { events: [] }));
    // Two completions in one step need a command queued behind a running one.
    const queued = compileTable({ maxDepth: 3, maxCommands: 2 });
    const two = transitionsOf(queued, ['SetTopology(T)', 'Stop', 'done:S_OK']).at(-1)!;
    expect(lib.completionFifo.check(two)).toBeUndefined();
    const swapped = [...two.step.events].reverse();
    fires(lib.completionFifo, two, withStep(two, { events: swapped }));
  });

  it('no-event-after-shutdown: an event delivered after Shutdown', () => {
    const good = last(['Shutdown', 'QueueEvent']);
    fires(lib.noEventAfterShutdown, good, withStep(good, { events: [{ type: ME.MESessionUnknown, status: HR.S_OK }] }));
  });

  it('closed-is-last: an event after MESessionClosed with no later command', () => {
    const good = last(['Close', 'GetClock']);
    fires(lib.closedIsLast, good, withStep(good, { events: [{ type: ME.MESessionStopped, status: HR.S_OK }] }));
    const closing = last(['Close']);
    fires(lib.closedIsLast, closing, withStep(closing, { events: [...closing.step.events, { type: ME.MEError, status: HR.E_FAIL }] }));
  });

  it('sinks-only-by-shutdown: sinks shut down by Close, or left running by Shutdown', () => {
    const close = last([...TO_STARTED, 'Close', 'done:S_OK']);
    fires(lib.sinksOnlyByShutdown, close, withStep(close, { shutDown: { sinks: ['k1'], transforms: [] } }));
    const shutdown = last([...TO_STARTED, 'Shutdown']);
    expect(shutdown.step.shutDown?.sinks).toEqual(['k1']);
    fires(lib.sinksOnlyByShutdown, shutdown, withStep(shutdown, { shutDown: { sinks: [], transforms: [] } }));
  });

  it('source-never-shut-down: Shutdown naming the source', () => {
    const good = last([...TO_STARTED, 'Shutdown']);
    fires(lib.sourceNeverShutDown, good, withStep(good, { shutDown: { sinks: ['k1', 's1'], transforms: [] } }));
  });

  it('capabilities-consistent: PAUSE while paused, START after Close, an unannounced change', () => {
    const pause = last([...TO_STARTED, 'Pause', 'done:S_OK']);
    fires(lib.capabilitiesConsistent, pause, withTo(pause, { caps: pause.to.context.caps | SESSIONCAP.PAUSE }));
    const close = last(['SetTopology(T)', 'done:S_OK', 'Close', 'done:S_OK']);
    fires(lib.capabilitiesConsistent, close, withTo(close, { caps: close.to.context.caps | SESSIONCAP.START }));
    const quiet = last(['GetClock']);
    fires(lib.capabilitiesConsistent, quiet, withTo(quiet, { caps: SESSIONCAP.START }));
  });

  it('clock-consistent: a running clock in a stopped session, a live clock after Shutdown', () => {
    const stop = last([...TO_STARTED, 'Stop', 'done:S_OK']);
    fires(lib.clockConsistent, stop, withTo(stop, { clock: { ...stop.to.context.clock, state: 'RUNNING' } }));
    const shutdown = last(['Shutdown']);
    fires(lib.clockConsistent, shutdown, withTo(shutdown, { clock: { ...shutdown.to.context.clock, shutdown: false } }));
  });

  it('accepts user invariants', () => {
    const mine: Invariant = { name: 'no-rate-zero', source: 'user', description: 'a user rule', check: ({ input }) => (input.label === 'SetRate(F,0)' ? 'no' : undefined) };
    const result = exploreTable(table, { depth: 2, invariants: [mine] });
    expect(result.violations[0]).toMatchObject({ invariant: 'no-rate-zero', path: ['SetRate(F,0)'] });
  });
});
