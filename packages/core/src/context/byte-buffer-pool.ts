/**
 * Memory lent to store reads within one operation and given back once the bytes are decoded, so
 * that reading many chunks costs about one allocation per concurrent read instead of one per
 * chunk (and leaves the garbage collector less to find). Buffers grow to the largest size asked.
 */
export class ByteBufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #lent = new WeakSet<ArrayBuffer>();
  readonly #maxFree: number;

  constructor(maxFree: number) {
    this.#maxFree = maxFree;
  }

  /** A view of exactly `size` bytes (contents unspecified). */
  lend(size: number): Uint8Array {
    const at = this.#free.findIndex((b) => b.byteLength >= size);
    let buffer: ArrayBuffer;
    if (at >= 0) buffer = this.#free.splice(at, 1)[0]!;
    else {
      // A little headroom (64 KiB steps), so that chunks of varying size share buffers.
      buffer = new ArrayBuffer(Math.max(1, Math.ceil((size * 1.125) / 65536)) * 65536);
      this.#lent.add(buffer);
    }
    return new Uint8Array(buffer, 0, size);
  }

  /**
   * Takes back the memory of a view `lend` made: true. Anything else (or a transferred buffer)
   * is ignored: false.
   */
  giveBack(view: Uint8Array): boolean {
    const { buffer } = view;
    if (!(buffer instanceof ArrayBuffer) || !this.#lent.has(buffer) || buffer.byteLength === 0)
      return false;
    if (this.#free.length < this.#maxFree && !this.#free.includes(buffer)) this.#free.push(buffer);
    return true;
  }
}
