/**
 * Node socket errors classified as push faults (machines/pushFaults.ts), so the client reports the
 * HRESULT of the decided mapping (docs/decisions.md P26) and never a raw errno.
 * @module
 */
import type { HResult } from '../../machines/hresult.js';
import { pushFaultHr, type PushFault } from '../../machines/pushFaults.js';

/** A failed wire operation, carrying the HRESULT the application sees. */
export class PushFailure extends Error {
  constructor(
    readonly hr: HResult,
    message: string,
  ) {
    super(message);
    this.name = 'PushFailure';
  }
}

/** The fault a Node socket error stands for, while connecting (`connecting`) or later. */
export function socketErrorFault(error: NodeJS.ErrnoException, connecting: boolean): PushFault {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { kind: 'dns' };
    case 'ECONNREFUSED':
      return { kind: 'refused' };
    case 'ETIMEDOUT':
      return connecting ? { kind: 'connectTimeout' } : { kind: 'closed' };
    case 'ECONNRESET':
      // A reset before any request went out means the server would not take the connection.
      return connecting ? { kind: 'refused' } : { kind: 'reset' };
    default:
      // EPIPE and friends: a write on a connection the server already closed.
      return connecting ? { kind: 'refused' } : { kind: 'closed' };
  }
}

/** A PushFailure for a fault, with a message naming what happened. */
export function faultFailure(fault: PushFault, message: string): PushFailure {
  return new PushFailure(pushFaultHr(fault), message);
}
