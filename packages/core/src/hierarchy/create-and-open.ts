import { type Context, defaultContext } from "../context/context.js";
import type { DataType, ScalarFor } from "../data-types/data-type.js";
import {
  InvalidMetadataError,
  InvalidValueError,
  isZarrkitError,
  NodeExistsError,
  NodeNotFoundError,
  UnsupportedFeatureError,
} from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { ArrayMetadata, GroupMetadata } from "../metadata/array-metadata.js";
import {
  type NamedConfig,
  type NamedConfigJson,
  parseNamedConfig,
} from "../metadata/named-config.js";
import type { V2ArrayMetadata } from "../metadata/v2-metadata.js";
import { isListable, isWritable, type Store, type WritableStore } from "../store/store.js";
import { defaultChunkShape } from "./default-chunk-shape.js";
import { deleteKeysBelow } from "./delete-node.js";
import {
  readStoredNode,
  storedNodeType,
  writeNodeMetadata,
  writeV2ArrayMetadata,
  writeV2Group,
} from "./node-metadata-io.js";
import { normalizeNodePath } from "./node-path.js";
import { fillValueToV2, objectCodecFor, v2DtypeOf, v2ToV3ArrayMetadata } from "./v2-conversion.js";
import { type ArrayOptions, ZarrArray } from "./zarr-array.js";
import { ZarrGroup } from "./zarr-group.js";

export interface OpenOptions extends ArrayOptions {
  context?: Context;
  signal?: AbortSignal;
  /** Which format to look for; by default v3 (`zarr.json`) first, then v2. */
  zarrFormat?: 2 | 3;
}

/** Zarr v2 storage settings (used when `zarrFormat` is 2). */
export interface V2CreateOptions {
  /** A numcodecs configuration or null (default: blosc lz4, clevel 5, byte shuffle). */
  compressor?: JsonObject | null;
  /** numcodecs filters; an object dtype's vlen codec is put first when missing. */
  filters?: readonly JsonObject[] | null;
  /** Memory layout of each chunk (default "C"). */
  order?: "C" | "F";
  /** Chunk key separator (default "."). */
  dimensionSeparator?: "." | "/";
}

export interface CreateArrayOptions<D extends string> extends ArrayOptions, V2CreateOptions {
  /** The data type's configuration, for parametrised types (`{"length_bytes": 40}`). */
  dataTypeConfiguration?: JsonObject;
  /** 3 (default) or 2. With 2, `codecs` and `chunkKeyEncoding` do not apply (see V2CreateOptions). */
  zarrFormat?: 2 | 3;
  shape: readonly number[];
  dataType: D;
  /** Chunk shape of the regular grid (default: about 1 MiB per chunk). */
  chunkShape?: readonly number[];
  /**
   * Another chunk grid instead of `chunkShape`'s regular one, as zarr.json names it: e.g.
   * `{name: "rectilinear", configuration: {kind: "inline", chunk_shapes: [[10, 20], 8]}}`.
   */
  chunkGrid?: NamedConfigJson;
  /** The fill value as a JS scalar (default: zero / false). */
  fillValue?: ScalarFor<D>;
  /**
   * The fill value in its v3 JSON encoding ("NaN", "0x7fc00001", [re, im], ...); wins over
   * fillValue. For v2, null writes `"fill_value": null`.
   */
  fillValueJson?: JsonValue;
  /** The codec chain as stored (default: bytes, little-endian). */
  codecs?: readonly NamedConfigJson[];
  /** Default: {"name": "default", "configuration": {"separator": "/"}}. */
  chunkKeyEncoding?: NamedConfigJson;
  attributes?: JsonObject;
  dimensionNames?: readonly (string | null)[];
  /** Replace whatever node exists at the path (its keys are deleted first). */
  overwrite?: boolean;
  context?: Context;
}

export interface CreateGroupOptions {
  zarrFormat?: 2 | 3;
  attributes?: JsonObject;
  overwrite?: boolean;
  context?: Context;
}

function contextOf(options: { context?: Context }): Context {
  return options.context ?? defaultContext();
}

