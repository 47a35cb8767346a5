/**
 * Buffers of one size, at most `limit` of them lent at once: `take` beyond that waits for one
 * to be given back. For decodes that many readers at once would otherwise each allocate (and
 * zero) anew: the memory stays bounded and is reused while the burst lasts.
 */
export class BoundedBufferPool {
  readonly size: number;
  readonly limit: number;
  readonly #free: Uint8Array[] = [];
  readonly #waiting: ((buffer: Uint8Array) => void)[] = [];
  #made = 0;

  constructor(size: number, limit: number) {
    if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`a pool needs a size >= 0 and a limit >= 1, got ${size}, ${limit}`);
    this.size = size;
    this.limit = limit;
  }

  /** Buffers lent and not given back. */
  get lent(): number {
    return this.#made - this.#free.length;
  }

  /** A buffer of `size` bytes (contents unspecified), once fewer than `limit` are lent. */
  take(): Promise<Uint8Array> {
    const now = this.tryTake();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /**
   * take's buffer when one can be lent at once, else undefined: a caller can then start its work
   * in the same turn rather than the next microtask's. (Takes wait only while none is free:
   * giveBack hands buffers to them first.)
   */
  tryTake(): Uint8Array | undefined {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#made >= this.limit) return undefined;
    this.#made++;
    return new Uint8Array(this.size);
  }

  /** Gives back a buffer `take` lent: to the longest waiting `take`, else kept for the next. */
  giveBack(buffer: Uint8Array): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(buffer);
    else this.#free.push(buffer);
  }

  /** Lets the buffers kept go (once none is lent, nor awaited): memory held only in bursts. */
  clear(): void {
    if (this.lent > 0 || this.#waiting.length > 0) return;
    this.#made -= this.#free.length;
    this.#free.length = 0;
  }
}
