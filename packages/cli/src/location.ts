import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { MemoryStore, type Registry, type Store, UnknownExtensionError } from "zarrkit";

/** Where a LOCATION (CONTRACTS.md, "Locations") leads: a store rooted at the node. */
export interface ResolvedLocation {
  readonly store: Store;
  /** The node's path inside `store` ("" when the store is rooted at the node itself). */
  readonly path: string;
  /** The location as given, for messages. */
  readonly display: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Turns a LOCATION into a store. Filesystem paths and URLs are rooted at the node itself: a
 * node's chunk keys are relative to it, so nothing above it needs to be read.
 */
export async function resolveLocation(
  location: string,
  registry: Registry,
  options: { writable: boolean },
): Promise<ResolvedLocation> {
  if (location === "memory:" || location.startsWith("memory:")) {
    return { store: new MemoryStore(), path: "", display: location };
  }
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  // A plain path (one-letter "schemes" are Windows drive letters) is a file: URL.
  const url = scheme === undefined ? pathToFileURL(resolvePath(location)).href : location;
  const name = scheme ?? "file";
  const extension = registry.find("store", name);
  if (extension === undefined) {
    throw new UnknownExtensionError(
      `no store is registered for "${name}:" locations (${location})`,
    );
  }
  const store = await extension.open(url, { writable: options.writable });
  return { store, path: "", display: location };
}
