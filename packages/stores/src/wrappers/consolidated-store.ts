import {
  childrenOf,
  copyBytes,
  expandRuns,
  InvalidMetadataError,
  isJsonObject,
  isListable,
  type JsonObject,
  type JsonValue,
  parseJson,
  type Store,
  type StoreGetOptions,
  type StridedRuns,
  stringifyJson,
  UnsupportedFeatureError,
} from "@zarrkit/core";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const METADATA_NAMES = ["zarr.json", ".zarray", ".zgroup", ".zattrs", ".zmetadata"];

function parseDocument(bytes: Uint8Array, key: string): JsonValue {
  try {
    return parseJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new InvalidMetadataError(
      `${key} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      { key, cause: err },
    );
  }
}

function isMetadataKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return METADATA_NAMES.includes(name);
}

/**
 * A read view of a hierarchy with consolidated metadata: v3 inline (the root `zarr.json`'s
 * `"consolidated_metadata": {"kind": "inline", "metadata": {path: document}}`) or v2
 * (`.zmetadata`: `{"zarr_consolidated_format": 1, "metadata": {key: document}}`). Every node's
 * metadata is answered from that one document, which is taken as complete (a metadata key it
 * lacks is absent, with no request), and children are listed from it, so even a store that
 * cannot list (HTTP) opens the whole hierarchy with one or two requests. Chunks pass through.
 */
export class ConsolidatedStore {
  readonly store: Store;
  /** Store key -> metadata document bytes. */
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
      versionedReads: store.capabilities?.versionedReads ?? false,
    };
  }

  /** Reads the consolidated document; undefined when the hierarchy has none. */
  static async open(store: Store): Promise<ConsolidatedStore | undefined> {
    const root = await store.get("zarr.json");
    if (root !== undefined) return ConsolidatedStore.#fromV3(store, root);
    const zmetadata = await store.get(".zmetadata");
    return zmetadata === undefined ? undefined : ConsolidatedStore.#fromV2(store, zmetadata);
  }

  static #fromV3(store: Store, root: Uint8Array): ConsolidatedStore | undefined {
    const doc = parseDocument(root, "zarr.json");
    const consolidated = isJsonObject(doc) ? doc.consolidated_metadata : undefined;
    if (!isJsonObject(consolidated)) return undefined;
    if (consolidated.kind !== "inline" || !isJsonObject(consolidated.metadata)) {
      throw new InvalidMetadataError(
        'zarr.json: consolidated_metadata must be {"kind": "inline", "metadata": {...}}',
        { key: "zarr.json" },
      );
    }
    const documents = new Map<string, Uint8Array>([["zarr.json", root]]);
    for (const [path, node] of Object.entries(consolidated.metadata)) {
      if (!isJsonObject(node))
        throw new InvalidMetadataError(
          `zarr.json: consolidated_metadata.metadata["${path}"] must be an object`,
          { key: "zarr.json" },
        );
      const trimmed = path.replace(/^\/+|\/+$/g, "");
      documents.set(
        trimmed === "" ? "zarr.json" : `${trimmed}/zarr.json`,
        encoder.encode(stringifyJson(node, 2)),
      );
    }
    return new ConsolidatedStore(store, documents);
  }

  static #fromV2(store: Store, bytes: Uint8Array): ConsolidatedStore {
    const doc = parseDocument(bytes, ".zmetadata");
    if (!isJsonObject(doc) || !isJsonObject(doc.metadata) || doc.zarr_consolidated_format !== 1)
      throw new InvalidMetadataError(
        '.zmetadata must be {"zarr_consolidated_format": 1, "metadata": {...}}',
        { key: ".zmetadata" },
      );
    const documents = new Map<string, Uint8Array>([[".zmetadata", bytes]]);
    for (const [key, node] of Object.entries(doc.metadata)) {
      if (!isMetadataKey(key) || !isJsonObject(node))
        throw new InvalidMetadataError(
          `.zmetadata: metadata["${key}"] must be a .zarray, .zgroup or .zattrs object`,
          { key: ".zmetadata" },
        );
      documents.set(key, encoder.encode(stringifyJson(node, 2)));
    }
    return new ConsolidatedStore(store, documents);
  }

  async get(key: string, options: StoreGetOptions = {}): Promise<Uint8Array | undefined> {
    if (isMetadataKey(key) && options.range === undefined) {
      const document = this.#documents.get(key);
      return document === undefined ? undefined : copyBytes(document);
    }
    return this.store.get(key, options);
  }

  /** The wrapped store's file for a chunk; metadata lives in the consolidated document. */
  localFile(key: string): string | undefined {
    return isMetadataKey(key) ? undefined : this.store.localFile?.(key);
  }

  /** Chunks are read into lent memory by the wrapped store when it can; metadata is copied. */
  async getWith(
    key: string,
    lend: (size: number) => Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<Uint8Array | undefined> {
    if (!isMetadataKey(key) && this.store.getWith !== undefined)
      return this.store.getWith(key, lend, options);
    const value = await this.get(key, options);
    if (value === undefined) return undefined;
    const into = lend(value.length);
    into.set(value);
    return into;
  }

  /** getInto for strided targets, forwarded for chunks when the wrapped store takes them. */
  async getIntoStrided(
    key: string,
    targets: StridedRuns,
    options: { signal?: AbortSignal } = {},
  ): Promise<number | undefined> {
    if (!isMetadataKey(key) && this.store.getIntoStrided !== undefined)
      return this.store.getIntoStrided(key, targets, options);
    return this.getInto(key, expandRuns(targets), options);
  }

  /** Chunks are scatter-read by the wrapped store when it can; metadata is copied. */
  async getInto(
    key: string,
    targets: readonly Uint8Array[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number | undefined> {
    if (!isMetadataKey(key) && this.store.getInto !== undefined)
      return this.store.getInto(key, targets, options);
    const value = await this.get(key, options);
    if (value === undefined) return undefined;
    if (value.length === targets.reduce((n, t) => n + t.length, 0)) {
      let at = 0;
      for (const target of targets) {
        target.set(value.subarray(at, at + target.length));
        at += target.length;
      }
    }
    return value.length;
  }

  async *list(prefix: string): AsyncIterable<string> {
    for (const key of [...this.#documents.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }

  async listDir(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    for await (const key of this.list(prefix)) keys.push(key);
    return childrenOf(keys, prefix);
  }
}

/**
 * Gathers every node's metadata below the root into one document: for a v3 root group, its
 * inline consolidated metadata (the form zarr-python 3 writes); for a v2 root (`.zgroup`),
 * `.zmetadata` (the form zarr-python 2 writes). The store must list.
 */
export async function writeConsolidatedMetadata(store: Store): Promise<void> {
  if (!isListable(store) || store.set === undefined) {
    throw new UnsupportedFeatureError(
      "consolidating metadata needs a store that can list and write",
    );
  }
  if ((await store.get(".zgroup")) !== undefined && (await store.get("zarr.json")) === undefined) {
    const metadata: JsonObject = {};
    const keys: string[] = [];
    for await (const key of store.list(""))
      if (isMetadataKey(key) && !key.endsWith(".zmetadata") && !key.endsWith("zarr.json"))
        keys.push(key);
    for (const key of keys.sort()) {
      const bytes = await store.get(key);
      if (bytes !== undefined) metadata[key] = parseJson(decoder.decode(bytes));
    }
    const doc: JsonObject = { metadata, zarr_consolidated_format: 1 };
    // ASCII only: zarr-python 2 reads .zmetadata as ASCII.
    await store.set(".zmetadata", encoder.encode(`${stringifyJson(doc, 4, { ascii: true })}\n`));
    return;
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
