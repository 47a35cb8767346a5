import { type Context, MemoryStore, type Store, UnknownExtensionError } from "@zarrkit/core";

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * The store a location string leads to, rooted at the node itself (a node's keys are all below
 * it, so nothing above needs reading): `https://host/x.zarr/t`, `s3://bucket/x.zarr`,
 * `zip:archive.zip#group/array`, `file:///data/x.zarr` or a plain filesystem path, and
 * `memory:` (a fresh in-process store). Schemes are looked up in the context's registry; stores
 * open read-only unless `writable`.
 */
export async function storeForLocation(
  location: string,
  context: Context,
  options: { writable?: boolean } = {},
): Promise<Store> {
  if (location.startsWith("memory:")) return new MemoryStore();
  // One-letter "schemes" are Windows drive letters: those are paths.
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  const name = scheme ?? "file";
  const extension = context.registry.find("store", name);
  if (extension === undefined) {
    throw new UnknownExtensionError(
      `no store is registered for "${name}:" locations (${location})`,
    );
  }
  return extension.open(location, { writable: options.writable ?? false });
}
