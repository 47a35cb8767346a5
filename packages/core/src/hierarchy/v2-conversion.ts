import { base64ToBytes, bytesToBase64 } from "../data-types/base64.js";
import { reverseByteOrder } from "../data-types/byte-order.js";
import { type DataType, namedDataType } from "../data-types/data-type.js";
import { numpyDtypeJson, parseNumpyDtype, parseV2Dtype } from "../data-types/numpy-dtype.js";
import {
  InvalidMetadataError,
  isZarrkitError,
  UnknownExtensionError,
  UnsupportedFeatureError,
  ZarrkitError,
} from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { ArrayMetadata } from "../metadata/array-metadata.js";
import type { NamedConfig } from "../metadata/named-config.js";
import { type V2ArrayMetadata, type V2Dtype, v2DtypeJson } from "../metadata/v2-metadata.js";
import type { CodecExtension } from "../registry/extension.js";
import type { Registry } from "../registry/registry.js";

/** numcodecs ids of the object codecs that serialise `|O` arrays, and the type each holds. */
const OBJECT_CODECS: Record<string, "string" | "bytes"> = {
  "vlen-utf8": "string",
  "vlen-bytes": "bytes",
};

/** The codec extension for a numcodecs id: `numcodecs.<id>` first, then `<id>` itself. */
export function codecForNumcodecsId(registry: Registry, id: string, path: string): CodecExtension {
  const found = registry.find("codec", `numcodecs.${id}`) ?? registry.find("codec", id);
  if (found === undefined)
    throw new UnknownExtensionError(
      `.zarray of "${path}": no codec is registered for numcodecs id "${id}"`,
      {
        path,
      },
    );
  return found;
}

/** A numcodecs configuration as the v3 codec it stands for. */
export function codecFromV2(
  registry: Registry,
  config: JsonObject,
  path: string,
): {
  extension: CodecExtension;
  codec: NamedConfig;
} {
  const { id, ...rest } = config;
  const extension = codecForNumcodecsId(registry, String(id), path);
  const codec = extension.fromV2?.(config) ?? { name: extension.name, configuration: rest };
  return { extension, codec };
}

/** The data type of a v2 dtype string, with the object codec that `|O` needs. */
export function dataTypeOfV2(
  registry: Registry,
  v2: V2ArrayMetadata,
  path: string,
): { dataType: DataType; endian: "little" | "big" | undefined; objectCodec?: string } {
  if (v2.dtype === "|O") {
    const first = v2.filters?.[0];
    const id = typeof first?.id === "string" ? first.id : undefined;
    const name = id === undefined ? undefined : OBJECT_CODECS[id];
    if (name === undefined)
      throw new UnsupportedFeatureError(
        `.zarray of "${path}": object dtype "|O" needs a vlen-utf8 or vlen-bytes filter first, got ${id === undefined ? "none" : `"${id}"`}`,
        { path },
      );
    const dataType = registry.dataType(name, undefined, { path });
    return { dataType, endian: undefined, objectCodec: id };
  }
  const parsed = parseV2Dtype(v2.dtype);
  if (parsed === undefined)
    throw new UnsupportedFeatureError(
      `.zarray of "${path}": dtype ${JSON.stringify(v2DtypeJson(v2.dtype))} is not supported`,
      { path },
    );
  return parsed;
}

/**
 * The v3 form of a v2 array: the same data type, chunk grid and fill value, `v2` chunk keys,
 * and the codec chain that stores the same bytes (order F as a transpose, filters and
 * compressor through their numcodecs names). `_ARRAY_DIMENSIONS` becomes `dimensionNames`.
 */
export function v2ToV3ArrayMetadata(
  registry: Registry,
  v2: V2ArrayMetadata,
  attributes: JsonObject,
  path: string,
): ArrayMetadata {
  try {
    return convert(registry, v2, attributes, path);
  } catch (err) {
    if (err instanceof ZarrkitError && err.path === undefined)
      throw err.withLocation({ path }, `.zarray of "${path}": `);
    if (isZarrkitError(err)) throw err;
    throw new InvalidMetadataError(
      `.zarray of "${path}": ${err instanceof Error ? err.message : String(err)}`,
      { path, cause: err },
    );
  }
}

