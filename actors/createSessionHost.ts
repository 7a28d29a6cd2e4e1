/**
 * A host for many sessions: it creates, finds, lists, releases and shuts down media sessions on
 * one platform, reports sessions released without Shutdown (leaks) and sessions whose actor died
 * on an adapter error (faults), and keeps working through both.
 *
 * Built for a million sessions: each session is its own root XState actor, kept in a `Map` by id.
 * There is deliberately no parent actor: a parent with a million spawned children would make every
 * child's events pass through one mailbox and one snapshot, and stopping one child would copy the
 * parent's children record. Root actors share nothing, so a session costs the same whether the
 * host holds ten or a million.
 * @module
 */
import { MediaSessionHandle, type SessionOptions } from './createSession.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import type { PlatformAdapter } from '../adapters/PlatformAdapter.js';
import type { PublicState } from '../machines/types.js';

/** Options of {@link createSessionHost}. */
export interface SessionHostOptions {
  /** The platform every session of the host runs on (default: the ideal platform). */
  adapter?: PlatformAdapter;
  /** XState inspection observer handed to every session the host creates (leave unset at scale). */
  inspect?: SessionOptions['inspect'];
}

/** Options of {@link SessionHost.create}. */
export interface HostedSessionOptions {
  /** The session's id, unique among the host's live sessions (default: `s1`, `s2`, ... skipping ids in use). */
  id?: string;
  /** MFCreateMediaSession attributes (recorded; the session ignores them). */
  attributes?: Readonly<Record<string, unknown>>;
}

/** A session released while it was not shut down. */
export interface SessionLeak {
  /** The session's id. */
  readonly id: string;
  /** The public state it was in when it was released. */
  readonly state: PublicState;
  /** The fault that had stopped its actor, when the session leaked because it died (its Shutdown never ran). */
  readonly fault?: string;
  /** Platform time of the release, in 100-ns units. */
  readonly at: number;
}

/** A session whose actor stopped on an error (an adapter action threw). */
export interface SessionFault {
  /** The session's id. */
  readonly id: string;
  /** The error's message. */
  readonly message: string;
  /** The error itself. */
  readonly error: unknown;
  /** Platform time of the fault, in 100-ns units. */
  readonly at: number;
}

/** What {@link SessionHost.shutdownAll} did. */
export interface ShutdownAllReport {
  /** How many sessions were shut down and released. */
  readonly released: number;
  /** Ids of the sessions that were faulted (before or during their Shutdown). */
  readonly faulted: readonly string[];
}

/** Many sessions on one platform, by id. */
export interface SessionHost {
  /** The platform the host's sessions run on. */
  readonly adapter: PlatformAdapter;
  /** How many sessions the host holds (created and not yet released). */
  readonly size: number;
  /**
   * Creates a session (MFCreateMediaSession) and keeps it under its id.
   * @throws Error naming the id when a live session of the host already has it.
   */
  create(options?: HostedSessionOptions): MediaSessionHandle;
  /** The live session with this id, or undefined. */
  get(id: string): MediaSessionHandle | undefined;
  /** Whether a live session has this id. */
  has(id: string): boolean;
  /** Every live session, in creation order. */
  list(): MediaSessionHandle[];
  /**
   * Releases a session (its last reference) and forgets it. A session not shut down first is a
   * leak: the result says so and {@link onLeak} listeners hear of it. Calling `Release()` on the
   * handle itself does the same.
   * @throws Error naming the id when the host holds no such session.
   */
  release(id: string): { leak: boolean };
  /** Shuts down and releases every session; the host is empty afterwards and stays usable. */
  shutdownAll(): ShutdownAllReport;
  /**
   * Listens for sessions the host creates, called before `create` returns (so before any method
   * call on the new session); returns an unsubscribe function. The live inspector uses it.
   */
  onCreate(listener: (session: MediaSessionHandle) => void): () => void;
  /** Listens for leaks; returns an unsubscribe function. */
  onLeak(listener: (leak: SessionLeak) => void): () => void;
  /** Listens for faults; returns an unsubscribe function. */
  onFault(listener: (fault: SessionFault) => void): () => void;
  /** Every leak so far, oldest first. */
  leaks(): readonly SessionLeak[];
  /** Every fault so far, oldest first. */
  faults(): readonly SessionFault[];
}

/** What a hosted session tells its host. Shared by all of a host's sessions, so a session costs one reference. */
interface HostLink {
  released(session: HostedSession, leak: boolean, state: PublicState, fault: string | undefined): void;
  faulted(session: HostedSession, error: unknown): void;
}

