import {
  type Context,
  type CreateArrayOptions,
  type CreateGroupOptions,
  createArray as coreCreateArray,
  createGroup as coreCreateGroup,
  deleteNode as coreDeleteNode,
  open as coreOpen,
  openArray as coreOpenArray,
  openGroup as coreOpenGroup,
  type OpenOptions,
  type Store,
  type ZarrArray,
  type ZarrGroup,
} from "@zarrkit/core";
import { ConsolidatedStore } from "@zarrkit/stores";
import { defaultZarrkitContext } from "./default-registry.js";
import { storeForLocation } from "./location.js";

export * from "@zarrkit/codecs";
export * from "@zarrkit/core";
export * from "@zarrkit/sharding";
export * from "@zarrkit/stores";
export {
  createDefaultContext,
  createDefaultRegistry,
  type DefaultContextOptions,
  defaultZarrkitContext,
} from "./default-registry.js";
export { storeForLocation } from "./location.js";
export { WorkerPool, type WorkerPoolOptions } from "./workers/worker-pool.js";

// The same entry points as core's, defaulting to a context with every default extension, and
// taking a location string ("https://...", "zip:a.zip#g", a path) as well as a store.

type Where = Store | string;

/** Reading by location: a hierarchy's consolidated metadata is used unless `consolidated: false`. */
export interface LocationOpenOptions extends OpenOptions {
  consolidated?: boolean;
}

async function resolve(
  where: Where,
  options: LocationOpenOptions,
  writable = false,
): Promise<{ store: Store; context: Context }> {
  const context = options.context ?? defaultZarrkitContext();
  if (typeof where !== "string") return { store: where, context };
  const store = await storeForLocation(where, context, { writable });
  // One document (zarr.json's inline metadata or .zmetadata) then answers every node.
  if (!writable && options.consolidated !== false) {
    const consolidated = await ConsolidatedStore.open(store);
    if (consolidated !== undefined) return { store: consolidated, context };
  }
  return { store, context };
}

export async function open(
  where: Where,
  path = "",
  options: LocationOpenOptions = {},
): Promise<ZarrArray | ZarrGroup> {
  const { store, context } = await resolve(where, options);
  return coreOpen(store, path, { ...options, context });
}

export async function openArray<D extends string = string>(
  where: Where,
  path = "",
  options: LocationOpenOptions & { dataType?: D } = {},
): Promise<ZarrArray<D>> {
  const { store, context } = await resolve(where, options);
  return coreOpenArray(store, path, { ...options, context });
}

export async function openGroup(
  where: Where,
  path = "",
  options: LocationOpenOptions = {},
): Promise<ZarrGroup> {
  const { store, context } = await resolve(where, options);
  return coreOpenGroup(store, path, { ...options, context });
}

export async function createArray<D extends string>(
  where: Where,
  path: string,
  options: CreateArrayOptions<D>,
): Promise<ZarrArray<D>> {
  const { store, context } = await resolve(where, options, true);
  return coreCreateArray(store, path, { ...options, context });
}

export async function createGroup(
  where: Where,
  path = "",
  options: CreateGroupOptions = {},
): Promise<ZarrGroup> {
  const { store, context } = await resolve(where, options, true);
  return coreCreateGroup(store, path, { ...options, context });
}

/** Deletes the array or group at `path` of a store or location, and everything below it. */
export async function deleteNode(
  where: Where,
  path = "",
  options: { context?: Context } = {},
): Promise<void> {
  const { store } = await resolve(where, options, true);
  return coreDeleteNode(store, path);
}