function convert(
  registry: Registry,
  v2: V2ArrayMetadata,
  attributes: JsonObject,
  path: string,
): ArrayMetadata {
  const { dataType, endian, objectCodec } = dataTypeOfV2(registry, v2, path);
  const rank = v2.shape.length;
  const before: NamedConfig[] = [];
  const after: NamedConfig[] = [];
  if (v2.order === "F" && rank > 1)
    before.push({
      name: "transpose",
      configuration: { order: Array.from({ length: rank }, (_, i) => rank - 1 - i) },
    });
  const filters = (v2.filters ?? []).slice(objectCodec === undefined ? 0 : 1);
  // The byte order of the elements as the next filter (in the end, the serializer) gets them.
  let order = endian;
  for (const [i, filter] of filters.entries()) {
    const { extension, codec } = codecFromV2(registry, filter, path);
    if (extension.codecKind === "array_to_bytes")
      throw new UnsupportedFeatureError(
        `filters: "${filter.id}" serialises arrays; only as the first filter of an object dtype`,
        { path },
      );
    if (extension.codecKind === "array_to_array") {
      if (after.length > 0)
        throw new UnsupportedFeatureError(
          `filters[${i}]: "${filter.id}" works on typed elements but follows a byte filter; zarrkit cannot order them so`,
          { path },
        );
      order = filterOutputOrder(filter, order, `.zarray of "${path}": filters[${i}]`, path);
      before.push(codec);
    } else after.push(codec);
  }
  if (v2.compressor !== null) after.push(codecFromV2(registry, v2.compressor, path).codec);
  const serializer: NamedConfig =
    objectCodec !== undefined
      ? { name: objectCodec }
      : { name: "bytes", configuration: { endian: order ?? "little" } };
  const names = attributes._ARRAY_DIMENSIONS;
  const dimensionNames =
    Array.isArray(names) && names.length === rank && names.every((n) => typeof n === "string")
      ? names
      : undefined;
  return {
    zarrFormat: 3,
    nodeType: "array",
    shape: v2.shape,
    dataType: namedDataType(dataType),
    chunkGrid: { name: "regular", configuration: { chunk_shape: [...v2.chunks] } },
    chunkKeyEncoding: { name: "v2", configuration: { separator: v2.dimensionSeparator } },
    fillValue: fillValueFromV2(dataType, v2.fillValue, endian),
    codecs: [...before, serializer, ...after],
    attributes,
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
  };
}

/**
 * The byte order of what a numcodecs filter of typed elements (delta, fixedscaleoffset, ...)
 * hands on: numcodecs views its input as `dtype` and writes `astype` (default: `dtype`), so
 * the serializer after it stores that order. A `dtype` of the other order than its input
 * would reinterpret the bytes, which zarrkit's filters (working on values) cannot do.
 */
function filterOutputOrder(
  filter: JsonObject,
  input: "little" | "big" | undefined,
  where: string,
  path: string,
): "little" | "big" | undefined {
  const orderOf = (field: "dtype" | "astype") => {
    const text = filter[field];
    return typeof text === "string" ? parseNumpyDtype(text)?.endian : undefined;
  };
  const dtype = orderOf("dtype");
  if (dtype !== undefined && input !== undefined && dtype !== input)
    throw new UnsupportedFeatureError(
      `${where}: "${filter.id}" reads ${dtype}-endian elements of ${input}-endian data`,
      { path },
    );
  return filter.astype === undefined ? (dtype ?? input) : orderOf("astype");
}

/**
 * v2 fill values: null means "none" (zarrkit reads zeros), raw types use base64, and so do
 * structured ones: base64 of the packed element in the dtype's byte order.
 */
function fillValueFromV2(
  dataType: DataType,
  fill: JsonValue,
  endian: "little" | "big" | undefined,
): JsonValue {
  if (fill === null) return dataType.encodeFillValue(new Uint8Array(dataType.itemSize));
  if (dataType.kind !== "struct" || typeof fill !== "string")
    return dataType.encodeFillValue(dataType.decodeFillValue(fill));
  const element = base64ToBytes(fill);
  if (element?.length !== dataType.itemSize)
    throw new InvalidMetadataError(
      `fill_value ${JSON.stringify(fill)} is not base64 of one ${dataType.itemSize}-byte element`,
    );
  if (endian === "big") reverseByteOrder(element, dataType);
  return dataType.encodeFillValue(element);
}

