/** Shared runs queued together: all start at `start`; `release` settles the tail after the last. */
interface Group {
  readonly start: Promise<void>;
  readonly release: () => void;
  pending: number;
}

/** The last work queued on one key: when it will have settled, and its group if shared. */
interface Tail {
  readonly done: Promise<void>;
  readonly group?: Group;
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
    const tail: Tail = { done: result.then(settle, settle) };
    this.#tails.set(key, tail);
    // The map holds only keys with work queued.
    void tail.done.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** `fn` once no `run` queued before it is under way; shared runs queued together overlap. */
  runShared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const last = this.#tails.get(key);
    const group = last?.group ?? this.#openGroup(key, last);
    group.pending++;
    const result = group.start.then(fn);
    void result.then(settle, settle).then(() => {
      if (--group.pending > 0) return;
      // Closed: shared runs from now on form a group of their own (a count, not a list of
      // members, so a steady stream of overlapping reads holds nothing).
      if (this.#tails.get(key)?.group === group) this.#tails.delete(key);
      group.release();
    });
    return result;
  }

  /** A new group of shared runs, queued after `last`. */
  #openGroup(key: string, last: Tail | undefined): Group {
    let release: () => void = settle;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const group = { start: last?.done ?? Promise.resolve(), release, pending: 0 };
    this.#tails.set(key, { done, group });
    return group;
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
