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
import { largeResultAllocator } from "./large-result-allocator.js";
import { loadNativeAddon } from "./native-addon.js";
import { WorkerPool, type WorkerPoolOptions } from "./workers/worker-pool.js";

const native = await loadNativeAddon();
const nativeMemory = native?.nativeMemory;
const nativeCodecs = native?.nativeCodecs;

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
  /**
   * Offer results of 32 MiB or more to the kernel for transparent huge pages (where
   * @zarrkit/native is built; default off, or on with ZARRKIT_HUGE_PAGES=1). Whole reads of
   * large arrays then fill their result 20-35% faster, except when the huge pages must first
   * be found (compacted, or on a VM handed back by the host first: free page reporting): that
   * read takes 3-4x as long, 3 reads in 7 among other processes here. Worth it on a machine of
   * its own. Ignored when `allocator` is given.
   */
  hugePages?: boolean;
  /**
   * Have the kernel populate results of 32 MiB or more at once, beside the first chunk reads,
   * instead of one page fault per 4 KiB as chunks land (where @zarrkit/native is built, on
   * Linux 5.14+; default on, off with ZARRKIT_POPULATE=0): whole reads of 128 MiB 5-15% faster
   * on 2 cores here. Ignored when `allocator` is given.
   */
  populate?: boolean;
}

/**
 * A context over a fresh default registry, with a worker pool for codecs unless told not to,
 * and where @zarrkit/native is built: the native encoders' output reused as soon as it is
 * stored, and large results populated at once (and, when asked: `hugePages`, on huge pages).
 */
export function createDefaultContext(options: DefaultContextOptions = {}): Context {
  const { workers, hugePages, populate, ...rest } = options;
  const large = {
    hugePages: hugePages ?? process.env.ZARRKIT_HUGE_PAGES === "1",
    populate: populate ?? process.env.ZARRKIT_POPULATE !== "0",
  };
  const registry = createDefaultRegistry();
  const wanted = workers ?? process.env.ZARRKIT_WORKERS !== "0";
  const codecRunner =
    rest.codecRunner ??
    (wanted === false ? undefined : new WorkerPool(registry, wanted === true ? {} : wanted));
  const allocator =
    rest.allocator ??
    (nativeMemory === undefined || !(large.hugePages || large.populate)
      ? undefined
      : largeResultAllocator(nativeMemory, large));
  const releaseEncoded = rest.releaseEncoded ?? nativeCodecs?.release;
  return createContext({
    ...rest,
    ...(allocator === undefined ? {} : { allocator }),
    ...(releaseEncoded === undefined ? {} : { releaseEncoded }),
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
