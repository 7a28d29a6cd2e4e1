/**
 * Reads HTTP response heads off the client's socket as they arrive, skipping any body a response
 * declares with Content-Length. A push server answers only at the end of a request (PushSetup,
 * a complete PushStart body) or early on an error (408, 500: spec §2.8), so a head that arrives
 * while nobody waits for one is reported as unsolicited: it is a failure of the push.
 * @module
 */
import { parseResponseHead, headEnd, ResponseSyntaxError, header, type ResponseHead } from './pushSetup.js';

/** Response heads larger than this are not a push server's. */
const MAX_HEAD_BYTES = 16 * 1024;

/** An incremental response reader; feed it every chunk the socket delivers. */
export class ResponseReader {
  private buffered: Buffer = Buffer.alloc(0);
  private skipBody = 0;
  private waiter: { resolve: (head: ResponseHead) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  /** @param onUnsolicited a head arrived with no request waiting for it (or the bytes are not HTTP) */
  constructor(private readonly onUnsolicited: (head: ResponseHead | ResponseSyntaxError) => void) {}

  /** The next response head. */
  next(): Promise<ResponseHead> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.parse();
    });
  }

  /** Whether a request waits for its response. */
  get waiting(): boolean {
    return this.waiter !== null;
  }

  /** Bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.skipBody > 0) {
      const skip = Math.min(this.skipBody, chunk.length);
      this.skipBody -= skip;
      chunk = chunk.subarray(skip);
    }
    if (chunk.length === 0) return;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.parse();
  }

  /** The connection failed: a waiting request fails with `error`, and so does every later one. */
  fail(error: Error): void {
    this.failure ??= error;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(error);
  }

  private parse(): void {
    while (this.buffered.length > 0 && this.failure === null) {
      const end = headEnd(this.buffered);
      if (end < 0) {
        if (this.buffered.length > MAX_HEAD_BYTES) this.deliver(new ResponseSyntaxError(`a response head over ${MAX_HEAD_BYTES} bytes`));
        return;
      }
      let head: ResponseHead | ResponseSyntaxError;
      try {
        head = parseResponseHead(this.buffered.subarray(0, end));
        const length = Number(header(head, 'content-length') ?? '0');
        this.skipBody = Number.isFinite(length) && length > 0 ? length : 0;
      } catch (error) {
        head = error instanceof ResponseSyntaxError ? error : new ResponseSyntaxError(String(error));
      }
      let rest = this.buffered.subarray(end);
      const skip = Math.min(this.skipBody, rest.length);
      this.skipBody -= skip;
      rest = rest.subarray(skip);
      this.buffered = rest;
      this.deliver(head);
    }
  }

  private deliver(head: ResponseHead | ResponseSyntaxError): void {
    const w = this.waiter;
    if (w === null || head instanceof ResponseSyntaxError) {
      if (head instanceof ResponseSyntaxError) {
        this.buffered = Buffer.alloc(0);
        if (w) {
          this.waiter = null;
          w.reject(head);
          return;
        }
      }
      this.onUnsolicited(head);
      return;
    }
    this.waiter = null;
    w.resolve(head);
  }
}