/** Opens the array or group at `path`, of either format (v3 first) unless `zarrFormat` says. */
export async function open(
  store: Store,
  path = "",
  options: OpenOptions = {},
): Promise<ZarrArray | ZarrGroup> {
  const nodePath = normalizeNodePath(path);
  const node = await readStoredNode(store, nodePath, options);
  if (node === undefined) {
    const looked =
      options.zarrFormat === 3
        ? "zarr.json"
        : options.zarrFormat === 2
          ? ".zarray or .zgroup"
          : "zarr.json, .zarray or .zgroup";
    throw new NodeNotFoundError(`no Zarr node at "${nodePath}" (no ${looked})`, { path: nodePath });
  }
  const context = contextOf(options);
  if (node.zarrFormat === 3) {
    const { metadata } = node;
    if (metadata.nodeType === "group") return new ZarrGroup(store, nodePath, metadata, context);
    return ZarrArray.fromMetadata(store, nodePath, metadata, context, options);
  }
  if (node.nodeType === "group")
    return new ZarrGroup(
      store,
      nodePath,
      { zarrFormat: 3, nodeType: "group", attributes: node.attributes },
      context,
      2,
    );
  const metadata = v2ToV3ArrayMetadata(context.registry, node.metadata, node.attributes, nodePath);
  return ZarrArray.fromMetadata(store, nodePath, metadata, context, options, node.metadata);
}

/** Opens the array at `path`; with `dataType` the result is typed (and checked) as that type. */
export async function openArray<D extends string = string>(
  store: Store,
  path = "",
  options: OpenOptions & { dataType?: D } = {},
): Promise<ZarrArray<D>> {
  const node = await open(store, path, options);
  if (node.kind !== "array")
    throw new NodeNotFoundError(`"${node.path}" is a group, not an array`, { path: node.path });
  if (!isArrayOf(node, options.dataType)) {
    throw new InvalidValueError(
      `array "${node.path}" holds ${node.dataType.name}, not ${options.dataType}`,
      { path: node.path },
    );
  }
  return node;
}

/** Whether the array holds `dataType`, by its name or by the name zarr.json gives (an alias). */
function isArrayOf<D extends string>(
  array: ZarrArray,
  dataType: D | undefined,
): array is ZarrArray<D> {
  return (
    dataType === undefined ||
    array.dataType.name === dataType ||
    array.metadata.dataType.name === dataType
  );
}

export async function openGroup(
  store: Store,
  path = "",
  options: OpenOptions = {},
): Promise<ZarrGroup> {
  const node = await open(store, path, options);
  if (node.kind !== "group")
    throw new NodeNotFoundError(`"${node.path}" is an array, not a group`, { path: node.path });
  return node;
}

