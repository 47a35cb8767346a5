import type { ChunkGrid } from "../chunk-grids/chunk-grid.js";
import type { ChunkKeyEncoding } from "../chunk-key-encodings/chunk-key-encoding.js";
import type { Codec, CodecFactoryContext, CodecKind } from "../codecs/codec.js";
import type { DataType } from "../data-types/data-type.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { NamedConfig } from "../metadata/named-config.js";
import type { Store } from "../store/store.js";

/**
 * Everything zarrkit can be extended with is one of these objects, registered in a Registry.
 * Each carries, besides its factory, what the conformance suite needs to exercise it without
 * knowing it (`samples`, `dataTypes`, `testInstance`).
 */
export interface CodecExtension {
  readonly kind: "codec";
  readonly name: string;
  /** Other names it is found under, e.g. "numcodecs.zstd". */
  readonly aliases?: readonly string[];
  readonly codecKind: CodecKind;
  /** Validates `configuration` (errors name the codec and the field) and builds the codec. */
  fromConfig(
    configuration: JsonObject | undefined,
    context: CodecFactoryContext,
  ): Codec | Promise<Codec>;
  /** Maps a numcodecs (Zarr v2) configuration onto this codec's v3 form. */
  fromV2?(configuration: JsonObject): NamedConfig;
  /**
   * The numcodecs (Zarr v2) configuration, with its "id", for this codec's v3 configuration;
   * absent (or throwing UnsupportedFeatureError) when v2 has no equivalent.
   */
  toV2?(configuration: JsonObject | undefined): JsonObject;
  /** Configurations the conformance suite round-trips. */
  readonly samples: readonly (JsonObject | undefined)[];
  /**
   * Data types the codec accepts: a list, "all", or "fixed-size" (every type but the
   * variable-length `string` and `bytes`).
   */
  readonly dataTypes: readonly string[] | "all" | "fixed-size";
}

export interface ChunkGridExtension {
  readonly kind: "chunk-grid";
  readonly name: string;
  fromConfig(configuration: JsonObject | undefined, arrayShape: readonly number[]): ChunkGrid;
  readonly samples: readonly (JsonObject | undefined)[];
}

export interface ChunkKeyEncodingExtension {
  readonly kind: "chunk-key-encoding";
  readonly name: string;
  fromConfig(configuration: JsonObject | undefined): ChunkKeyEncoding;
  readonly samples: readonly (JsonObject | undefined)[];
}

/** A data type from its name and configuration, as metadata names one. */
export type DataTypeResolver = (name: string, configuration: JsonObject | undefined) => DataType;

export interface DataTypeExtension {
  readonly kind: "data-type";
  readonly name: string;
  /** For families of names (r8, r16, ...): whether `name` belongs to this extension. */
  matches?(name: string): boolean;
  /**
   * `resolve` gives the data types a type is made of (a struct's fields) from their names and
   * configurations: `Registry.dataType` passes one that looks them up in the same registry.
   */
  fromConfig(
    name: string,
    configuration: JsonObject | undefined,
    resolve?: DataTypeResolver,
  ): DataType;
  /**
   * Types (with a configuration, for parametrised ones) and fill values (JSON) the conformance
   * suite uses.
   */
  readonly samples: readonly {
    readonly name: string;
    readonly configuration?: JsonObject;
    readonly fillValue: JsonValue;
  }[];
}

export interface StoreTestInstance {
  readonly store: Store;
  teardown(): Promise<void>;
}

export interface StoreExtension {
  readonly kind: "store";
  readonly name: string;
  /** URL schemes without the colon, e.g. ["s3"] or ["file"]. */
  readonly schemes: readonly string[];
  open(url: string, options: StoreOpenOptions): Store | Promise<Store>;
  /** A fresh, empty instance for the conformance suite, with its teardown. */
  testInstance?(): Promise<StoreTestInstance>;
}

export interface StoreOpenOptions {
  /** Open for writing (stores are read-only by default). */
  readonly writable?: boolean;
}

export type ExtensionObject =
  | CodecExtension
  | ChunkGridExtension
  | ChunkKeyEncodingExtension
  | DataTypeExtension
  | StoreExtension;

/**
 * A package's bundle of extensions: its default export. `module` is the absolute URL of the
 * module that exports it (the extension's own `import.meta.url`), so a worker thread can import
 * it and rebuild the same registry.
 */
export interface Extension {
  readonly name: string;
  readonly module: string;
  readonly codecs?: readonly CodecExtension[];
  readonly chunkGrids?: readonly ChunkGridExtension[];
  readonly chunkKeyEncodings?: readonly ChunkKeyEncodingExtension[];
  readonly dataTypes?: readonly DataTypeExtension[];
  readonly stores?: readonly StoreExtension[];
}

export function extensionObjects(extension: Extension): ExtensionObject[] {
  return [
    ...(extension.dataTypes ?? []),
    ...(extension.chunkGrids ?? []),
    ...(extension.chunkKeyEncodings ?? []),
    ...(extension.codecs ?? []),
    ...(extension.stores ?? []),
  ];
}
