import {
  InvalidMetadataError,
  InvalidValueError,
  UnsupportedFeatureError,
  ZarrkitError,
} from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import type { DataTypeResolver } from "../registry/extension.js";
import { base64ToBytes } from "./base64.js";
import { type DataType, dataTypeJson, type StructScalar } from "./data-type.js";

export const STRUCT = "struct";
/** zarr-extensions' legacy name for `struct` (fields as [name, type] pairs): read, not written. */
export const STRUCTURED = "structured";

export interface StructField {
  readonly name: string;
  readonly dataType: DataType;
  /** Where the field's bytes start in an element (fields are packed, in order). */
  readonly offset: number;
}

/** zarr-extensions' `struct`: packed records of named, fixed-size fields. */
export interface StructDataType extends DataType<typeof STRUCT> {
  readonly fields: readonly StructField[];
}

export function isStructDataType(dataType: DataType): dataType is StructDataType {
  return dataType.kind === "struct" && "fields" in dataType;
}

/**
 * A `struct` of `fields`, in order, packed without padding (NumPy's default layout). Elements
 * are held as bytes (a Uint8Array, `itemSize` per element, each field little-endian in
 * memory); scalars and fill values are objects of each field's scalar or fill value by name.
 */
export function structDataType(
  fields: readonly { readonly name: string; readonly dataType: DataType }[],
): StructDataType {
  const fail = (why: string): never => {
    throw new InvalidMetadataError(`data_type "${STRUCT}": ${why}`);
  };
  if (fields.length === 0) fail("configuration.fields needs at least one field");
  const placed: StructField[] = [];
  const parts: [number, number][] = [];
  let offset = 0;
  for (const [i, { name, dataType }] of fields.entries()) {
    if (name === "") fail(`fields[${i}] has an empty name`);
    if (placed.some((f) => f.name === name)) fail(`fields[${i}]: the name "${name}" is taken`);
    if (dataType.variableLength)
      fail(`field "${name}": ${dataType.name} has no fixed size (a struct's fields need one)`);
    placed.push({ name, dataType, offset });
    if (dataType.byteOrderParts !== undefined)
      for (const [at, size] of dataType.byteOrderParts) parts.push([offset + at, size]);
    else if (dataType.laneSize > 1)
      for (let lane = 0; lane < dataType.lanes; lane++)
        parts.push([offset + lane * dataType.laneSize, dataType.laneSize]);
    offset += dataType.itemSize;
  }
  const itemSize = offset;
  const slice = (element: Uint8Array, field: StructField) =>
    element.subarray(field.offset, field.offset + field.dataType.itemSize);
  const checked = (element: Uint8Array): Uint8Array => {
    if (element.byteLength !== itemSize)
      throw new InvalidValueError(
        `element of ${STRUCT} must be ${itemSize} bytes, got ${element.byteLength}`,
      );
    return element;
  };
  /** Each field's bytes from `value[name]` through `convert`; the error names the field. */
  const assemble = <V>(
    value: { readonly [name: string]: V },
    convert: (field: StructField, item: V) => Uint8Array,
    error: (why: string) => ZarrkitError,
  ): Uint8Array => {
    const extra = Object.keys(value).filter((k) => !placed.some((f) => f.name === k));
    if (extra.length > 0) throw error(`no field is named ${extra.map((k) => `"${k}"`).join(", ")}`);
    const out = new Uint8Array(itemSize);
    for (const field of placed) {
      if (!(field.name in value)) throw error(`field "${field.name}" is missing`);
      try {
        out.set(convert(field, value[field.name]!), field.offset);
      } catch (err) {
        if (err instanceof ZarrkitError) throw error(`field "${field.name}": ${err.message}`);
        throw err;
      }
    }
    return out;
  };
  return {
    name: STRUCT,
    kind: "struct",
    variableLength: false,
    itemSize,
    lanes: itemSize,
    laneSize: 1,
    byteOrderParts: parts,
    fields: placed,
    configuration: {
      fields: placed.map(({ name, dataType }) => ({ name, data_type: dataTypeJson(dataType) })),
    },
    allocate: (count) => new Uint8Array(count * itemSize),
    view: (buffer, byteOffset, count) => new Uint8Array(buffer, byteOffset, count * itemSize),
    decodeFillValue(json: JsonValue) {
      const error = (why: string) =>
        new InvalidMetadataError(
          `fill_value ${describe(json)} is not valid for data type ${STRUCT}: ${why}`,
        );
      // Legacy `structured` arrays: base64 of the packed (little-endian) bytes.
      if (typeof json === "string") {
        const bytes = base64ToBytes(json);
        if (bytes?.length === itemSize) return bytes;
        throw error(`expected an object by field name (or base64 of ${itemSize} bytes)`);
      }
      if (!isJsonObject(json)) throw error("expected an object with each field's fill value");
      return assemble(json, (f, item) => f.dataType.decodeFillValue(item), error);
    },
    encodeFillValue(element) {
      const out: JsonObject = {};
      for (const field of placed)
        out[field.name] = field.dataType.encodeFillValue(slice(checked(element), field));
      return out;
    },
    fromScalar(value) {
      const error = (why: string) =>
        new InvalidValueError(`value is not valid for data type ${STRUCT}: ${why}`);
      if (!isRecord(value)) throw error("expected an object with each field's value");
      return assemble(value, (f, item) => f.dataType.fromScalar(item), error);
    },
    toScalar(element) {
      const out: Record<string, unknown> = {};
      for (const field of placed)
        out[field.name] = field.dataType.toScalar(slice(checked(element), field));
      return out;
    },
  };
}

