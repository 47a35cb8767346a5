import { pythonWith, zarrPython } from "@zarrkit/test-support";
import type { JsonObject, JsonValue } from "../index.js";
import {
  access,
  type Case,
  caseBase,
  caseRoot,
  differentialTests,
  fillValue,
  NUMPY_TYPE_NAMES,
  type Random,
  random,
  randomShapes,
  runSettings,
  TYPE_NAMES,
  TYPES,
  type TypeName,
  writesAndReads,
} from "../test-support/differential.js";

// Randomised differential tests against zarr-python 2.13 (test-support/differential.ts), Zarr
// v2: each case draws a dtype of either byte order (core types, strings, and NumPy's U, S, M8
// and m8), chunks, fill value, order C or F, key
// separator, a numcodecs compressor (blosc of every cname and shuffle, zlib, gzip, zstd, lz4)
// and filters (delta, shuffle), then the same writes and reads as the tensorstore tests.
// zarr-python writes what zarrkit reads and reads what zarrkit writes (zarrkit writes
// little-endian dtypes). ZARRKIT_DIFF_SEED and ZARRKIT_DIFF_CASES replay or widen a run.
const { seed: SEED, cases: CASES } = runSettings(80);
const root = caseRoot("zarrkit-diff-v2-");

interface V2Case extends Case {
  compressor: JsonObject | null;
  filters: JsonObject[] | null;
  order: "C" | "F";
  dimensionSeparator: "." | "/";
}

const CODES: Partial<Record<TypeName, string>> = {
  bool: "b1",
  int8: "i1",
  uint8: "u1",
  int16: "i2",
  uint16: "u2",
  int32: "i4",
  uint32: "u4",
  int64: "i8",
  uint64: "u8",
  float16: "f2",
  float32: "f4",
  float64: "f8",
  complex64: "c8",
  complex128: "c16",
  string: "O",
  U5: "U5",
  S7: "S7",
  "M8[ns]": "M8[ns]",
  "m8[10s]": "m8[10s]",
  rec: "",
};

function compressor(r: Random): JsonObject | null {
  switch (r.pick(["none", "blosc", "blosc", "zlib", "gzip", "zstd", "lz4"])) {
    case "blosc":
      return {
        id: "blosc",
        cname: r.pick(["lz4", "lz4hc", "blosclz", "zstd", "zlib"]),
        clevel: r.int(0, 9),
        shuffle: r.int(0, 2),
        blocksize: r.pick([0, 0, 64, 1000]),
      };
    case "zlib":
      return { id: "zlib", level: r.int(0, 9) };
    case "gzip":
      return { id: "gzip", level: r.int(0, 9) };
    case "zstd":
      return { id: "zstd", level: r.int(-2, 6) };
    case "lz4":
      return { id: "lz4", acceleration: r.int(1, 4) };
    default:
      return null;
  }
}

/** Lossless filters: delta only for integers (float differences round). */
function filters(r: Random, type: TypeName, dtype: string): JsonObject[] | null {
  // A string array's one filter is its vlen codec, which both sides add themselves.
  if (type === "string" || !r.chance(0.3)) return null;
  if (/int/.test(type) && r.chance(0.5)) return [{ id: "delta", dtype }];
  return [{ id: "shuffle", elementsize: TYPES[type] }];
}

/**
 * zarr-python 2.13 decodes a complex fill [re, im] as re + 1j * im, which makes an infinite
 * imaginary part's real part NaN, and writes that into the chunks it fills: no infinities.
 */
const v2Fill = (fill: JsonValue): JsonValue =>
  Array.isArray(fill) && fill.some((x) => typeof x === "string" && x.includes("Infinity"))
    ? [0, 1]
    : fill;

function makeCase(index: number): V2Case {
  const r = random(SEED * 6007 + index);
  // Strings and NumPy's parametrised types too.
  const x = r.next();
  const type: TypeName =
    x < 0.12 ? "string" : x < 0.3 ? r.pick(NUMPY_TYPE_NAMES) : r.pick(TYPE_NAMES);
  const { shape, chunkShape } = randomShapes(r);
  const ordered = TYPES[type] > 1 && type !== "S7";
  const order = ordered ? r.pick(["<", ">"]) : "|";
  // A structured dtype goes to NumPy as its fields in JSON.
  const dtype =
    type === "rec"
      ? JSON.stringify([
          ["a", `${order}i4`],
          ["b", "|u1"],
          ["c", `${order}f8`],
        ])
      : `${order}${CODES[type]}`;
  const dimensionSeparator = r.pick([".", "/"] as const);
  return {
    ...caseBase(SEED, index, root),
    shape,
    chunkShape,
    dataType: type,
    dtype,
    fillValue: type === "string" ? "" : v2Fill(fillValue(r, type)),
    compressor: compressor(r),
    filters: filters(r, type, dtype),
    order: r.pick(["C", "F"]),
    dimensionSeparator,
    // zarr-python 2.13's resize drops dimension_separator from .zarray (and then reads its own
    // "/" chunks as missing), so arrays with "/" keys are not resized.
    ...writesAndReads(r, shape, type, dimensionSeparator === "."),
    ...access(r, shape, chunkShape),
  };
}

differentialTests({
  peerName: "zarr-python",
  python: pythonWith("zarr", zarrPython()),
  peerScript: new URL("./zarr_python_differential.py", import.meta.url),
  cases: Array.from({ length: CASES }, (_, i) => makeCase(i)),
  // zarrkit writes little-endian v2 dtypes, so a delta filter's dtype follows.
  format: (c) => ({
    zarrFormat: 2,
    compressor: c.compressor,
    filters: c.filters?.map((f) =>
      typeof f.dtype === "string" ? { ...f, dtype: f.dtype.replace(">", "<") } : f,
    ),
    order: c.order,
    dimensionSeparator: c.dimensionSeparator,
  }),
});
