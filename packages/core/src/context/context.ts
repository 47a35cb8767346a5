import { coreExtension } from "../core-extension.js";
import type { ArrayFor, DataType } from "../data-types/data-type.js";
import { createRegistry, type Registry } from "../registry/registry.js";

export interface ContextOptions {
  /** Where codecs, data types, grids, key encodings and stores are looked up. */
  registry?: Registry;
  /** Chunks fetched, decoded or written at once per operation (default 16). */
  concurrency?: number;
  /** Where `get` results land when no `out` is given (default: a new typed array). */
  allocator?: Allocator;
}

/**
 * Decides where results land: returns `count` elements of `dataType` (`count * lanes` slots)
 * in any memory, e.g. a SharedArrayBuffer or a mapped GPU staging buffer.
 */
export type Allocator = <D extends string>(dataType: DataType<D>, count: number) => ArrayFor<D>;

/**
 * The resources a node works with: the registry and the chunk scheduler's limit. Passed when a
 * node is opened or created; arrays opened with the same context share them.
 */
export interface Context {
  readonly registry: Registry;
  readonly concurrency: number;
  readonly allocator: Allocator | undefined;
}

export function createContext(options: ContextOptions = {}): Context {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  return {
    registry: options.registry ?? createRegistry(coreExtension),
    concurrency,
    allocator: options.allocator,
  };
}

let fallback: Context | undefined;

/** The context used when none is given: core's own extensions only, created on first use. */
export function defaultContext(): Context {
  fallback ??= createContext();
  return fallback;
}