/** Creates an array; fails with NodeExistsError if a node is there, unless `overwrite`. */
export async function createArray<D extends string>(
  store: Store,
  path: string,
  options: CreateArrayOptions<D>,
): Promise<ZarrArray<D>> {
  const nodePath = normalizeNodePath(path);
  const writable = requireWritable(store, nodePath);
  const context = contextOf(options);
  const shape = checkShape(options.shape, "shape", nodePath);
  const dataTypeConfig: NamedConfig =
    options.dataTypeConfiguration === undefined
      ? { name: options.dataType, shorthand: true }
      : { name: options.dataType, configuration: options.dataTypeConfiguration };
  const dataType: DataType = context.registry.dataType(
    options.dataType,
    options.dataTypeConfiguration,
    { path: nodePath },
  );
  const chunkShape = checkShape(
    // Variable-length elements: assume about 16 bytes each.
    options.chunkShape ??
      defaultChunkShape(shape, dataType.variableLength ? 16 : dataType.itemSize),
    "chunkShape",
    nodePath,
  );
  if (chunkShape.length !== shape.length || chunkShape.some((c) => c < 1)) {
    throw new InvalidMetadataError(
      `chunkShape [${chunkShape}] must have ${shape.length} positive sizes for shape [${shape}]`,
      { path: nodePath },
    );
  }
  // null is a value here (v2's "no fill value"), not "not given".
  const fillValueJson =
    options.fillValueJson !== undefined
      ? options.fillValueJson
      : dataType.encodeFillValue(
          options.fillValue === undefined
            ? zeroElement(dataType)
            : scalarBytes(dataType, options.fillValue, nodePath),
        );
  const codecs = (options.codecs ?? defaultCodecs(dataType)).map((c, i) =>
    parseNamedConfig(c, `codecs[${i}]`, nodePath),
  );
  if (
    options.chunkGrid !== undefined &&
    (options.chunkShape !== undefined || options.zarrFormat === 2)
  )
    throw new InvalidValueError(
      `array "${nodePath}": chunkGrid replaces chunkShape, and Zarr v2 has regular chunks only`,
      { path: nodePath },
    );
  const draft: ArrayMetadata = {
    zarrFormat: 3,
    nodeType: "array",
    shape,
    dataType: dataTypeConfig,
    chunkGrid:
      options.chunkGrid === undefined
        ? { name: "regular", configuration: { chunk_shape: chunkShape } }
        : parseNamedConfig(options.chunkGrid, "chunk_grid", nodePath),
    chunkKeyEncoding: parseNamedConfig(
      options.chunkKeyEncoding ?? { name: "default", configuration: { separator: "/" } },
      "chunk_key_encoding",
      nodePath,
    ),
    fillValue: fillValueJson,
    codecs,
    attributes: options.attributes ?? {},
    ...(options.dimensionNames === undefined
      ? {}
      : { dimensionNames: [...options.dimensionNames] }),
  };
  if (draft.dimensionNames !== undefined && draft.dimensionNames.length !== shape.length) {
    throw new InvalidMetadataError(
      `dimensionNames has ${draft.dimensionNames.length} entries for ${shape.length} dimensions`,
      { path: nodePath },
    );
  }
  if (options.zarrFormat === 2)
    return createV2Array(writable, nodePath, draft, chunkShape, dataType, options, context);
  // Resolve everything before touching the store, so bad options never clobber existing data.
  const probe = await ZarrArray.fromMetadata(store, nodePath, draft, context, options);
  const metadata: ArrayMetadata = { ...draft, codecs: probe.codecPipeline.toConfigs() };
  await prepareLocation(writable, nodePath, options.overwrite ?? false);
  await writeNodeMetadata(writable, nodePath, metadata);
  const array = await ZarrArray.fromMetadata(store, nodePath, metadata, context, options);
  if (!isArrayOf(array, options.dataType))
    throw new InvalidMetadataError(`internal: created array has the wrong data type`, {
      path: nodePath,
    });
  return array;
}

const DEFAULT_V2_COMPRESSOR: JsonObject = {
  id: "blosc",
  cname: "lz4",
  clevel: 5,
  shuffle: 1,
  blocksize: 0,
};

async function createV2Array<D extends string>(
  store: Store & WritableStore,
  path: string,
  draft: ArrayMetadata,
  chunks: readonly number[],
  dataType: DataType,
  options: CreateArrayOptions<D>,
  context: Context,
): Promise<ZarrArray<D>> {
  if (options.codecs !== undefined || options.chunkKeyEncoding !== undefined)
    throw new InvalidValueError(
      `array "${path}": Zarr v2 takes compressor, filters, order and dimensionSeparator, not codecs or chunkKeyEncoding`,
      { path },
    );
  const attributes: JsonObject = { ...(draft.attributes ?? {}) };
  if (draft.dimensionNames !== undefined) {
    const names = draft.dimensionNames;
    if (names.some((n) => n === null))
      throw new InvalidValueError(
        `array "${path}": Zarr v2 dimension names (_ARRAY_DIMENSIONS) cannot be null`,
        { path },
      );
    attributes._ARRAY_DIMENSIONS = names.map(String);
  }
  const objectCodec = objectCodecFor(dataType);
  let filters =
    options.filters === undefined || options.filters === null ? [] : [...options.filters];
  if (objectCodec !== undefined && filters[0]?.id !== objectCodec.id)
    filters = [objectCodec, ...filters];
  const v2: V2ArrayMetadata = {
    zarrFormat: 2,
    shape: draft.shape,
    chunks,
    dtype: v2DtypeOf(dataType),
    compressor: options.compressor === undefined ? DEFAULT_V2_COMPRESSOR : options.compressor,
    // null is v2's "no fill value" (read as zeros).
    fillValue:
      draft.fillValue === null
        ? null
        : fillValueToV2(dataType, dataType.decodeFillValue(draft.fillValue)),
    order: options.order ?? "C",
    filters: filters.length > 0 ? filters : null,
    dimensionSeparator: options.dimensionSeparator ?? ".",
  };
  const metadata = v2ToV3ArrayMetadata(context.registry, v2, attributes, path);
  // Resolve everything before touching the store, so bad options never clobber existing data.
  await ZarrArray.fromMetadata(store, path, metadata, context, options, v2);
  await prepareLocation(store, path, options.overwrite ?? false);
  await writeV2ArrayMetadata(
    store,
    path,
    v2,
    Object.keys(attributes).length > 0 ? attributes : undefined,
  );
  const array = await ZarrArray.fromMetadata(store, path, metadata, context, options, v2);
  if (!isArrayOf(array, options.dataType))
    throw new InvalidMetadataError(`internal: created array has the wrong data type`, { path });
  return array;
}

