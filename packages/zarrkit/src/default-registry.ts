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

/** A registry holding core's extensions and every default extension package's. */
export function createDefaultRegistry(): Registry {
  return createRegistry(coreExtension, codecsExtension, shardingExtension, storesExtension);
}

/** A context over a fresh default registry. */
export function createDefaultContext(options: Omit<ContextOptions, "registry"> = {}): Context {
  return createContext({ ...options, registry: createDefaultRegistry() });
}

let shared: Context | undefined;

/** The context zarrkit's `open`/`create*` use when none is given; created on first use. */
export function defaultZarrkitContext(): Context {
  shared ??= createDefaultContext();
  return shared;
}
