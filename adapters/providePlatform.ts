/**
 * Builds an adapter's session machine from its pipeline operations and actions. Actions run inside
 * the statechart's transitions, where a throw would stop the actor; here each one is guarded, and a
 * throw becomes a `platform.fault` event (MEError(E_UNEXPECTED) for a live session, a fault record
 * always), so an adapter bug never leaves a session outside its statechart.
 * @module
 */
import { mediaSessionMachine, type MediaSessionMachine } from '../machines/mediaSessionMachine.js';
import { platformActions, type PlatformOps } from '../machines/idealPlatform.js';
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

/** The session statechart running on a platform. */
export function providePlatform(impl: PlatformImplementation): MediaSessionMachine {
  return mediaSessionMachine.provide({
    actions: {
      ...(platformActions(impl.ops, impl.now) as object),
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
