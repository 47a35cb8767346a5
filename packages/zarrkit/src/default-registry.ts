import { codecsExtension } from "@zarrkit/codecs";
import {
  type Context,
  type ContextOptions,
  coreExtension,
  createContext,
  createRegistry,
  type Registry,
} from "@zarrkit/core";
import { shardingExtension } from "@zarrkit/sharding";
import { storesExtension } from "@zarrkit/stores";
import { hugePageAllocator, loadNativeMemory } from "./huge-page-allocator.js";
import { WorkerPool, type WorkerPoolOptions } from "./workers/worker-pool.js";

const nativeMemory = await loadNativeMemory();

/** A registry holding core's extensions and every default extension package's. */
export function createDefaultRegistry(): Registry {
  return createRegistry(coreExtension, codecsExtension, shardingExtension, storesExtension);
}

export interface DefaultContextOptions extends Omit<ContextOptions, "registry"> {
  /**
   * Decompress chunks on worker threads (default: on, unless ZARRKIT_WORKERS=0): false, or the
   * pool's options. Chunks under `minBytes` stay on the calling thread.
   */
  workers?: boolean | WorkerPoolOptions;
}

/**
 * A context over a fresh default registry, with a worker pool for codecs unless told not to,
 * and (where @zarrkit/native is built) large results allocated on huge pages unless an
 * `allocator` is given.
 */
export function createDefaultContext(options: DefaultContextOptions = {}): Context {
  const { workers, ...rest } = options;
  const registry = createDefaultRegistry();
  const wanted = workers ?? process.env.ZARRKIT_WORKERS !== "0";
  const codecRunner =
    rest.codecRunner ??
    (wanted === false ? undefined : new WorkerPool(registry, wanted === true ? {} : wanted));
  const allocator =
    rest.allocator ?? (nativeMemory === undefined ? undefined : hugePageAllocator(nativeMemory));
  return createContext({
    ...rest,
    ...(allocator === undefined ? {} : { allocator }),
    registry,
    ...(codecRunner === undefined ? {} : { codecRunner }),
  });
}

let shared: Context | undefined;

/** The context zarrkit's `open`/`create*` use when none is given; created on first use. */
export function defaultZarrkitContext(): Context {
  shared ??= createDefaultContext();
  return shared;
}
