import { InvalidMetadataError, isZarrkitError, StoreError } from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import { parseJson, stringifyJson } from "../json/lossless-json.js";
import {
  type NodeMetadata,
  nodeMetadataToJson,
  parseNodeMetadata,
} from "../metadata/array-metadata.js";
import {
  parseV2ArrayMetadata,
  parseV2Attributes,
  parseV2GroupMetadata,
  type V2ArrayMetadata,
  v2ArrayMetadataToJson,
} from "../metadata/v2-metadata.js";
import type { Store, WritableStore } from "../store/store.js";
import { keyIn } from "./node-path.js";

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Reads a JSON document; undefined when the key is absent. Errors name the key. */
async function readJson(
  store: Store,
  path: string,
  key: string,
  signal?: AbortSignal,
): Promise<JsonValue | undefined> {
  const bytes = await store.get(key, signal === undefined ? {} : { signal });
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (err) {
    throw new InvalidMetadataError(`${key} is not valid UTF-8`, { path, key, cause: err });
  }
  try {
    return parseJson(text);
  } catch (err) {
    throw new InvalidMetadataError(
      `${key} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      { path, key, cause: err },
    );
  }
}

/** Reads and validates `zarr.json` at `path`; undefined when there is none. */
export async function readNodeMetadata(
  store: Store,
  path: string,
  signal?: AbortSignal,
): Promise<NodeMetadata | undefined> {
  const doc = await readJson(store, path, keyIn(path, "zarr.json"), signal);
  return doc === undefined ? undefined : parseNodeMetadata(doc, path);
}

/** A node as stored, in either format. */
export type StoredNode =
  | { readonly zarrFormat: 3; readonly metadata: NodeMetadata }
  | {
      readonly zarrFormat: 2;
      readonly nodeType: "array";
      readonly metadata: V2ArrayMetadata;
      readonly attributes: JsonObject;
    }
  | { readonly zarrFormat: 2; readonly nodeType: "group"; readonly attributes: JsonObject };

export function storedNodeType(node: StoredNode): "array" | "group" {
  return node.zarrFormat === 3 ? node.metadata.nodeType : node.nodeType;
}

/**
 * The node at `path`: v3 (`zarr.json`) first, then v2 (`.zarray`, then `.zgroup`, with
 * `.zattrs`), unless `zarrFormat` says which. Undefined when there is none.
 */
export async function readStoredNode(
  store: Store,
  path: string,
  options: { zarrFormat?: 2 | 3; signal?: AbortSignal } = {},
): Promise<StoredNode | undefined> {
  const { zarrFormat, signal } = options;
  if (zarrFormat !== 2) {
    const metadata = await readNodeMetadata(store, path, signal);
    if (metadata !== undefined || zarrFormat === 3)
      return metadata === undefined ? undefined : { zarrFormat: 3, metadata };
  }
  const attributes = async () => {
    const doc = await readJson(store, path, keyIn(path, ".zattrs"), signal);
    return doc === undefined ? {} : parseV2Attributes(doc, path);
  };
  const array = await readJson(store, path, keyIn(path, ".zarray"), signal);
  if (array !== undefined) {
    const metadata = parseV2ArrayMetadata(array, path);
    return { zarrFormat: 2, nodeType: "array", metadata, attributes: await attributes() };
  }
  const group = await readJson(store, path, keyIn(path, ".zgroup"), signal);
  if (group === undefined) return undefined;
  parseV2GroupMetadata(group, path);
  return { zarrFormat: 2, nodeType: "group", attributes: await attributes() };
}

export function serializeNodeMetadata(metadata: NodeMetadata): Uint8Array {
  return encoder.encode(`${stringifyJson(nodeMetadataToJson(metadata), 2)}\n`);
}

export async function writeNodeMetadata(
  store: WritableStore,
  path: string,
  metadata: NodeMetadata,
): Promise<void> {
  await writeKey(store, path, keyIn(path, "zarr.json"), serializeNodeMetadata(metadata));
}

/** Writes `.zarray` and, when given, `.zattrs`. */
export async function writeV2ArrayMetadata(
  store: WritableStore,
  path: string,
  metadata: V2ArrayMetadata,
  attributes?: JsonObject,
): Promise<void> {
  await writeKey(store, path, keyIn(path, ".zarray"), jsonBytes(v2ArrayMetadataToJson(metadata)));
  if (attributes !== undefined) await writeV2Attributes(store, path, attributes);
}

export async function writeV2Group(
  store: WritableStore,
  path: string,
  attributes?: JsonObject,
): Promise<void> {
  await writeKey(store, path, keyIn(path, ".zgroup"), jsonBytes({ zarr_format: 2 }));
  if (attributes !== undefined) await writeV2Attributes(store, path, attributes);
}

export async function writeV2Attributes(
  store: WritableStore,
  path: string,
  attributes: JsonObject,
): Promise<void> {
  await writeKey(store, path, keyIn(path, ".zattrs"), jsonBytes(attributes));
}

/** A v2 document as zarr-python writes them: four-space indents, ASCII only. */
function jsonBytes(doc: JsonObject): Uint8Array {
  return encoder.encode(`${stringifyJson(doc, 4, { ascii: true })}\n`);
}

async function writeKey(
  store: WritableStore,
  path: string,
  key: string,
  bytes: Uint8Array,
): Promise<void> {
  try {
    await store.set(key, bytes);
  } catch (err) {
    if (isZarrkitError(err)) throw err;
    throw new StoreError(
      `writing ${key} failed: ${err instanceof Error ? err.message : String(err)}`,
      { path, key, cause: err },
    );
  }
}
