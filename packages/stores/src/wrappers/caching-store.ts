import {
  type ByteRange,
  copyBytes,
  LruCache,
  type Store,
  type StoreGetOptions,
  UnsupportedFeatureError,
} from "@zarrkit/core";

/** A cached answer; `value` undefined records "not found". */
interface Entry {
  readonly value: Uint8Array | undefined;
  /** The version the wrapped store reported for it (see StoreGetOptions.onVersion). */
  readonly version?: string;
}

/**
 * Keeps recently read values (and ranges) in memory, bounded by `maxBytes`. Writes and deletes
 * through this wrapper drop what it holds for the key; changes made by others are not seen
 * while an entry is cached.
 */
export class CachingStore {
  readonly store: Store;
  readonly #cache: LruCache<string, Entry>;
  readonly #idsByKey = new Map<string, Set<string>>();
  /** Writes and deletes begun or ended per key: a read that saw it change keeps nothing. */
  readonly #writes = new Map<string, number>();

  constructor(store: Store, options: { maxBytes: number }) {
    this.store = store;
    // "Not found" answers are cached too, at a nominal 64 bytes.
    this.#cache = new LruCache(options.maxBytes, (entry) => entry.value?.byteLength ?? 64);
  }

  get capabilities() {
    return this.store.capabilities;
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    const id = options.range === undefined ? key : `${key}\u0000${JSON.stringify(options.range)}`;
    const hit = this.#cache.get(id);
    const { ifVersion, onVersion } = options;
    // A read of one version is answered from the cache only with that version's bytes.
    if (hit !== undefined && (ifVersion === undefined || hit.version === ifVersion)) {
      if (hit.version !== undefined) onVersion?.(hit.version);
      // Callers own what they get, so hand out copies.
      return hit.value === undefined ? undefined : copyBytes(hit.value);
    }
    const writes = this.#writes.get(key);
    let version: string | undefined;
    const value = await this.store.get(key, {
      ...options,
      onVersion: (v) => {
        version = v;
        onVersion?.(v);
      },
    });
    // A write of the key while this read was under way: what it read may predate the write.
    if (this.#writes.get(key) !== writes) return value;
    this.#cache.set(id, {
      value: value === undefined ? undefined : copyBytes(value),
      ...(version !== undefined && { version }),
    });
    const ids = this.#idsByKey.get(key) ?? new Set<string>();
    ids.add(id);
    this.#idsByKey.set(key, ids);
    return value;
  }

  getRanges(key: string, ranges: readonly ByteRange[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range })));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const { store } = this;
    if (store.set === undefined)
      throw new UnsupportedFeatureError("the wrapped store is read-only", { key });
    const set = store.set.bind(store);
    await this.#writing(key, () => set(key, value));
  }

  async delete(key: string): Promise<void> {
    const { store } = this;
    if (store.delete === undefined)
      throw new UnsupportedFeatureError("the wrapped store is read-only", { key });
    const remove = store.delete.bind(store);
    await this.#writing(key, () => remove(key));
  }

  /** Runs a write of `key`, dropping what is held for it and marking it changed, before and after. */
  async #writing(key: string, write: () => Promise<void>): Promise<void> {
    this.#forget(key);
    try {
      await write();
    } finally {
      this.#forget(key);
    }
  }

  #forget(key: string): void {
    this.#writes.set(key, (this.#writes.get(key) ?? 0) + 1);
    for (const id of this.#idsByKey.get(key) ?? []) this.#cache.delete(id);
    this.#idsByKey.delete(key);
  }
}
