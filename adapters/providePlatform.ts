/**
 * Builds an adapter's session machine from its pipeline operations and actions. Actions run inside
 * the statechart's transitions, where a throw would stop the actor; here each one is guarded, and a
 * throw becomes a `platform.fault` event (MEError(E_UNEXPECTED) for a live session, a fault record
 * always), so an adapter bug never leaves a session outside its statechart.
 * @module
 */
import { mediaSessionMachine, type MediaSessionMachine } from '../machines/mediaSessionMachine.js';
import { platformActions, type OpRequest, type PlatformOpBody, type PlatformOps } from '../machines/idealPlatform.js';
import type { PlatformOp } from '../machines/sessionEvents.js';
import type { SessionContext } from '../machines/sessionContext.js';

/** What Shutdown asks the platform to shut down. */
export interface PipelineShutdown {
  sinks: string[];
  transforms: string[];
}

/** The platform's side of the session machine. */
export interface PlatformImplementation {
  /** The pipeline operations (see {@link PlatformOpBody}). */
  ops: PlatformOps;
  /** The platform clock (100-ns units), stamped on every answer. */
  now?: () => number;
  /** Shuts down the sinks and async transforms Shutdown names (spec §2.7). */
  shutdownPipeline(session: SessionContext, what: PipelineShutdown): void;
}

/** A pipeline operation the session asked of the platform (`request`), or the platform's answer to it (`done`). */
export interface PlatformOpRecord {
  op: PlatformOp;
  phase: 'request' | 'done';
  /** The answer's HRESULT (`done`). */
  hr?: number;
}

type OpListener = (record: PlatformOpRecord) => void;

/** Listeners by session actor; a WeakMap lookup is all an unobserved operation costs. */
const opListeners = new WeakMap<object, Set<OpListener>>();
/** The listeners of the operation being requested right now (operation bodies start synchronously). */
let requesting: Set<OpListener> | undefined;

const notify = (listeners: Set<OpListener>, record: PlatformOpRecord) => listeners.forEach((listener) => listener(record));

/**
 * Listens to the pipeline operations a session actor (running a machine built by
 * {@link providePlatform}) asks of its platform and to the platform's answers; returns an
 * unsubscribe function. The live inspector records them as adapter calls.
 */
export function observePlatformOps(actor: object, listener: OpListener): () => void {
  let listeners = opListeners.get(actor);
  if (!listeners) opListeners.set(actor, (listeners = new Set()));
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && opListeners.get(actor) === listeners) opListeners.delete(actor);
  };
}

/** The operations, each reporting its answer to the listeners of the actor that asked (if any). */
function observedOps(ops: PlatformOps): PlatformOps {
  const observed: Record<string, unknown> = {};
  for (const op of Object.keys(ops) as PlatformOp[]) {
    const body = ops[op] as PlatformOpBody<PlatformOp>;
    const wrapped: PlatformOpBody<PlatformOp> = (input, reply) => {
      const listeners = requesting;
      if (!listeners) return body(input, reply);
      const result = body(input, (hr, topology) => {
        notify(listeners, { op, phase: 'done', hr: hr >>> 0 });
        reply(hr, topology);
      });
      if (result instanceof Promise) {
        return result.then((value) => {
          notify(listeners, { op, phase: 'done', hr: (typeof value === 'number' ? value : value.hr) >>> 0 });
          return value;
        });
      }
      return result;
    };
    observed[op] = wrapped;
  }
  return observed as unknown as PlatformOps;
}

/** The session statechart running on a platform. */
export function providePlatform(impl: PlatformImplementation): MediaSessionMachine {
  const actions = platformActions(observedOps(impl.ops), impl.now);
  return mediaSessionMachine.provide({
    actions: {
      ...(actions as object),
      requestOp: (args: Parameters<typeof actions.requestOp>[0], params: OpRequest) => {
        const listeners = opListeners.get(args.self);
        if (!listeners) return actions.requestOp(args, params);
        notify(listeners, { op: params.op, phase: 'request' });
        requesting = listeners;
        try {
          actions.requestOp(args, params);
        } finally {
          requesting = undefined;
        }
      },
      shutdownPipeline: ({ context, self }, params: PipelineShutdown) => {
        try {
          impl.shutdownPipeline(context, params);
        } catch (error) {
          self.send({ type: 'platform.fault', message: `shutdownPipeline: ${error instanceof Error ? error.message : String(error)}` });
        }
      },
    },
  });
}
