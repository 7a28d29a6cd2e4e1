/**
 * Reusable memory for the `$D` frames one connection writes (decision P40).
 *
 * A socket write keeps a reference to its bytes until the kernel has them, so a frame buffer can only
 * be reused after its write completed. Allocating a fresh buffer for every group of frames made the
 * data path pay for new memory (page faults on first touch, external-memory pressure that triggers
 * full GCs) on every few dozen packets. Here a connection keeps a few slabs and writes its frames into
 * them in turn; a slab is taken again only once the socket has finished every write that used it,
 * which the stream position tells: bytes handed to the socket minus the bytes it still holds
 * (`writableLength` counts a write until its completion).
 *
 * Safe because the connection writes what it takes before it takes again (one operation at a time,
 * each writes its whole group or fails the connection), and a connection makes new slabs for each
 * new socket.
 * @module
 */

interface Slab {
  readonly memory: Buffer;
  /** The stream position just after the last byte written while this slab was in use. */
  end: number;
}

/** The slabs of one socket. */
export class FrameSlabs {
  private readonly slabs: Slab[] = [];
  private current: Slab | null = null;
  private used = 0;

  /** @param slabBytes Size of each slab; a request larger than this gets memory of its own. */
  constructor(readonly slabBytes: number) {}

  /**
   * `bytes` bytes that no unfinished write uses. `completed` is the stream position the socket has
   * finished writing up to. The memory must be written (and {@link wrote} called) before the next take.
   */
  take(bytes: number, completed: number): Buffer {
    if (bytes > this.slabBytes) return Buffer.allocUnsafeSlow(bytes);
    if (this.current === null || this.used + bytes > this.slabBytes) {
      const previous = this.current;
      this.current = this.slabs.find((s) => s !== previous && s.end <= completed) ?? this.grow();
      this.used = 0;
    }
    const at = this.used;
    this.used += bytes;
    return this.current.memory.subarray(at, at + bytes);
  }

  /** Records a write ending at stream position `end`: the current slab is not reused before it completes. */
  wrote(end: number): void {
    if (this.current) this.current.end = end;
  }

  /** Slabs made so far (a bounded number: the socket holds at most its high-water mark plus one group). */
  get count(): number {
    return this.slabs.length;
  }

  private grow(): Slab {
    const slab = { memory: Buffer.allocUnsafeSlow(this.slabBytes), end: 0 };
    this.slabs.push(slab);
    return slab;
  }
}
