import { InvalidMetadataError } from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";
import { describe } from "./named-config.js";

/**
 * A NumPy dtype as `.zarray` holds it: a string (`<i4`, `|O`, ...), or a structured dtype's
 * list of `[name, dtype]` fields (`[name, dtype, shape]` for a subarray field).
 */
export type V2Dtype = string | readonly V2Field[];
export type V2Field =
  | readonly [name: string, dtype: V2Dtype]
  | readonly [name: string, dtype: V2Dtype, shape: readonly number[]];

/** A Zarr v2 `.zarray` document, validated structurally (dtype and codecs resolve later). */
export interface V2ArrayMetadata {
  readonly zarrFormat: 2;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly dtype: V2Dtype;
  readonly compressor: JsonObject | null;
  readonly fillValue: JsonValue;
  readonly order: "C" | "F";
  readonly filters: readonly JsonObject[] | null;
  readonly dimensionSeparator: "." | "/";
  /** Fields zarrkit does not know, kept for rewriting. */
  readonly extraFields?: JsonObject;
}

const FIELDS = [
  "zarr_format",
  "shape",
  "chunks",
  "dtype",
  "compressor",
  "fill_value",
  "order",
  "filters",
  "dimension_separator",
];

/** Parses `.zarray` (already JSON-decoded); errors name the node and the field. */
export function parseV2ArrayMetadata(doc: JsonValue, path: string): V2ArrayMetadata {
  const where = { path, key: path === "" ? ".zarray" : `${path}/.zarray` };
  const err = (field: string, msg: string) =>
    new InvalidMetadataError(`.zarray of "${path}": ${field} ${msg}`, where);
  if (!isJsonObject(doc)) throw err("document", `must be a JSON object, got ${describe(doc)}`);
  if (doc.zarr_format !== 2)
    throw err("zarr_format", `must be 2, got ${describe(doc.zarr_format)}`);
  const integers = (field: "shape" | "chunks", min: number): number[] => {
    const value = doc[field];
    if (!Array.isArray(value))
      throw err(field, `must be an array of integers, got ${describe(value)}`);
    return value.map((n, i) => {
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min)
        throw err(`${field}[${i}]`, `must be an integer >= ${min}, got ${describe(n)}`);
      return n;
    });
  };
  const shape = integers("shape", 0);
  const chunks = integers("chunks", 1);
  if (chunks.length !== shape.length)
    throw err("chunks", `has ${chunks.length} entries for ${shape.length} dimensions`);
  const dtype = v2Dtype(doc.dtype);
  if (dtype === undefined)
    throw err(
      "dtype",
      `must be a NumPy dtype string or a list of fields, got ${describe(doc.dtype)}`,
    );
  let compressor: JsonObject | null = null;
  if (doc.compressor !== undefined && doc.compressor !== null) {
    if (!isJsonObject(doc.compressor) || typeof doc.compressor.id !== "string")
      throw err(
        "compressor",
        `must be null or an object with an "id", got ${describe(doc.compressor)}`,
      );
    compressor = doc.compressor;
  }
  let filters: JsonObject[] | null = null;
  if (doc.filters !== undefined && doc.filters !== null) {
    if (!Array.isArray(doc.filters))
      throw err("filters", `must be null or a list, got ${describe(doc.filters)}`);
    filters = doc.filters.map((f, i) => {
      if (!isJsonObject(f) || typeof f.id !== "string")
        throw err(`filters[${i}]`, `must be an object with an "id", got ${describe(f)}`);
      return f;
    });
  }
  const order = doc.order ?? "C";
  if (order !== "C" && order !== "F")
    throw err("order", `must be "C" or "F", got ${describe(order)}`);
  const separator = doc.dimension_separator ?? ".";
  if (separator !== "." && separator !== "/")
    throw err("dimension_separator", `must be "." or "/", got ${describe(separator)}`);
  if (!("fill_value" in doc)) throw err("fill_value", "is required");
  const extra: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) if (!FIELDS.includes(key)) extra[key] = value;
  return {
    zarrFormat: 2,
    shape,
    chunks,
    dtype,
    compressor,
    fillValue: doc.fill_value ?? null,
    order,
    filters,
    dimensionSeparator: separator,
    ...(Object.keys(extra).length > 0 ? { extraFields: extra } : {}),
  };
}

/** The `.zarray` document, fields in zarr-python's order. */
export function v2ArrayMetadataToJson(metadata: V2ArrayMetadata): JsonObject {
  return {
    chunks: [...metadata.chunks],
    compressor: metadata.compressor,
    dimension_separator: metadata.dimensionSeparator,
    dtype: v2DtypeJson(metadata.dtype),
    fill_value: metadata.fillValue,
    filters: metadata.filters === null ? null : [...metadata.filters],
    order: metadata.order,
    shape: [...metadata.shape],
    zarr_format: 2,
    ...(metadata.extraFields ?? {}),
  };
}

/** Checks a `.zgroup` document. */
export function parseV2GroupMetadata(doc: JsonValue, path: string): void {
  if (!isJsonObject(doc) || doc.zarr_format !== 2) {
    throw new InvalidMetadataError(
      `.zgroup of "${path}" must be {"zarr_format": 2}, got ${describe(doc)}`,
      { path, key: path === "" ? ".zgroup" : `${path}/.zgroup` },
    );
  }
}

/** Checks a `.zattrs` document. */
export function parseV2Attributes(doc: JsonValue, path: string): JsonObject {
  if (!isJsonObject(doc)) {
    throw new InvalidMetadataError(
      `.zattrs of "${path}" must be a JSON object, got ${describe(doc)}`,
      {
        path,
        key: path === "" ? ".zattrs" : `${path}/.zattrs`,
      },
    );
  }
  return doc;
}

/** A `.zarray` dtype checked for form; undefined when it is neither a string nor fields. */
function v2Dtype(json: JsonValue | undefined): V2Dtype | undefined {
  if (typeof json === "string") return json;
  if (!Array.isArray(json) || json.length === 0) return undefined;
  const fields: V2Field[] = [];
  for (const entry of json) {
    if (!Array.isArray(entry) || (entry.length !== 2 && entry.length !== 3)) return undefined;
    const [name, inner, shape] = entry;
    const dtype = v2Dtype(inner);
    if (typeof name !== "string" || dtype === undefined) return undefined;
    if (shape === undefined) fields.push([name, dtype]);
    else if (
      Array.isArray(shape) &&
      shape.every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0)
    )
      fields.push([name, dtype, shape.map(Number)]);
    else return undefined;
  }
  return fields;
}

/** The JSON of a v2 dtype. */
export function v2DtypeJson(dtype: V2Dtype): JsonValue {
  if (typeof dtype === "string") return dtype;
  return dtype.map(([name, inner, shape]) =>
    shape === undefined ? [name, v2DtypeJson(inner)] : [name, v2DtypeJson(inner), [...shape]],
  );
}
