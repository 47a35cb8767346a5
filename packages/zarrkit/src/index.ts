import {
  type CreateArrayOptions,
  type CreateGroupOptions,
  createArray as coreCreateArray,
  createGroup as coreCreateGroup,
  open as coreOpen,
  openArray as coreOpenArray,
  openGroup as coreOpenGroup,
  type OpenOptions,
  type Store,
  type ZarrArray,
  type ZarrGroup,
} from "@zarrkit/core";
import { defaultZarrkitContext } from "./default-registry.js";

export * from "@zarrkit/codecs";
export * from "@zarrkit/core";
export * from "@zarrkit/sharding";
export * from "@zarrkit/stores";
export {
  createDefaultContext,
  createDefaultRegistry,
  defaultZarrkitContext,
} from "./default-registry.js";

// The same entry points as core's, but defaulting to a context with every default extension.

export function open(
  store: Store,
  path = "",
  options: OpenOptions = {},
): Promise<ZarrArray | ZarrGroup> {
  return coreOpen(store, path, { ...options, context: options.context ?? defaultZarrkitContext() });
}

export function openArray<D extends string = string>(
  store: Store,
  path = "",
  options: OpenOptions & { dataType?: D } = {},
): Promise<ZarrArray<D>> {
  return coreOpenArray(store, path, {
    ...options,
    context: options.context ?? defaultZarrkitContext(),
  });
}

export function openGroup(store: Store, path = "", options: OpenOptions = {}): Promise<ZarrGroup> {
  return coreOpenGroup(store, path, {
    ...options,
    context: options.context ?? defaultZarrkitContext(),
  });
}

export function createArray<D extends string>(
  store: Store,
  path: string,
  options: CreateArrayOptions<D>,
): Promise<ZarrArray<D>> {
  return coreCreateArray(store, path, {
    ...options,
    context: options.context ?? defaultZarrkitContext(),
  });
}

export function createGroup(
  store: Store,
  path = "",
  options: CreateGroupOptions = {},
): Promise<ZarrGroup> {
  return coreCreateGroup(store, path, {
    ...options,
    context: options.context ?? defaultZarrkitContext(),
  });
}
