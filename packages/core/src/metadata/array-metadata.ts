import { InvalidMetadataError, UnsupportedFeatureError } from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";
import { describe, type NamedConfig, namedConfigToJson, parseNamedConfig } from "./named-config.js";

/**
 * A v3 array's `zarr.json`, validated structurally. Extension points stay as NamedConfig (the
 * registry gives them meaning when the array is opened); the fill value stays JSON until the
 * data type decodes it. Unknown top-level fields that declared `must_understand: false` are kept
 * so that rewriting the document preserves them.
 */
export interface ArrayMetadata {
  readonly zarrFormat: 3;
  readonly nodeType: "array";
  readonly shape: readonly number[];
  readonly dataType: NamedConfig;
  readonly chunkGrid: NamedConfig;
  readonly chunkKeyEncoding: NamedConfig;
  readonly fillValue: JsonValue;
  readonly codecs: readonly NamedConfig[];
  readonly attributes?: JsonObject;
  readonly storageTransformers?: readonly NamedConfig[];
  readonly dimensionNames?: readonly (string | null)[];
  /** Unknown fields with `must_understand: false`, in document order. */
  readonly extraFields?: JsonObject;
}

export interface GroupMetadata {
  readonly zarrFormat: 3;
  readonly nodeType: "group";
  readonly attributes?: JsonObject;
  readonly extraFields?: JsonObject;
}

export type NodeMetadata = ArrayMetadata | GroupMetadata;

const ARRAY_FIELDS = [
  "zarr_format",
  "node_type",
  "shape",
  "data_type",
  "chunk_grid",
  "chunk_key_encoding",
  "fill_value",
  "codecs",
  "attributes",
  "storage_transformers",
  "dimension_names",
] as const;
const GROUP_FIELDS = ["zarr_format", "node_type", "attributes"] as const;

/** Parses a v3 `zarr.json` document (already JSON-decoded). `path` names the node in errors. */
export function parseNodeMetadata(doc: JsonValue, path = ""): NodeMetadata {
  const where = { path };
  if (!isJsonObject(doc))
    throw new InvalidMetadataError(
      `zarr.json of "${path}" must be a JSON object, got ${describe(doc)}`,
      where,
    );
  if (doc.zarr_format !== 3) {
    throw new InvalidMetadataError(
      `zarr.json of "${path}": zarr_format must be 3, got ${describe(doc.zarr_format)}`,
      where,
    );
  }
  if (doc.node_type === "group") {
    return { zarrFormat: 3, nodeType: "group", ...parseCommon(doc, GROUP_FIELDS, path) };
  }
  if (doc.node_type !== "array") {
    throw new InvalidMetadataError(
      `zarr.json of "${path}": node_type must be "array" or "group", got ${describe(doc.node_type)}`,
      where,
    );
  }
  const err = (field: string, msg: string) =>
    new InvalidMetadataError(`zarr.json of "${path}": ${field} ${msg}`, where);

  const shape = doc.shape;
  if (!Array.isArray(shape))
    throw err("shape", `must be an array of integers, got ${describe(shape)}`);
  const dims = shape.map((n, i) => {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw err(`shape[${i}]`, `must be a non-negative integer, got ${describe(n)}`);
    }
    return n;
  });
  for (const field of [
    "data_type",
    "chunk_grid",
    "chunk_key_encoding",
    "fill_value",
    "codecs",
  ] as const) {
    if (!(field in doc)) throw err(field, "is required");
  }
  const codecs = doc.codecs;
  if (!Array.isArray(codecs) || codecs.length === 0)
    throw err("codecs", `must be a non-empty array, got ${describe(codecs)}`);

  let storageTransformers: NamedConfig[] | undefined;
  if (doc.storage_transformers !== undefined) {
    if (!Array.isArray(doc.storage_transformers))
      throw err("storage_transformers", "must be an array");
    storageTransformers = doc.storage_transformers.map((t, i) =>
      parseNamedConfig(t, `storage_transformers[${i}]`, path),
    );
    const required = storageTransformers.filter((t) => t.mustUnderstand !== false);
    if (required.length > 0) {
      throw new UnsupportedFeatureError(
        `zarr.json of "${path}": storage transformer(s) ${required.map((t) => `"${t.name}"`).join(", ")} are not supported`,
        where,
      );
    }
  }

  let dimensionNames: (string | null)[] | undefined;
  if (doc.dimension_names !== undefined) {
    const names = doc.dimension_names;
    if (!Array.isArray(names) || names.length !== dims.length) {
      throw err(
        "dimension_names",
        `must be an array of ${dims.length} strings or nulls, got ${describe(names)}`,
      );
    }
    dimensionNames = names.map((n, i) => {
      if (n !== null && typeof n !== "string")
        throw err(`dimension_names[${i}]`, `must be a string or null, got ${describe(n)}`);
      return n;
    });
  }

  return {
    zarrFormat: 3,
    nodeType: "array",
    shape: dims,
    dataType: parseNamedConfig(doc.data_type, "data_type", path),
    chunkGrid: parseNamedConfig(doc.chunk_grid, "chunk_grid", path),
    chunkKeyEncoding: parseNamedConfig(doc.chunk_key_encoding, "chunk_key_encoding", path),
    fillValue: doc.fill_value!,
    codecs: codecs.map((c, i) => parseNamedConfig(c, `codecs[${i}]`, path)),
    ...(storageTransformers === undefined ? {} : { storageTransformers }),
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
    ...parseCommon(doc, ARRAY_FIELDS, path),
  };
}

