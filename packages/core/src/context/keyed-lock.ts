/**
 * Serialises work per key: `run(key, fn)` starts `fn` only when every earlier `run` with the same
 * key has settled. Read-modify-write of one chunk (or shard) by concurrent `set` calls in one
 * process therefore never loses an update.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      // The last waiter cleans up, so the map holds only keys with work queued.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /**
   * `fn` once it holds every key's lock. Keys are taken in sorted order, so two callers whose
   * keys overlap never each wait for the other.
   */
  async runAll<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const holding = sorted.reduceRight<() => Promise<T>>(
      (inner, key) => () => this.run(key, inner),
      fn,
    );
    return holding();
  }
}
