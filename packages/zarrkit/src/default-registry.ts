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
import { hugePageAllocator } from "./huge-page-allocator.js";
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
   * large arrays then fill their result 20-35% faster, except when the kernel must compact
   * memory first: that read takes 3-4x as long, and among other processes that was 3 reads in
   * 7 here. Worth it on a machine of its own. Ignored when `allocator` is given.
   */
  hugePages?: boolean;
}

/**
 * A context over a fresh default registry, with a worker pool for codecs unless told not to,
 * and where @zarrkit/native is built: the native encoders' output reused as soon as it is
 * stored, and (when asked: `hugePages`) large results allocated on huge pages.
 */
export function createDefaultContext(options: DefaultContextOptions = {}): Context {
  const { workers, hugePages, ...rest } = options;
  const wantHugePages = hugePages ?? process.env.ZARRKIT_HUGE_PAGES === "1";
  const registry = createDefaultRegistry();
  const wanted = workers ?? process.env.ZARRKIT_WORKERS !== "0";
  const codecRunner =
    rest.codecRunner ??
    (wanted === false ? undefined : new WorkerPool(registry, wanted === true ? {} : wanted));
  const allocator =
    rest.allocator ??
    (nativeMemory === undefined || !wantHugePages ? undefined : hugePageAllocator(nativeMemory));
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