/** The v2 `fill_value` for element bytes (raw types as base64, as zarr-python writes them). */
export function fillValueToV2(dataType: DataType, element: Uint8Array): JsonValue {
  if (dataType.kind === "raw" || dataType.kind === "struct") return bytesToBase64(element);
  // zarr-python keeps object fill values as JSON; empty bytes are its None.
  if (dataType.kind === "bytes") return element.length === 0 ? null : bytesToBase64(element);
  return dataType.encodeFillValue(element);
}

/** The v2 dtype of a data type (little-endian unless told). */
export function v2DtypeOf(dataType: DataType, endian: "little" | "big" = "little"): V2Dtype {
  if (dataType.variableLength) return "|O";
  const dtype = numpyDtypeJson(dataType, endian);
  if (dtype === undefined)
    throw new UnsupportedFeatureError(`data type ${dataType.name} has no Zarr v2 dtype`);
  return dtype;
}

/** The object codec a variable-length type needs as its first v2 filter. */
export function objectCodecFor(dataType: DataType): JsonObject | undefined {
  if (dataType.kind === "string") return { id: "vlen-utf8" };
  if (dataType.kind === "bytes") return { id: "vlen-bytes" };
  return undefined;
}

/** The v2 storage settings that store a v3 array's chunks the same way. */
export interface V2Encoding {
  readonly compressor: JsonObject | null;
  readonly filters: JsonObject[];
  readonly order: "C" | "F";
  readonly dimensionSeparator: "." | "/";
}

/**
 * The v2 form of a v3 array's codecs and key encoding: a reversing transpose becomes order F,
 * array->array codecs and all but the last bytes->bytes codec become filters, the last the
 * compressor. Throws UnsupportedFeatureError for what v2 cannot say (sharding, crc32c, ...).
 */
export function v3ToV2Encoding(registry: Registry, metadata: ArrayMetadata): V2Encoding {
  const rank = metadata.shape.length;
  let order: "C" | "F" = "C";
  const filters: JsonObject[] = [];
  const bytesFilters: JsonObject[] = [];
  for (const [i, codec] of metadata.codecs.entries()) {
    const extension = registry.get("codec", codec.name);
    if (codec.name === "transpose") {
      const perm = codec.configuration?.order;
      const list = Array.isArray(perm) ? perm : [];
      const identity = list.every((p, k) => p === k);
      const reversed = list.every((p, k) => p === rank - 1 - k);
      if (i === 0 && reversed && !identity) order = "F";
      else if (!identity)
        throw new UnsupportedFeatureError(
          `transpose ${JSON.stringify(perm)} has no Zarr v2 form (only the reversal, order "F")`,
        );
      continue;
    }
    if (extension.codecKind === "array_to_bytes") {
      if (codec.name === "bytes" || codec.name in OBJECT_CODECS) continue;
      throw new UnsupportedFeatureError(`codec "${codec.name}" has no Zarr v2 form`);
    }
    const v2 = codecToV2(extension, codec);
    (extension.codecKind === "array_to_array" ? filters : bytesFilters).push(v2);
  }
  const compressor = bytesFilters.pop() ?? null;
  const separator = metadata.chunkKeyEncoding.configuration?.separator;
  return {
    compressor,
    filters: [...filters, ...bytesFilters],
    order,
    dimensionSeparator: separator === "." ? "." : separator === "/" ? "/" : ".",
  };
}

function codecToV2(extension: CodecExtension, codec: NamedConfig): JsonObject {
  if (extension.toV2 !== undefined) return extension.toV2(codec.configuration);
  if (extension.name.startsWith("numcodecs."))
    return { id: extension.name.slice("numcodecs.".length), ...(codec.configuration ?? {}) };
  throw new UnsupportedFeatureError(`codec "${codec.name}" has no Zarr v2 (numcodecs) form`);
}
