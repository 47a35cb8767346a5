/**
 * A least-recently-used map bounded by the total `size` of its values (bytes, say). A value
 * larger than the bound is not kept. Map iteration order is insertion order, so re-inserting on
 * access keeps the oldest entry first.
 */
export class LruCache<K, V> {
  readonly maxSize: number;
  readonly #sizeOf: (value: V) => number;
  readonly #entries = new Map<K, { value: V; size: number }>();
  #size = 0;

  constructor(maxSize: number, sizeOf: (value: V) => number) {
    if (!(maxSize >= 0)) throw new RangeError(`cache size must be >= 0, got ${maxSize}`);
    this.maxSize = maxSize;
    this.#sizeOf = sizeOf;
  }

  /** Total size of what is held. */
  get size(): number {
    return this.#size;
  }

  get count(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const size = this.#sizeOf(value);
    if (size > this.maxSize) return;
    this.#entries.set(key, { value, size });
    this.#size += size;
    for (const [oldest, entry] of this.#entries) {
      if (this.#size <= this.maxSize) break;
      this.#entries.delete(oldest);
      this.#size -= entry.size;
    }
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#size -= entry.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#size = 0;
  }
}
