/**
 * Contract-breaking modes of the mock platform, planted so that the verifier has something to find
 * (issue 3, item 6). A fault is a wrapper of the session handle and of its event delivery — a
 * subclass of {@link MediaSessionHandle} that rewrites what the application sees — never an edit of
 * the statechart: the model underneath stays the reference, only its surface lies.
 *
 * Select faults by name: `createFaultySession({ adapter }, ['lost-completion'])`, or on the command
 * line `--adapter mock:lost-completion` / `--adapter mock --fault lost-completion`.
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import { ME } from '../../machines/mediaEventType.js';
import type { ClockCallEvent, SessionCallEvent } from '../../machines/sessionEvents.js';
import type { MediaEvent } from '../../machines/types.js';
import { MediaSessionHandle, type CallbackInvocation, type CallResult, type SessionOptions } from '../../actors/createSession.js';

/** What each planted fault does, by name. */
export const CONTRACT_FAULTS = {
  'second-shutdown-ok': 'a second Shutdown returns S_OK instead of MF_E_SHUTDOWN',
  'stop-after-close-ok': 'Stop issued after Close completed completes with S_OK instead of MF_E_INVALIDREQUEST',
  'event-after-shutdown': 'one event (MESessionClosed) is delivered by the event generator after Shutdown',
  'lost-completion': 'the first completion event of a command is never delivered',
  'swapped-completions': 'the first completion delivered while another completion is queued behind it is delivered after that one',
} as const;

/** The name of a planted fault. */
export type ContractFault = keyof typeof CONTRACT_FAULTS;

/** Every fault name, in catalog order. */
export const CONTRACT_FAULT_NAMES = Object.keys(CONTRACT_FAULTS) as ContractFault[];

/** Whether `name` is a planted fault. */
export function isContractFault(name: string): name is ContractFault {
  return Object.prototype.hasOwnProperty.call(CONTRACT_FAULTS, name);
}

/** Completion events of control commands (spec §1.3: one per accepted command). */
const COMPLETIONS: ReadonlySet<number> = new Set([
  ME.MESessionTopologySet,
  ME.MESessionStarted,
  ME.MESessionPaused,
  ME.MESessionStopped,
  ME.MESessionClosed,
  ME.MESessionRateChanged,
]);

const isCompletion = (event: MediaEvent) => COMPLETIONS.has(event.type);
const isEvent = (out: unknown): out is MediaEvent => typeof out === 'object' && out !== null && 'type' in out && 'status' in out;

/** The event `event-after-shutdown` delivers: a late Close completion. */
const LATE_EVENT: MediaEvent = { type: ME.MESessionClosed, status: HR.S_OK, value: { vt: 'VT_EMPTY' } };

/** What happens to an event about to be delivered. */
type Delivery = 'deliver' | 'drop' | 'requeue';

/**
 * A session whose surface breaks the contract in the named ways. Every public method goes through
 * {@link call}, and every BeginGetEvent callback through the filtered {@link onCallback}, so the
 * faults reach the scenario runner, the facades and the differential runner alike.
 */
export class FaultySessionHandle extends MediaSessionHandle {
  /** The faults this session plants. */
  readonly contractFaults: ReadonlySet<ContractFault>;
  #listeners = new Set<(invocation: CallbackInvocation) => void>();
  #shutdownReturned = false;
  #stopsAfterClose = 0;
  #lost = false;
  #swapped = false;
  #injected = false;
  #injectedSub: CallbackInvocation | null = null;

