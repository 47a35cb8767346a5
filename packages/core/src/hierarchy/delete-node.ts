import { NodeNotFoundError, UnsupportedFeatureError } from "../errors/errors.js";
import {
  isListable,
  isWritable,
  type ListableStore,
  type Store,
  type WritableStore,
} from "../store/store.js";
import { readStoredNode } from "./node-metadata-io.js";
import { normalizeNodePath } from "./node-path.js";

/** The documents that make a prefix a node, v3 and v2. */
const METADATA_NAMES = new Set(["zarr.json", ".zarray", ".zgroup", ".zattrs", ".zmetadata"]);

/**
 * Deletes the array or group at `path` and everything below it: chunks, children, their
 * metadata. Chunks go first and the metadata documents last, deepest first, so a delete cut
 * short leaves a node that reads (with missing chunks as the fill value) and can be deleted
 * again, never chunks without a node that a new array there would read as its own. Needs a
 * store that can list and write; consolidated metadata above the node is not updated.
 */
export async function deleteNode(store: Store, path = ""): Promise<void> {
  const nodePath = normalizeNodePath(path);
  if (!isWritable(store) || !isListable(store))
    throw new UnsupportedFeatureError(
      `cannot delete "${nodePath}": the store must be writable and listable`,
      { path: nodePath },
    );
  if ((await readStoredNode(store, nodePath).catch(() => "unreadable")) === undefined)
    throw new NodeNotFoundError(`no array or group at "${nodePath}"`, { path: nodePath });
  await deleteKeysBelow(store, nodePath);
}

/** Deletes every key of the node at `path` and below it, metadata documents last. */
export async function deleteKeysBelow(
  store: ListableStore & WritableStore,
  path: string,
): Promise<void> {
  const prefix = path === "" ? "" : `${path}/`;
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  const isMetadata = (key: string) => METADATA_NAMES.has(key.slice(key.lastIndexOf("/") + 1));
  await Promise.all(keys.filter((key) => !isMetadata(key)).map((key) => store.delete(key)));
  const depth = (key: string) => key.split("/").length;
  for (const key of keys.filter(isMetadata).sort((a, b) => depth(b) - depth(a)))
    await store.delete(key);
  await store.deletePrefix?.(prefix);
}
