import { UnsupportedFeatureError } from "../errors/errors.js";
import type { V2Dtype, V2Field } from "../metadata/v2-metadata.js";
import { coreDataType } from "./core-data-types.js";
import type { DataType } from "./data-type.js";
import { fixedLengthUtf32 } from "./fixed-length-utf32.js";
import { nullTerminatedBytes } from "./null-terminated-bytes.js";
import {
  isNumpyTimeUnit,
  NUMPY_DATETIME64,
  NUMPY_TIMEDELTA64,
  numpyTimeDataType,
} from "./numpy-time-data-types.js";
import { isStructDataType, structDataType } from "./struct-data-type.js";

/** A NumPy dtype string resolved to a data type and the byte order of its stored elements. */
export interface NumpyDtype {
  readonly dataType: DataType;
  /** undefined when order does not apply (one-byte and raw types). */
  readonly endian: "little" | "big" | undefined;
}

const KIND_NAMES: Record<string, (size: number) => string | undefined> = {
  b: (n) => (n === 1 ? "bool" : undefined),
  i: (n) => ([1, 2, 4, 8].includes(n) ? `int${n * 8}` : undefined),
  u: (n) => ([1, 2, 4, 8].includes(n) ? `uint${n * 8}` : undefined),
  f: (n) => ([2, 4, 8].includes(n) ? `float${n * 8}` : undefined),
  c: (n) => ([8, 16].includes(n) ? `complex${n * 8}` : undefined),
  V: (n) => (n > 0 ? `r${n * 8}` : undefined),
};

/**
 * Parses the fixed-size NumPy dtype strings that Zarr v2 and numcodecs write: `<i4`, `>f8`,
 * `|b1`, `<c16`, `|V3`, `<U8` (fixed_length_utf32), `|S8` (null_terminated_bytes), `<M8[ns]`
 * and `>m8[10ms]` (numpy.datetime64/timedelta64); undefined for anything else (`|O`,
 * structured types).
 */
export function parseNumpyDtype(text: string): NumpyDtype | undefined {
  const bytes = /^\|S([1-9][0-9]*)$/.exec(text);
  if (bytes !== null) return { dataType: nullTerminatedBytes(Number(bytes[1])), endian: undefined };
  const time = /^([<>=])([Mm])8(?:\[([1-9][0-9]*)?([A-Za-zμ]+)\])?$/.exec(text);
  if (time !== null) {
    // "<M8" alone is NumPy's generic unit.
    const [, order, letter, scale, unit = "generic"] = time;
    if (!isNumpyTimeUnit(unit) || (unit === "generic" && time[4] !== undefined)) return undefined;
    const name = letter === "M" ? NUMPY_DATETIME64 : NUMPY_TIMEDELTA64;
    return {
      dataType: numpyTimeDataType(name, unit, scale === undefined ? 1 : Number(scale)),
      endian: order === ">" ? "big" : "little",
    };
  }
  const unicode = /^([<>=|])U([1-9][0-9]*)$/.exec(text);
  if (unicode !== null)
    return {
      dataType: fixedLengthUtf32(Number(unicode[2]) * 4),
      endian: unicode[1] === ">" ? "big" : "little",
    };
  const match = /^([<>|=])([biufcV])([1-9][0-9]*)$/.exec(text);
  if (match === null) return undefined;
  const [, order, kind, digits] = match;
  const size = Number(digits);
  const name = KIND_NAMES[kind!]!(size);
  const dataType = name === undefined ? undefined : coreDataType(name);
  if (dataType === undefined) return undefined;
  const ordered = dataType.laneSize > 1 && kind !== "V";
  if (!ordered) return { dataType, endian: undefined };
  if (order === "|") return undefined;
  return { dataType, endian: order === ">" ? "big" : "little" };
}

const KIND_LETTERS: Partial<Record<DataType["kind"], string>> = {
  fixed_string: "U",
  fixed_bytes: "S",
  datetime: "M",
  timedelta: "m",
  bool: "b",
  int: "i",
  uint: "u",
  float: "f",
  complex: "c",
  raw: "V",
};

/** The NumPy dtype string of a fixed-size data type; undefined for variable-length ones. */
export function numpyDtypeString(
  dataType: DataType,
  endian: "little" | "big" = "little",
): string | undefined {
  const letter = KIND_LETTERS[dataType.kind];
  if (letter === undefined) return undefined;
  // NumPy's numbers are the core types: bfloat16 or int4 (ml_dtypes) have no dtype string.
  if ("biufcV".includes(letter) && coreDataType(dataType.name) === undefined) return undefined;
  const order = dataType.laneSize === 1 || letter === "V" ? "|" : endian === "big" ? ">" : "<";
  // NumPy counts `U` lengths in code points, everything else in bytes.
  const size = `${order}${letter}${letter === "U" ? dataType.itemSize / 4 : dataType.itemSize}`;
  return letter === "M" || letter === "m" ? size + timeUnitSuffix(dataType) : size;
}

/** `[10ms]`, `[ns]`, or nothing for the generic unit: the bracket of a NumPy time dtype. */
function timeUnitSuffix(dataType: DataType): string {
  const unit = dataType.configuration?.unit;
  const scale = dataType.configuration?.scale_factor;
  if (unit === "generic" || typeof unit !== "string") return "";
  // NumPy spells microseconds "us" in its dtype strings.
  return `[${scale === 1 || typeof scale !== "number" ? "" : scale}${unit === "μs" ? "us" : unit}]`;
}

/**
 * A `.zarray` dtype, a string or a structured dtype's fields: these become a `struct`, whose
 * multi-byte fields must share one byte order (the `bytes` codec has one `endian`). Subarray
 * fields (Zarr's struct has no shapes) throw UnsupportedFeatureError; undefined for a dtype
 * string parseNumpyDtype does not know.
 */
export function parseV2Dtype(dtype: V2Dtype): NumpyDtype | undefined {
  if (typeof dtype === "string") return parseNumpyDtype(dtype);
  const fields: { name: string; dataType: DataType }[] = [];
  let endian: "little" | "big" | undefined;
  for (const [name, inner, shape] of dtype) {
    if (shape !== undefined)
      throw new UnsupportedFeatureError(
        `dtype field "${name}" is a subarray of shape [${shape}]; Zarr's struct fields have none`,
      );
    const parsed = parseV2Dtype(inner);
    if (parsed === undefined) return undefined;
    if (parsed.endian !== undefined && endian !== undefined && parsed.endian !== endian)
      throw new UnsupportedFeatureError(
        `dtype field "${name}" is ${parsed.endian}-endian and an earlier field ${endian}-endian; a struct's fields share one byte order`,
      );
    endian ??= parsed.endian;
    fields.push({ name, dataType: parsed.dataType });
  }
  return { dataType: structDataType(fields), endian };
}

/** The `.zarray` dtype of a fixed-size data type (fields for a struct); undefined if none. */
export function numpyDtypeJson(
  dataType: DataType,
  endian: "little" | "big" = "little",
): V2Dtype | undefined {
  if (!isStructDataType(dataType)) return numpyDtypeString(dataType, endian);
  const fields: V2Field[] = [];
  for (const field of dataType.fields) {
    const inner = numpyDtypeJson(field.dataType, endian);
    if (inner === undefined) return undefined;
    fields.push([field.name, inner]);
  }
  return fields;
}
