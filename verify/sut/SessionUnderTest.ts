/**
 * A session under test: the IMFMediaSession call surface, the event stream as an application reads
 * it, and the controls of the platform it runs on. The differential runner plays the same ordering
 * on a reference and on a SUT and compares what each one answered.
 * @module
 */
import type { HResult } from '../../machines/hresult.js';
import type { MediaEvent, PublicState } from '../../machines/types.js';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import type { MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import type { SutAction, SutCall, SutPlatformAction } from './sutActions.js';

/** A call's synchronous answer. */
export interface CallOutcome {
  hr: HResult;
  /** The out value of a getter, when it has one. */
  out?: unknown;
}

/** A session on a platform, driven by a verifier. */
export interface SessionUnderTest {
  /** What it is: `model`, `mock:lost-completion`, ... */
  readonly name: string;
  /** The session handle, when the SUT is one of ours (your own implementation need not have one). */
  readonly session?: MediaSessionHandle;
  /** The platform section the SUT was built from (a written counterexample carries it). */
  readonly platformSpec: MockPlatformSpec;
  /** The public state (scenario format, "Public state names"). */
  readonly state: PublicState;
  /** Makes one call and returns its synchronous result. */
  invoke(call: SutCall): CallOutcome;
  /** Lets the outside world act: time passes, a source dies, a stream ends. */
  platform(action: SutPlatformAction): void;
  /** Finishes the work due now, then reads every queued event (GetEvent with NO_WAIT until none is left). */
  readEvents(): MediaEvent[];
  /** Shuts the session down (if needed) and releases it. */
  dispose(): void;
}

/** Makes a fresh SUT for each ordering. */
export interface SutFactory {
  /** The name of the SUTs it makes. */
  readonly name: string;
  /** A fresh session on a fresh platform. */
  create(): SessionUnderTest;
}

/** Applies one action of an ordering; a call returns its outcome, a platform action undefined. */
export function applyAction(sut: SessionUnderTest, action: SutAction): CallOutcome | undefined {
  return 'call' in action ? sut.invoke(action) : (sut.platform(action), undefined);
}
