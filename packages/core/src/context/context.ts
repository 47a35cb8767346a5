import type { CodecRunner } from "../codecs/codec-runner.js";
import { coreExtension } from "../core-extension.js";
import type { ArrayFor, DataType } from "../data-types/data-type.js";
import { elementArrayBytes } from "../hierarchy/chunk-values.js";
import type { NDArray } from "../ndarray.js";
import { createRegistry, type Registry } from "../registry/registry.js";
import { KeyedLock } from "./keyed-lock.js";
import { LruCache } from "./lru-cache.js";

export interface ContextOptions {
  /** Where codecs, data types, grids, key encodings and stores are looked up. */
  registry?: Registry;
  /** Chunks fetched, decoded or written at once per operation (default 16). */
  concurrency?: number;
  /** Where `get` results land when no `out` is given (default: a new typed array). */
  allocator?: Allocator;
  /**
   * Bytes of decoded chunks kept for later reads (default 0: off). Writes through this context
   * keep it current; writes by anyone else are not seen while a chunk stays cached.
   */
  chunkCacheBytes?: number;
  /** Bytes of shard indexes kept for partial reads (default 16 MiB). */
  indexCacheBytes?: number;
  /** Runs chunks' bytes->bytes codecs elsewhere (a worker pool); default: on this thread. */
  codecRunner?: CodecRunner;
  /** Takes back encoded bytes once stored or decoded (see `ReleaseEncoded`). */
  releaseEncoded?: ReleaseEncoded;
}

/**
 * Decides where results land: returns `count` elements of `dataType` (`count * lanes` slots)
 * in any memory, e.g. a SharedArrayBuffer or a mapped GPU staging buffer.
 */
export type Allocator = <D extends string>(dataType: DataType<D>, count: number) => ArrayFor<D>;

/**
 * Called with encoded bytes nothing reads any more: each part of a chunk once a store that
 * `copiesValues` has written it, and bytes fetched for a shard's inner chunks once decoded.
 * Memory the function recognises as its own (an encoder's output, a native read) may be
 * reclaimed at once instead of at a garbage collection; any other buffer, such as a view of the
 * caller's value, it must leave alone.
 */
export type ReleaseEncoded = (encoded: Uint8Array) => void;

/**
 * The resources a node works with: the registry and the chunk scheduler's limit. Passed when a
 * node is opened or created; arrays opened with the same context share them.
 */
export interface Context {
  readonly registry: Registry;
  readonly concurrency: number;
  readonly allocator: Allocator | undefined;
  /** Decoded chunks by store and key (see `chunkCacheKey`); bounded by `chunkCacheBytes`. */
  readonly chunkCache: LruCache<string, NDArray>;
  /** Encoded shard indexes by store and key, bounded by `indexCacheBytes`. */
  readonly indexCache: LruCache<string, Uint8Array>;
  /** Per-chunk locks (by store and key) for read-modify-write. */
  readonly chunkLocks: KeyedLock;
  readonly codecRunner: CodecRunner | undefined;
  readonly releaseEncoded: ReleaseEncoded | undefined;
}

const storeIds = new WeakMap<object, number>();
let nextStoreId = 0;

/** The cache key of a chunk: stores are told apart by identity. */
export function chunkCacheKey(store: object, key: string): string {
  let id = storeIds.get(store);
  if (id === undefined) {
    id = nextStoreId++;
    storeIds.set(store, id);
  }
  return `${id}:${key}`;
}

export function createContext(options: ContextOptions = {}): Context {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const chunkCache = new LruCache<string, NDArray>(options.chunkCacheBytes ?? 0, (chunk) =>
    elementArrayBytes(chunk.data),
  );
  return {
    registry: options.registry ?? createRegistry(coreExtension),
    concurrency,
    allocator: options.allocator,
    chunkCache,
    chunkLocks: new KeyedLock(),
    codecRunner: options.codecRunner,
    releaseEncoded: options.releaseEncoded,
    indexCache: new LruCache<string, Uint8Array>(
      options.indexCacheBytes ?? 16 << 20,
      (bytes) => bytes.byteLength,
    ),
  };
}

let fallback: Context | undefined;

/** The context used when none is given: core's own extensions only, created on first use. */
export function defaultContext(): Context {
  fallback ??= createContext();
  return fallback;
}
