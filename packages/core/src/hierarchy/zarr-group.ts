import type { Context } from "../context/context.js";
import { UnsupportedFeatureError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import type { GroupMetadata } from "../metadata/array-metadata.js";
import { isListable, isWritable, type Store } from "../store/store.js";
import {
  readStoredNode,
  storedNodeType,
  writeNodeMetadata,
  writeV2Attributes,
} from "./node-metadata-io.js";
import { keyIn } from "./node-path.js";

export interface ChildEntry {
  readonly name: string;
  readonly kind: "array" | "group";
}

/** A Zarr group (v3 `zarr.json`, or v2 `.zgroup` + `.zattrs`). */
export class ZarrGroup {
  readonly kind = "group";
  readonly zarrFormat: 2 | 3;
  readonly store: Store;
  readonly path: string;
  readonly context: Context;
  #metadata: GroupMetadata;

  constructor(
    store: Store,
    path: string,
    metadata: GroupMetadata,
    context: Context,
    zarrFormat: 2 | 3 = 3,
  ) {
    this.zarrFormat = zarrFormat;
    this.store = store;
    this.path = path;
    this.#metadata = metadata;
    this.context = context;
  }

  get metadata(): GroupMetadata {
    return this.#metadata;
  }
  get attributes(): JsonObject {
    return this.#metadata.attributes ?? {};
  }

  async setAttributes(attributes: JsonObject): Promise<void> {
    if (!isWritable(this.store))
      throw new UnsupportedFeatureError(`group "${this.path}": the store is read-only`, {
        path: this.path,
      });
    const metadata: GroupMetadata = { ...this.#metadata, attributes };
    if (this.zarrFormat === 2) await writeV2Attributes(this.store, this.path, attributes);
    else await writeNodeMetadata(this.store, this.path, metadata);
    this.#metadata = metadata;
  }

  /** The arrays and groups directly below this group (needs a listable store). */
  async children(): Promise<ChildEntry[]> {
    if (!isListable(this.store)) {
      throw new UnsupportedFeatureError(
        `group "${this.path}": the store cannot list, so children are unknown`,
        { path: this.path },
      );
    }
    const { prefixes } = await this.store.listDir(this.path === "" ? "" : `${this.path}/`);
    const entries = await Promise.all(
      prefixes.map(async (prefix): Promise<ChildEntry | undefined> => {
        const name = prefix.slice(0, -1);
        const node = await readStoredNode(this.store, keyIn(this.path, name));
        return node === undefined ? undefined : { name, kind: storedNodeType(node) };
      }),
    );
    return entries.filter((e): e is ChildEntry => e !== undefined);
  }
}