/**
 * A session that reports its Release and its fault to its host. A subclass (rather than a wrapper)
 * so that `handle.Release()` called by the application is seen as well as `host.release(id)`.
 */
class HostedSession extends MediaSessionHandle {
  readonly #link: HostLink;

  constructor(options: SessionOptions, link: HostLink) {
    super(options);
    this.#link = link;
    // The handle already records the fault; this observer tells the host. XState reports an
    // action's error to observers instead of throwing it from send(), so without an observer
    // the host would never learn that the actor stopped.
    this.actor.subscribe({ error: (error) => link.faulted(this, error) });
  }

  override Release(): { leak: boolean } {
    const state = this.state;
    const fault = this.fault;
    const result = super.Release();
    this.#link.released(this, result.leak, state, fault);
    return result;
  }
}

/** Calls every listener; one that throws neither stops the others nor the host (its error is rethrown asynchronously). */
function notify<T>(listeners: ReadonlySet<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      // Surface the listener's bug the way XState surfaces unhandled actor errors, without unwinding the host.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** Creates a session host on one platform. */
export function createSessionHost(options: SessionHostOptions = {}): SessionHost {
  const adapter = options.adapter ?? idealAdapter;
  const sessions = new Map<string, HostedSession>();
  const leakList: SessionLeak[] = [];
  const faultList: SessionFault[] = [];
  const leakListeners = new Set<(leak: SessionLeak) => void>();
  const faultListeners = new Set<(fault: SessionFault) => void>();
  const createListeners = new Set<(session: MediaSessionHandle) => void>();
  let autoId = 0;

  const link: HostLink = {
    released(session, leak, state, fault) {
      // Only forget the entry if it is this session: the id may have been reused after a release.
      if (sessions.get(session.id) === session) sessions.delete(session.id);
      if (!leak) return;
      const record: SessionLeak = fault === undefined
        ? { id: session.id, state, at: adapter.now() }
        : { id: session.id, state, fault, at: adapter.now() };
      leakList.push(record);
      notify(leakListeners, record);
    },
    faulted(session, error) {
      const record: SessionFault = {
        id: session.id,
        message: error instanceof Error ? error.message : String(error),
        error,
        at: adapter.now(),
      };
      faultList.push(record);
      notify(faultListeners, record);
    },
  };

  const nextId = (): string => {
    let id: string;
    do id = `s${++autoId}`;
    while (sessions.has(id));
    return id;
  };

  const host: SessionHost = {
    adapter,
    get size() {
      return sessions.size;
    },
    create(createOptions = {}) {
      const id = createOptions.id ?? nextId();
      if (typeof id !== 'string' || id.length === 0) throw new Error(`session id must be a non-empty string, got ${JSON.stringify(id)}`);
      if (sessions.has(id)) throw new Error(`a session with id "${id}" already exists in this host`);
      // No `key`: the runtime's process-wide counter keeps keys unique per adapter even when
      // several hosts, or createSession() callers, share one platform (its links are by key).
      const session = new HostedSession(
        { adapter, id, attributes: createOptions.attributes, inspect: options.inspect },
        link,
      );
      sessions.set(id, session);
      notify(createListeners, session);
      return session;
    },
    get(id) {
      return sessions.get(id);
    },
    has(id) {
      return sessions.has(id);
    },
    list() {
      return [...sessions.values()];
    },
    release(id) {
      const session = sessions.get(id);
      if (!session) throw new Error(`no session with id "${id}" in this host`);
      return session.Release();
    },
    shutdownAll() {
      const faulted: string[] = [];
      let released = 0;
      // A snapshot of the sessions: releasing removes entries, and listeners may create new ones.
      for (const session of [...sessions.values()]) {
        if (session.released) continue;
        // A faulted actor is stopped: a Shutdown call could not reach it, so only release it.
        if (session.fault === undefined && session.state !== 'shutdown') session.Shutdown();
        if (session.fault !== undefined) faulted.push(session.id);
        session.Release();
        released++;
      }
      return { released, faulted };
    },
    onCreate(listener) {
      createListeners.add(listener);
      return () => void createListeners.delete(listener);
    },
    onLeak(listener) {
      leakListeners.add(listener);
      return () => void leakListeners.delete(listener);
    },
    onFault(listener) {
      faultListeners.add(listener);
      return () => void faultListeners.delete(listener);
    },
    leaks() {
      return [...leakList];
    },
    faults() {
      return [...faultList];
    },
  };
  return host;
}
