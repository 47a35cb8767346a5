import { InvalidMetadataError, isZarrkitError, StoreError } from "../errors/errors.js";
import { parseJson, stringifyJson } from "../json/lossless-json.js";
import {
  type NodeMetadata,
  nodeMetadataToJson,
  parseNodeMetadata,
} from "../metadata/array-metadata.js";
import type { Store, WritableStore } from "../store/store.js";
import { keyIn } from "./node-path.js";

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Reads and validates `zarr.json` at `path`; undefined when there is none. */
export async function readNodeMetadata(
  store: Store,
  path: string,
  signal?: AbortSignal,
): Promise<NodeMetadata | undefined> {
  const key = keyIn(path, "zarr.json");
  const bytes = await store.get(key, signal === undefined ? {} : { signal });
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (err) {
    throw new InvalidMetadataError(`${key} is not valid UTF-8`, { path, key, cause: err });
  }
  let doc: ReturnType<typeof parseJson>;
  try {
    doc = parseJson(text);
  } catch (err) {
    throw new InvalidMetadataError(
      `${key} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      { path, key, cause: err },
    );
  }
  return parseNodeMetadata(doc, path);
}

export function serializeNodeMetadata(metadata: NodeMetadata): Uint8Array {
  return encoder.encode(`${stringifyJson(nodeMetadataToJson(metadata), 2)}\n`);
}

export async function writeNodeMetadata(
  store: WritableStore,
  path: string,
  metadata: NodeMetadata,
): Promise<void> {
  const key = keyIn(path, "zarr.json");
  try {
    await store.set(key, serializeNodeMetadata(metadata));
  } catch (err) {
    if (isZarrkitError(err)) throw err;
    throw new StoreError(
      `writing ${key} failed: ${err instanceof Error ? err.message : String(err)}`,
      { path, key, cause: err },
    );
  }
}