/**
 * Reads `{"fields": [{"name": ..., "data_type": ...}, ...]}` (for `structured`, also the
 * legacy `[name, data_type]` pairs), each field's type through `resolve`.
 */
export function structFromConfig(
  name: string,
  configuration: JsonObject | undefined,
  resolve: DataTypeResolver | undefined,
): StructDataType {
  const fail = (why: string): never => {
    throw new InvalidMetadataError(`data_type "${name}": ${why}`);
  };
  if (resolve === undefined)
    throw new UnsupportedFeatureError(
      `data_type "${name}": its fields' types need a registry (resolve it through Registry.dataType)`,
    );
  const fields = isJsonObject(configuration) ? configuration.fields : undefined;
  if (!Array.isArray(fields))
    return fail(`configuration.fields must be a list, got ${describe(fields ?? null)}`);
  const extra = Object.keys(configuration ?? {}).filter((k) => k !== "fields");
  if (extra.length > 0) fail(`unknown configuration field(s) ${extra.join(", ")}`);
  return structDataType(
    fields.map((entry, i) => {
      let fieldName: JsonValue | undefined;
      let type: JsonValue | undefined;
      if (isJsonObject(entry)) {
        const unknown = Object.keys(entry).filter((k) => k !== "name" && k !== "data_type");
        if (unknown.length > 0) fail(`fields[${i}]: unknown key(s) ${unknown.join(", ")}`);
        fieldName = entry.name;
        type = entry.data_type;
      } else if (name === STRUCTURED && Array.isArray(entry) && entry.length === 2) {
        [fieldName, type] = entry;
      } else fail(`fields[${i}] must be {"name": ..., "data_type": ...}, got ${describe(entry)}`);
      if (typeof fieldName !== "string") return fail(`fields[${i}].name must be a string`);
      if (typeof type === "string") return { name: fieldName, dataType: resolve(type, undefined) };
      if (isJsonObject(type) && typeof type.name === "string") {
        const config = type.configuration;
        if (config !== undefined && !isJsonObject(config))
          fail(`fields[${i}].data_type.configuration must be an object`);
        return {
          name: fieldName,
          dataType: resolve(type.name, isJsonObject(config) ? config : undefined),
        };
      }
      return fail(
        `fields[${i}].data_type must be a name or {"name": ..., "configuration": ...}, got ${describe(type ?? null)}`,
      );
    }),
  );
}

/** A plain object of values by name (not an array, a typed array or null). */
function isRecord(value: unknown): value is StructScalar {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value)
  );
}
