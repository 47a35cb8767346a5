import type { StridedRuns } from "../indexing/byte-runs.js";

/** A byte range: `length` bytes from `offset`, or the last `suffix` bytes. */
export type ByteRange =
  | { readonly offset: number; readonly length: number }
  | { readonly suffix: number };

/**
 * Part of a local file: `length` bytes from `offset` (by default, the whole file). What a codec
 * that reads files itself is given (see ReadableStore.localFile).
 */
export interface FileSlice {
  readonly path: string;
  readonly offset?: number;
  readonly length?: number;
}

export interface StoreGetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
  /**
   * Read only the value whose version `onVersion` reported as this (an HTTP ETag, sent as
   * If-Match): a value rewritten since rejects with ValueChangedError. Stores whose reads tell
   * versions (`capabilities.versionedReads`) honour it; others ignore it.
   */
  ifVersion?: string;
  /** Told the version of the value read, where the store's answer carries one (a strong ETag). */
  onVersion?: (version: string) => void;
}

export interface StoreCapabilities {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly listable: boolean;
  /** True when `range` reads fetch only the requested bytes. */
  readonly ranges: boolean;
  /**
   * How many chunks `set` should write at once at most (else the context's concurrency): a
   * local disk is fastest with few, as each chunk's encoding then overlaps the others' writes
   * instead of all of them finishing together.
   */
  readonly writeConcurrency?: number;
  /**
   * True when `set`, `setParts`, `setPartsStrided`, `setMany` and `setManyStrided` no longer
   * need the bytes they were given once they resolve (they copied or wrote them out): the
   * writer may then reuse or free that memory.
   */
  readonly copiesValues?: boolean;
  /** True when reads report versions (`onVersion`) and honour `ifVersion`. */
  readonly versionedReads?: boolean;
}

/**
 * The store interface: small and structural, so a Map wrapper or a fetch call fits.
 * `get` resolves `undefined` for "not found" and nothing else: every other failure rejects
 * (with StoreError). Keys are "/"-separated, relative, without a leading "/".
 */
export interface ReadableStore {
  get(key: string, options?: StoreGetOptions): Promise<Uint8Array | undefined>;
  /**
   * An identifier of the value now stored under `key` that changes whenever any process
   * rewrites it, or undefined when there is no such key: readers trust what they kept of a
   * value (a shard's index) only while it stays the same.
   */
  version?(key: string, options?: { signal?: AbortSignal }): Promise<string | undefined>;
  getRanges?(
    key: string,
    ranges: readonly ByteRange[],
    options?: { signal?: AbortSignal },
  ): Promise<(Uint8Array | undefined)[]>;
  /**
   * Reads the whole value of `key` into `targets`, one after the other (a scatter read, so an
   * uncompressed chunk lands in the caller's array with no buffer in between). Resolves undefined
   * when there is no such key, else the value's size in bytes; the targets hold the value only
   * when that size equals their total length (otherwise their content is unspecified).
   */
  getInto?(
    key: string,
    targets: readonly Uint8Array[],
    options?: { signal?: AbortSignal },
  ): Promise<number | undefined>;
  /**
   * getInto for targets described by strides (the rows of a chunk in the caller's array, with no
   * view per row); preferred over getInto when offered.
   */
  getIntoStrided?(
    key: string,
    targets: StridedRuns,
    options?: { signal?: AbortSignal },
  ): Promise<number | undefined>;
  /**
   * Reads the whole value of `key` into memory the caller lends: `lend(size)` returns a view
   * of exactly `size` bytes, which is filled and resolved (undefined when there is no such key).
   * Lets readers recycle one set of buffers instead of allocating one per chunk. A store may
   * resolve memory of its own instead, without calling `lend` (one that reads into memory it
   * allocates off the main thread, say); the caller owns it either way.
   */
  getWith?(
    key: string,
    lend: (size: number) => Uint8Array,
    options?: { signal?: AbortSignal },
  ): Promise<Uint8Array | undefined>;
  /**
   * The local file that holds `key`'s value, when the store keeps values as plain files on
   * this machine and lets readers read them themselves: a codec that reads and decodes a chunk
   * in one job off the calling thread (`decodeFileSelectedInto`) is then given the path instead
   * of the bytes. undefined for keys (or stores) it does not offer. The key is checked as any
   * read's.
   */
  localFile?(key: string): string | undefined;
  readonly capabilities?: StoreCapabilities;
}

/** A key and the value to store under it. */
export type StoreEntry = readonly [key: string, value: Uint8Array];

export interface WritableStore extends ReadableStore {
  set(key: string, value: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Stores the concatenation of `parts` as the value of `key` (a gather write: the parts are
   * never joined into one buffer), with the same all-or-nothing guarantee as `set`.
   */
  setParts?(
    key: string,
    parts: readonly Uint8Array[],
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /**
   * setParts for parts described by strides (the rows of a chunk in the caller's array, with
   * no view per row); preferred over setParts when offered.
   */
  setPartsStrided?(
    key: string,
    parts: StridedRuns,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /**
   * Stores several values at once, each as `set` would (never half of one), when the store
   * can do that with less work than one `set` each (one job for many small files): writers
   * that have many small values offer them together. Not all-or-nothing across keys: on
   * failure it rejects naming the first key not stored, and some of the others may be.
   */
  setMany?(entries: readonly StoreEntry[], options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * setMany for values laid out alike in one buffer (whole chunks in the caller's array): the
   * value of `keys[i]` is `runs` moved to start at byte `offsets[i]` of `runs.bytes` (where
   * `runs.offset` says the runs given start), so no view of each is made. Preferred over
   * setMany when offered; the same guarantees.
   */
  setManyStrided?(
    keys: readonly string[],
    runs: StridedRuns,
    offsets: Float64Array,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Called once every key under `prefix` ("" or ending in "/") has been deleted: removes what
   * the store keeps for the prefix itself (a filesystem's directories). Deleting a node ends
   * with it where offered.
   */
  deletePrefix?(prefix: string): Promise<void>;
}

export interface ListableStore extends ReadableStore {
  /** Every key that starts with `prefix`. */
  list(prefix: string): AsyncIterable<string>;
  /** Immediate children of `prefix` ("" or ending in "/"): keys and sub-prefixes ("name/"). */
  listDir(prefix: string): Promise<{ keys: readonly string[]; prefixes: readonly string[] }>;
}

export type Store = ReadableStore &
  Partial<Omit<WritableStore, keyof ReadableStore>> &
  Partial<Omit<ListableStore, keyof ReadableStore>>;

export function isWritable(store: Store): store is Store & WritableStore {
  return typeof store.set === "function" && typeof store.delete === "function";
}

export function isListable(store: Store): store is Store & ListableStore {
  return typeof store.list === "function" && typeof store.listDir === "function";
}
