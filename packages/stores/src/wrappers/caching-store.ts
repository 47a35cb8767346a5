import {
  type ByteRange,
  LruCache,
  type Store,
  type StoreGetOptions,
  UnsupportedFeatureError,
} from "@zarrkit/core";

/** A cached answer; `value` undefined records "not found". */
interface Entry {
  readonly value: Uint8Array | undefined;
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
    // Callers own what they get, so hand out copies.
    if (hit !== undefined) return hit.value?.slice();
    const value = await this.store.get(key, options);
    this.#cache.set(id, { value: value?.slice() });
    const ids = this.#idsByKey.get(key) ?? new Set<string>();
    ids.add(id);
    this.#idsByKey.set(key, ids);
    return value;
  }

  getRanges(key: string, ranges: readonly ByteRange[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range })));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    if (this.store.set === undefined)
      throw new UnsupportedFeatureError("the wrapped store is read-only", { key });
    this.#forget(key);
    await this.store.set(key, value);
  }

  async delete(key: string): Promise<void> {
    if (this.store.delete === undefined)
      throw new UnsupportedFeatureError("the wrapped store is read-only", { key });
    this.#forget(key);
    await this.store.delete(key);
  }

  #forget(key: string): void {
    for (const id of this.#idsByKey.get(key) ?? []) this.#cache.delete(id);
    this.#idsByKey.delete(key);
  }
}