export async function createGroup(
  store: Store,
  path = "",
  options: CreateGroupOptions = {},
): Promise<ZarrGroup> {
  const nodePath = normalizeNodePath(path);
  const writable = requireWritable(store, nodePath);
  const metadata: GroupMetadata = {
    zarrFormat: 3,
    nodeType: "group",
    attributes: options.attributes ?? {},
  };
  await prepareLocation(writable, nodePath, options.overwrite ?? false);
  if (options.zarrFormat === 2) {
    const attributes = options.attributes ?? {};
    await writeV2Group(
      writable,
      nodePath,
      Object.keys(attributes).length > 0 ? attributes : undefined,
    );
    return new ZarrGroup(store, nodePath, metadata, contextOf(options), 2);
  }
  await writeNodeMetadata(writable, nodePath, metadata);
  return new ZarrGroup(store, nodePath, metadata, contextOf(options));
}

function requireWritable(store: Store, path: string): Store & WritableStore {
  if (!isWritable(store))
    throw new UnsupportedFeatureError(`cannot create "${path}": the store is read-only`, { path });
  return store;
}

/** Refuses to replace an existing node unless asked; with overwrite, removes its keys. */
async function prepareLocation(
  store: Store & WritableStore,
  path: string,
  overwrite: boolean,
): Promise<void> {
  let existing: Awaited<ReturnType<typeof readStoredNode>>;
  try {
    existing = await readStoredNode(store, path);
  } catch (err) {
    // Unreadable metadata is still a node; overwrite may replace it.
    if (!isZarrkitError(err) || !overwrite) throw err;
    existing = undefined;
  }
  if (existing !== undefined && !overwrite) {
    throw new NodeExistsError(
      `a ${storedNodeType(existing)} already exists at "${path}" (use overwrite to replace it)`,
      { path },
    );
  }
  if (!overwrite) return;
  if (isListable(store)) await deleteKeysBelow(store, path);
  else {
    for (const name of ["zarr.json", ".zarray", ".zgroup", ".zattrs"])
      await store.delete(path === "" ? name : `${path}/${name}`);
  }
}

function checkShape(shape: readonly number[], field: string, path: string): number[] {
  if (!Array.isArray(shape))
    throw new InvalidMetadataError(`${field} must be an array of integers`, { path });
  return shape.map((n, i) => {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw new InvalidMetadataError(
        `${field}[${i}] must be a non-negative integer, got ${String(n)}`,
        { path },
      );
    }
    return n;
  });
}

/** The serialiser alone: `bytes`, or the vlen codec of a variable-length type. */
function defaultCodecs(dataType: DataType): NamedConfigJson[] {
  if (dataType.kind === "string") return [{ name: "vlen-utf8" }];
  if (dataType.kind === "bytes") return [{ name: "vlen-bytes" }];
  return [{ name: "bytes", configuration: { endian: "little" } }];
}

function zeroElement(dataType: DataType): Uint8Array {
  return new Uint8Array(dataType.itemSize);
}

function scalarBytes(dataType: DataType, value: unknown, path: string): Uint8Array {
  try {
    return dataType.fromScalar(value);
  } catch (err) {
    throw new InvalidValueError(
      `fillValue for "${path}": ${err instanceof Error ? err.message : String(err)}`,
      { path, cause: err },
    );
  }
}
