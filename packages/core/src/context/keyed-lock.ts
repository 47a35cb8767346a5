/** The work queued on one key: when it has all settled, and the group of shared runs last in line. */
interface Tail {
  readonly done: Promise<void>;
  readonly shared?: { readonly start: Promise<void>; readonly members: Promise<void>[] };
}

const settle = (): undefined => undefined;

/**
 * Serialises work per key: `run(key, fn)` starts `fn` only when every earlier `run` or
 * `runShared` with the same key has settled. Read-modify-write of one chunk (or shard) by
 * concurrent `set` calls in one process therefore never loses an update. `runShared` runs
 * beside other shared runs but never beside a `run`: reads that take several store reads
 * of one chunk (a shard's index, then its inner chunks) see one version of it.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Tail>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key)?.done ?? Promise.resolve()).then(fn);
    this.#queue(key, { done: result.then(settle, settle) });
    return result;
  }

  /** `fn` once no `run` queued before it is under way; shared runs queued together overlap. */
  runShared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const tail = this.#tails.get(key);
    const shared = tail?.shared ?? { start: tail?.done ?? Promise.resolve(), members: [] };
    const result = shared.start.then(fn);
    shared.members.push(result.then(settle, settle));
    this.#queue(key, { done: Promise.all(shared.members).then(settle), shared });
    return result;
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

  /** Makes `tail` the key's last; the map holds only keys with work queued. */
  #queue(key: string, tail: Tail): void {
    this.#tails.set(key, tail);
    void tail.done.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
  }
}
