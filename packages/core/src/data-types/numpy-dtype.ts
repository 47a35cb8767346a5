import { coreDataType } from "./core-data-types.js";
import type { DataType } from "./data-type.js";
import { fixedLengthUtf32 } from "./fixed-length-utf32.js";

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
 * `|b1`, `<c16`, `|V3`, `<U8` (fixed_length_utf32), ... ; undefined for anything else (`|O`,
 * `|S8`, structured types).
 */
export function parseNumpyDtype(text: string): NumpyDtype | undefined {
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
  const order = dataType.laneSize === 1 || letter === "V" ? "|" : endian === "big" ? ">" : "<";
  // NumPy counts `U` lengths in code points, everything else in bytes.
  return `${order}${letter}${letter === "U" ? dataType.itemSize / 4 : dataType.itemSize}`;
}