/** `attributes` and the unknown fields, which arrays and groups treat alike. */
function parseCommon(
  doc: JsonObject,
  known: readonly string[],
  path: string,
): { attributes?: JsonObject; extraFields?: JsonObject } {
  const out: { attributes?: JsonObject; extraFields?: JsonObject } = {};
  if (doc.attributes !== undefined) {
    if (!isJsonObject(doc.attributes)) {
      throw new InvalidMetadataError(
        `zarr.json of "${path}": attributes must be an object, got ${describe(doc.attributes)}`,
        { path },
      );
    }
    out.attributes = doc.attributes;
  }
  const extra: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) {
    if (known.includes(key)) continue;
    // zarr-python writes `"consolidated_metadata": null` in groups; keep it, it is harmless.
    if (key === "consolidated_metadata" && (value === null || isJsonObject(value))) {
      extra[key] = value;
      continue;
    }
    // The spec lets readers skip an unknown field only if it says it need not be understood.
    if (!isJsonObject(value) || value.must_understand !== false) {
      throw new UnsupportedFeatureError(
        `zarr.json of "${path}": unknown field "${key}" must be understood (it lacks "must_understand": false)`,
        { path },
      );
    }
    extra[key] = value;
  }
  if (Object.keys(extra).length > 0) out.extraFields = extra;
  return out;
}

/** The JSON document for metadata, fields in the order the spec lists them. */
export function nodeMetadataToJson(metadata: NodeMetadata): JsonObject {
  const doc: JsonObject = { zarr_format: 3, node_type: metadata.nodeType };
  if (metadata.nodeType === "array") {
    doc.shape = [...metadata.shape];
    doc.data_type = namedConfigToJson(metadata.dataType);
    doc.chunk_grid = namedConfigToJson(metadata.chunkGrid);
    doc.chunk_key_encoding = namedConfigToJson(metadata.chunkKeyEncoding);
    doc.fill_value = metadata.fillValue;
    doc.codecs = metadata.codecs.map(namedConfigToJson);
    if (metadata.attributes !== undefined) doc.attributes = metadata.attributes;
    if (metadata.storageTransformers !== undefined)
      doc.storage_transformers = metadata.storageTransformers.map(namedConfigToJson);
    if (metadata.dimensionNames !== undefined) doc.dimension_names = [...metadata.dimensionNames];
  } else if (metadata.attributes !== undefined) {
    doc.attributes = metadata.attributes;
  }
  Object.assign(doc, metadata.extraFields ?? {});
  return doc;
}
