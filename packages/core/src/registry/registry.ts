import type { DataType } from "../data-types/data-type.js";
import { ExtensionConflictError, UnknownExtensionError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import type {
  ChunkGridExtension,
  ChunkKeyEncodingExtension,
  CodecExtension,
  DataTypeExtension,
  Extension,
  ExtensionObject,
  StoreExtension,
} from "./extension.js";
import { extensionObjects } from "./extension.js";

export interface RegisterOptions {
  /** Replace an extension already registered under the same name (or scheme). */
  override?: boolean;
}

/** Undoes one `register` call (restoring anything it overrode). */
export type Unregister = () => void;

type KindMap = {
  codec: CodecExtension;
  "chunk-grid": ChunkGridExtension;
  "chunk-key-encoding": ChunkKeyEncodingExtension;
  "data-type": DataTypeExtension;
  store: StoreExtension;
};
type Kind = keyof KindMap;

/**
 * The one place extensions are looked up: codecs, chunk grids, chunk-key encodings, data types
 * and stores, ours and third parties' alike. Nothing registers itself at import time.
 */
export class Registry {
  // Per kind: lookup name (or alias / scheme) -> extension.
  readonly #tables: { [K in Kind]: Map<string, KindMap[K]> } = {
    codec: new Map(),
    "chunk-grid": new Map(),
    "chunk-key-encoding": new Map(),
    "data-type": new Map(),
    store: new Map(),
  };
  readonly #bundles: Extension[] = [];

  /** Registers one extension object or a whole bundle. */
  register(item: ExtensionObject | Extension, options: RegisterOptions = {}): Unregister {
    if (!("kind" in item)) return this.#registerBundle(item, options);
    const table = this.#tables[item.kind] as Map<string, ExtensionObject>;
    const names = lookupNames(item);
    if (!options.override) {
      for (const name of names) {
        if (table.has(name)) {
          throw new ExtensionConflictError(
            `a ${item.kind} named "${name}" is already registered (pass {override: true} to replace it)`,
          );
        }
      }
    }
    const previous = names.map((name) => [name, table.get(name)] as const);
    for (const name of names) table.set(name, item);
    return () => {
      for (const [name, old] of previous) {
        if (table.get(name) !== item) continue;
        if (old === undefined) table.delete(name);
        else table.set(name, old);
      }
    };
  }

  #registerBundle(bundle: Extension, options: RegisterOptions): Unregister {
    const undos: Unregister[] = [];
    try {
      for (const item of extensionObjects(bundle)) undos.push(this.register(item, options));
    } catch (err) {
      for (const undo of undos.reverse()) undo();
      throw err;
    }
    this.#bundles.push(bundle);
    return () => {
      for (const undo of undos.reverse()) undo();
      const at = this.#bundles.indexOf(bundle);
      if (at !== -1) this.#bundles.splice(at, 1);
    };
  }

  find<K extends Kind>(kind: K, name: string): KindMap[K] | undefined {
    const found = this.#tables[kind].get(name);
    if (found !== undefined || kind !== "data-type") return found;
    // Data type families (r8, r16, ...) match by predicate.
    for (const ext of this.#tables["data-type"].values())
      if (ext.matches?.(name)) return ext as KindMap[K];
    return undefined;
  }

  get<K extends Kind>(kind: K, name: string, where?: { path?: string }): KindMap[K] {
    const found = this.find(kind, name);
    if (found === undefined) {
      const known = [...new Set(this.#tables[kind].keys())].sort().join(", ") || "none";
      throw new UnknownExtensionError(`unknown ${kind} "${name}" (registered: ${known})`, {
        path: where?.path,
      });
    }
    return found;
  }

  /**
   * The data type `name` with `configuration`, built by its extension; the types it is made
   * of (a struct's fields) are looked up here too. UnknownExtensionError names `where.path`.
   */
  dataType(name: string, configuration?: JsonObject, where?: { path?: string }): DataType {
    return this.get("data-type", name, where).fromConfig(name, configuration, (n, c) =>
      this.dataType(n, c, where),
    );
  }

  /** Every distinct extension of a kind, in registration order. */
  list<K extends Kind>(kind: K): KindMap[K][] {
    return [...new Set(this.#tables[kind].values())];
  }

  /** The bundles registered whole, e.g. to rebuild this registry in a worker from their modules. */
  bundles(): readonly Extension[] {
    return [...this.#bundles];
  }
}

function lookupNames(item: ExtensionObject): string[] {
  switch (item.kind) {
    case "codec":
      return [item.name, ...(item.aliases ?? [])];
    case "store":
      return [...item.schemes];
    default:
      return [item.name];
  }
}

/** A registry with the given extensions (nothing else). */
export function createRegistry(...extensions: readonly (Extension | ExtensionObject)[]): Registry {
  const registry = new Registry();
  for (const extension of extensions) registry.register(extension);
  return registry;
}
