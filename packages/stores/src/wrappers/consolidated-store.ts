import {
  childrenOf,
  InvalidMetadataError,
  isJsonObject,
  isListable,
  type JsonObject,
  parseJson,
  type Store,
  type StoreGetOptions,
  stringifyJson,
  UnsupportedFeatureError,
} from "@zarrkit/core";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A read view of a hierarchy whose root `zarr.json` carries v3 inline consolidated metadata
 * (`"consolidated_metadata": {"kind": "inline", "metadata": {path: document}}`): every node's
 * metadata is answered from that one document, and children are listed from it, so even a
 * store that cannot list (HTTP) opens the whole hierarchy with one request. Other keys (chunks)
 * pass through.
 */
export class ConsolidatedStore {
  readonly store: Store;
  /** Node path -> zarr.json bytes, the root included. */
  readonly #documents: Map<string, Uint8Array>;
  readonly capabilities;

  private constructor(store: Store, documents: Map<string, Uint8Array>) {
    this.store = store;
    this.#documents = documents;
    this.capabilities = {
      readable: true,
      writable: false,
      listable: true,
      ranges: store.capabilities?.ranges ?? false,
    };
  }

  /** Reads the root document once; undefined when it holds no consolidated metadata. */
  static async open(store: Store): Promise<ConsolidatedStore | undefined> {
    const root = await store.get("zarr.json");
    if (root === undefined) return undefined;
    const doc = parseJson(decoder.decode(root));
    const consolidated = isJsonObject(doc) ? doc.consolidated_metadata : undefined;
    if (!isJsonObject(consolidated)) return undefined;
    if (consolidated.kind !== "inline" || !isJsonObject(consolidated.metadata)) {
      throw new InvalidMetadataError(
        'zarr.json: consolidated_metadata must be {"kind": "inline", "metadata": {...}}',
      );
    }
    const documents = new Map<string, Uint8Array>([["", root]]);
    for (const [path, node] of Object.entries(consolidated.metadata)) {
      if (!isJsonObject(node))
        throw new InvalidMetadataError(
          `zarr.json: consolidated_metadata.metadata["${path}"] must be an object`,
        );
      documents.set(path.replace(/^\/+|\/+$/g, ""), encoder.encode(stringifyJson(node, 2)));
    }
    return new ConsolidatedStore(store, documents);
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    if (key === "zarr.json" || key.endsWith("/zarr.json")) {
      const doc = this.#documents.get(key.slice(0, -"zarr.json".length).replace(/\/$/, ""));
      if (doc !== undefined)
        return options.range === undefined ? doc.slice() : this.store.get(key, options);
    }
    return this.store.get(key, options);
  }

  async *list(prefix: string): AsyncIterable<string> {
    for (const path of [...this.#documents.keys()].sort()) {
      const key = path === "" ? "zarr.json" : `${path}/zarr.json`;
      if (key.startsWith(prefix)) yield key;
    }
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    for await (const key of this.list(prefix)) keys.push(key);
    return childrenOf(keys, prefix);
  }
}

/**
 * Gathers every node's `zarr.json` below the root into the root group's inline consolidated
 * metadata (the form zarr-python 3 writes). The store must list.
 */
export async function writeConsolidatedMetadata(store: Store): Promise<void> {
  if (!isListable(store) || store.set === undefined) {
    throw new UnsupportedFeatureError(
      "consolidating metadata needs a store that can list and write",
    );
  }
  const rootBytes = await store.get("zarr.json");
  const root = rootBytes === undefined ? undefined : parseJson(decoder.decode(rootBytes));
  if (!isJsonObject(root) || root.node_type !== "group")
    throw new InvalidMetadataError("consolidated metadata needs a group at the root");
  const metadata: JsonObject = {};
  const keys: string[] = [];
  for await (const key of store.list("")) if (key.endsWith("/zarr.json")) keys.push(key);
  for (const key of keys.sort()) {
    const bytes = await store.get(key);
    if (bytes !== undefined)
      metadata[key.slice(0, -"/zarr.json".length)] = parseJson(decoder.decode(bytes));
  }
  const { consolidated_metadata: _old, ...rest } = root;
  const doc: JsonObject = {
    ...rest,
    consolidated_metadata: { kind: "inline", must_understand: false, metadata },
  };
  await store.set("zarr.json", encoder.encode(`${stringifyJson(doc, 2)}\n`));
}
