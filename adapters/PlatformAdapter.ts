/**
 * The contract between the session runtime and a platform: the statechart with the platform's
 * services provided, the platform's clock, and a way for the platform to reach a session on its
 * own (a source shut down from outside, an end of stream).
 * @module
 */
import type { MediaSessionMachine } from '../machines/mediaSessionMachine.js';
import type { PlatformEvent } from '../machines/sessionEvents.js';

/** How a platform reaches one session. */
export interface SessionLink {
  /** The runtime's key of the session (the `session` of every operation input). */
  readonly key: number;
  /** Delivers a platform event to the session. */
  send(event: PlatformEvent): void;
  /**
   * Runs platform work that may answer a pending operation (its `sendBack`), then lets the session
   * deliver what that work caused (BeginGetEvent callbacks, records). Timer or I/O callbacks of an
   * adapter run through this, so a completion is observed exactly like a method call's effects.
   */
  run(work: () => void): void;
}

/** A platform the session runtime can run sessions on. */
export interface PlatformAdapter {
  /** Short name (`mock`, `mf-native`, ...). */
  readonly name: string;
  /** The session statechart with this platform's services (`mediaSessionMachine.provide(...)`). */
  readonly machine: MediaSessionMachine;
  /** The platform clock in 100-ns units; stamped on every call as `now`. */
  now(): number;
  /** A session starts; the platform may send it events from now on. */
  attach(link: SessionLink): void;
  /** A session is gone (shut down and released); the platform must forget it. */
  detach(key: number): void;
  /**
   * Lets time pass until `deadline` (platform clock) or until `until()` holds, whichever is first.
   * A simulated platform advances its clock; a real one waits. Resolves with whether `until()` held.
   */
  waitUntil(until: () => boolean, deadline: number): Promise<boolean>;
  /** Finishes the work due at the current time (a simulated platform runs due timers; a real one does nothing). */
  settle(): void;
}
