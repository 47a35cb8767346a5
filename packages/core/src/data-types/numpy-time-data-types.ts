import {
  InvalidMetadataError,
  InvalidValueError,
  UnsupportedFeatureError,
} from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import type { DataType } from "./data-type.js";

export const NUMPY_DATETIME64 = "numpy.datetime64";
export const NUMPY_TIMEDELTA64 = "numpy.timedelta64";
export type NumpyTimeTypeName = typeof NUMPY_DATETIME64 | typeof NUMPY_TIMEDELTA64;

/** NumPy's time units (zarr-extensions lists the same); "μs" is another spelling of "us". */
export const NUMPY_TIME_UNITS = [
  "Y",
  "M",
  "W",
  "D",
  "h",
  "m",
  "s",
  "ms",
  "us",
  "μs",
  "ns",
  "ps",
  "fs",
  "as",
  "generic",
] as const;
export type NumpyTimeUnit = (typeof NUMPY_TIME_UNITS)[number];

/** NaT ("not a time"): the smallest int64, in every unit. */
export const NOT_A_TIME = -(1n << 63n);
const MAX = (1n << 63n) - 1n;
const MAX_SCALE_FACTOR = 2147483647;

export function isNumpyTimeUnit(text: string): text is NumpyTimeUnit {
  return (NUMPY_TIME_UNITS as readonly string[]).includes(text);
}

/**
 * zarr-extensions' `numpy.datetime64` (a moment: `scale_factor` units since 1970-01-01T00:00Z)
 * and `numpy.timedelta64` (a duration in those units). Elements are int64 counts in a
 * BigInt64Array, NaT included; scalars are bigints (numbers that are safe integers and "NaT"
 * are accepted too). Fill values are integers or "NaT"; zarrkit writes integers, as NumPy-based
 * writers do, so NaT is written -9223372036854775808.
 */
export function numpyTimeDataType(
  name: NumpyTimeTypeName,
  unit: NumpyTimeUnit,
  scaleFactor: number,
): DataType<NumpyTimeTypeName> {
  if (!Number.isInteger(scaleFactor) || scaleFactor < 1 || scaleFactor > MAX_SCALE_FACTOR)
    throw new InvalidMetadataError(
      `data_type "${name}": configuration.scale_factor must be an integer 1..${MAX_SCALE_FACTOR}, got ${scaleFactor}`,
    );
  if (unit === "generic" && scaleFactor !== 1)
    throw new InvalidMetadataError(
      `data_type "${name}": the "generic" unit takes no scale factor (1), got ${scaleFactor}`,
    );
  const toBytes = (value: bigint): Uint8Array => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, value, true);
    return out;
  };
  const toBigInt = (element: Uint8Array): bigint =>
    new DataView(element.buffer, element.byteOffset, 8).getBigInt64(0, true);
  /** A count of units from a JSON or JS value; undefined when it is not one. */
  const count = (value: unknown): bigint | undefined => {
    if (value === "NaT") return NOT_A_TIME;
    if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : undefined;
    if (typeof value === "bigint") return value >= NOT_A_TIME && value <= MAX ? value : undefined;
    return undefined;
  };
  const checkedElement = (element: Uint8Array): Uint8Array => {
    if (element.byteLength !== 8)
      throw new InvalidValueError(`element of ${name} must be 8 bytes, got ${element.byteLength}`);
    return element;
  };
  return {
    name,
    kind: name === NUMPY_DATETIME64 ? "datetime" : "timedelta",
    variableLength: false,
    itemSize: 8,
    lanes: 1,
    laneSize: 8,
    configuration: { unit, scale_factor: scaleFactor },
    allocate: (n) => new BigInt64Array(n),
    view: (buffer, byteOffset, n) => new BigInt64Array(buffer, byteOffset, n),
    decodeFillValue(json: JsonValue) {
      const value = count(json);
      if (value === undefined)
        throw new InvalidMetadataError(
          `fill_value ${describe(json)} is not valid for data type ${name}: expected an int64 integer or "NaT"`,
        );
      return toBytes(value);
    },
    encodeFillValue(element) {
      const value = toBigInt(checkedElement(element));
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value;
    },
    fromScalar(value) {
      const parsed = count(value);
      if (parsed === undefined)
        throw new InvalidValueError(
          `value ${typeof value === "bigint" ? `${value}n` : String(value)} is not valid for data type ${name}: expected an int64 count of ${scaleFactor === 1 ? "" : `${scaleFactor} `}${unit} (a bigint, a safe integer, or "NaT")`,
        );
      return toBytes(parsed);
    },
    toScalar: (element) => toBigInt(checkedElement(element)),
  };
}

/** Reads `{"unit": ..., "scale_factor": ...}`, both required, nothing else allowed. */
export function numpyTimeDataTypeFromConfig(
  name: NumpyTimeTypeName,
  configuration: JsonObject | undefined,
): DataType<NumpyTimeTypeName> {
  const unit = isJsonObject(configuration) ? configuration.unit : undefined;
  const scale = isJsonObject(configuration) ? configuration.scale_factor : undefined;
  if (typeof unit !== "string" || !isNumpyTimeUnit(unit))
    throw new InvalidMetadataError(
      `data_type "${name}" needs configuration.unit, one of ${NUMPY_TIME_UNITS.join(", ")}; got ${describe(unit ?? null)}`,
    );
  if (typeof scale !== "number")
    throw new InvalidMetadataError(
      `data_type "${name}" needs configuration.scale_factor, an integer 1..${MAX_SCALE_FACTOR}; got ${describe(scale ?? null)}`,
    );
  const extra = Object.keys(configuration ?? {}).filter(
    (k) => k !== "unit" && k !== "scale_factor",
  );
  if (extra.length > 0)
    throw new UnsupportedFeatureError(
      `data_type "${name}": unknown configuration field(s) ${extra.join(", ")}`,
    );
  return numpyTimeDataType(name, unit, scale);
}