  constructor(options: SessionOptions, faults: readonly ContractFault[]) {
    super(options);
    this.contractFaults = new Set(faults);
    // Every callback the model invokes passes the delivery filter before the application sees it.
    super.onCallback((invocation) => this.#onModelCallback(invocation));
  }

  /** Registers a BeginGetEvent callback listener (callbacks of lost events never reach it). */
  override onCallback(listener: (invocation: CallbackInvocation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends one method call through the faults. */
  override call<T = unknown>(event: SessionCallEvent | ClockCallEvent): CallResult<T> {
    const faults = this.contractFaults;
    const shutDown = this.state === 'shutdown';
    switch (event.type) {
      case 'session.Shutdown': {
        const result = super.call<T>(event);
        if (faults.has('second-shutdown-ok') && this.#shutdownReturned && result.hr === HR.MF_E_SHUTDOWN) return { hr: HR.S_OK };
        if (result.hr === HR.S_OK) this.#shutdownReturned = true;
        return result;
      }
      case 'session.Stop': {
        // Counted at the call: the model completes it with MF_E_INVALIDREQUEST, the fault rewrites that.
        const afterClose = faults.has('stop-after-close-ok') && this.state === 'closed';
        const result = super.call<T>(event);
        if (afterClose && result.hr === HR.S_OK) this.#stopsAfterClose++;
        return result;
      }
      case 'session.GetEvent': {
        if (shutDown && this.#inject()) return { hr: HR.S_OK, out: LATE_EVENT as T };
        let result = super.call<T>(event);
        while (result.hr === HR.S_OK && isEvent(result.out)) {
          const delivery = this.#delivery(result.out, this.context.events);
          if (delivery === 'deliver') return { hr: result.hr, out: this.#rewrite(result.out) as T };
          if (delivery === 'requeue') this.#requeue(result.out);
          result = super.call<T>(event);
        }
        return result;
      }
      case 'session.BeginGetEvent': {
        if (shutDown && event.callback !== null && this.#inject()) {
          this.#injectedSub = { callback: event.callback, state: event.state };
          this.#notify(this.#injectedSub);
          return { hr: HR.S_OK };
        }
        return super.call<T>(event);
      }
      case 'session.EndGetEvent': {
        if (this.#injectedSub && event.result === 'pending') {
          this.#injectedSub = null;
          return { hr: HR.S_OK, out: LATE_EVENT as T };
        }
        const result = super.call<T>(event);
        return result.hr === HR.S_OK && isEvent(result.out) ? { hr: result.hr, out: this.#rewrite(result.out) as T } : result;
      }
      default:
        return super.call<T>(event);
    }
  }

  /** `event-after-shutdown`: true once, for the first event-generator call after Shutdown. */
  #inject(): boolean {
    if (!this.contractFaults.has('event-after-shutdown') || this.#injected) return false;
    this.#injected = true;
    return true;
  }

  /** Decides the fate of `event`, about to be delivered with `behind` still queued after it. */
  #delivery(event: MediaEvent, behind: readonly MediaEvent[]): Delivery {
    if (!isCompletion(event)) return 'deliver';
    if (this.contractFaults.has('lost-completion') && !this.#lost) {
      this.#lost = true;
      return 'drop';
    }
    if (this.contractFaults.has('swapped-completions') && !this.#swapped && behind.some(isCompletion)) {
      this.#swapped = true;
      return 'requeue';
    }
    return 'deliver';
  }

  /** `stop-after-close-ok`: the MF_E_INVALIDREQUEST completion of a Stop after Close becomes S_OK. */
  #rewrite(event: MediaEvent): MediaEvent {
    if (this.#stopsAfterClose > 0 && event.type === ME.MESessionStopped && event.status === HR.MF_E_INVALIDREQUEST) {
      this.#stopsAfterClose--;
      return { ...event, status: HR.S_OK };
    }
    return event;
  }

  /** Puts a held-back event at the tail of the model's queue (QueueEvent keeps type, status and value). */
  #requeue(event: MediaEvent): void {
    super.call({ type: 'session.QueueEvent', eventType: event.type, status: event.status as HResult, value: event.value });
  }

  /**
   * A callback the model invoked: its event is the head of the queue. A dropped or requeued head is
   * taken off the queue here and the subscription re-armed, so the application never hears of it.
   */
  #onModelCallback(invocation: CallbackInvocation): void {
    const queue = this.context.events;
    const head = queue[0];
    const delivery = head ? this.#delivery(head, queue.slice(1)) : 'deliver';
    if (delivery === 'deliver') return this.#notify(invocation);
    super.call({ type: 'session.EndGetEvent', result: 'pending' });
    if (delivery === 'requeue') this.#requeue(head!);
    super.call({ type: 'session.BeginGetEvent', callback: invocation.callback, state: invocation.state });
  }

  #notify(invocation: CallbackInvocation): void {
    for (const listener of this.#listeners) listener(invocation);
  }
}

/** Creates a session that plants `faults` (none: it behaves exactly as {@link MediaSessionHandle}). */
export function createFaultySession(options: SessionOptions, faults: readonly ContractFault[]): FaultySessionHandle {
  return new FaultySessionHandle(options, faults);
}
