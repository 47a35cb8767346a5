import { sliceRange } from "./byte-range.js";
import { copyBytes } from "./copy-bytes.js";
import { childrenOf } from "./list-dir.js";
import type {
  ByteRange,
  ListableStore,
  StoreCapabilities,
  StoreGetOptions,
  WritableStore,
} from "./store.js";
import { assertValidKey, assertValidPrefix } from "./store-key.js";

/** An in-process store over a Map. Values are copied in and out, so callers cannot alias them. */
export class MemoryStore implements WritableStore, ListableStore {
  readonly capabilities: StoreCapabilities = {
    readable: true,
    writable: true,
    listable: true,
    ranges: true,
    copiesValues: true,
  };
  readonly map: Map<string, Uint8Array>;

  constructor(map: Map<string, Uint8Array> = new Map()) {
    this.map = map;
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    assertValidKey(key);
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    return copyBytes(sliceRange(value, options.range, key));
  }

  async getRanges(key: string, ranges: readonly ByteRange[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(ranges.map((range) => this.get(key, { range })));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    assertValidKey(key);
    this.map.set(key, copyBytes(value));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.map.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    for (const key of [...this.map.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    assertValidPrefix(prefix);
    return childrenOf(this.map.keys(), prefix);
  }
}
