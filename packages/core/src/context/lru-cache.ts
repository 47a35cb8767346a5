/**
 * A least-recently-used map bounded by the total `size` of its values (bytes, say). A value
 * larger than the bound is not kept. Map iteration order is insertion order, so re-inserting on
 * access keeps the oldest entry first.
 */
export class LruCache<K, V> {
  readonly maxSize: number;
  readonly #sizeOf: (value: V) => number;
  readonly #entries = new Map<K, { value: V; size: number }>();
  /** Loads under way (getOrLoad), which concurrent callers for the same key share. */
  readonly #loading = new Map<K, Promise<V | undefined>>();
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

  /**
   * The value held for `key`, else what `load` resolves with, kept when defined (and it fits).
   * Concurrent calls for one key share one load: many readers of one chunk decode it once. A
   * `delete` of the key while it loads (a write) keeps that load's result out of the cache;
   * later calls load afresh.
   */
  getOrLoad(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) return Promise.resolve(this.get(key));
    const pending = this.#loading.get(key);
    if (pending !== undefined) return pending;
    const loading = load().then(
      (value) => {
        if (this.#loading.get(key) === loading) {
          this.#loading.delete(key);
          if (value !== undefined) this.set(key, value);
        }
        return value;
      },
      (err: unknown) => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
        throw err;
      },
    );
    this.#loading.set(key, loading);
    return loading;
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
    this.#loading.delete(key);
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#size -= entry.size;
  }

  clear(): void {
    this.#loading.clear();
    this.#entries.clear();
    this.#size = 0;
  }
}
