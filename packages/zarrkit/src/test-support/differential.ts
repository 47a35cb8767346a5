import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import {
  startHttpServer,
  startS3Server,
  type TestHttpServer,
  type TestS3Server,
} from "@zarrkit/stores/testing";
import { pythonJson } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  CachingStore,
  CoalescingStore,
  type Context,
  type CreateArrayOptions,
  createArray,
  createContext,
  createDefaultContext,
  createDefaultRegistry,
  defaultZarrkitContext,
  FetchStore,
  FileSystemStore,
  type JsonObject,
  type JsonValue,
  type ListableStore,
  MemoryStore,
  type NDArray,
  openArray,
  S3Store,
  type SelectionItem,
  slice,
  WorkerPool,
  type WritableStore,
  type ZarrArray,
  ZipStore,
} from "../index.js";

// Randomised differential tests: arrays and their writes and reads drawn from a seeded
// generator, a peer implementation writing and reading them alongside zarrkit, and NumPy
// keeping the model (interop/differential_model.py). Values are random bits, so NaN
// payloads, -0 and subnormals must survive byte for byte.

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Random = ReturnType<typeof random>;

/** The data types drawn, with their element sizes. */
export const TYPES = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  complex64: 8,
  complex128: 16,
  /** Variable-length: elements are JS strings (values and answers go as JSON). */
  string: 0,
  // NumPy's parametrised types, as zarr-python writes them (tensorstore's zarr3 has none).
  U5: 20,
  S7: 7,
  "M8[ns]": 8,
  "m8[10s]": 8,
  /** A structured dtype: [("a", i4), ("b", u1), ("c", f8)], packed. */
  rec: 13,
  // The low-precision floats tensorstore writes (ml_dtypes in NumPy), held as bit patterns.
  bfloat16: 2,
  float8_e3m4: 1,
  float8_e4m3fn: 1,
  float8_e4m3fnuz: 1,
  float8_e4m3b11fnuz: 1,
  float8_e5m2: 1,
  float8_e5m2fnuz: 1,
  float8_e8m0fnu: 1,
} as const;
export type TypeName = keyof typeof TYPES;
/** The Zarr data types of NumPy's parametrised types. */
const PARAMETRISED: Partial<Record<TypeName, { name: string; configuration: JsonObject }>> = {
  U5: { name: "fixed_length_utf32", configuration: { length_bytes: 20 } },
  S7: { name: "null_terminated_bytes", configuration: { length_bytes: 7 } },
  "M8[ns]": { name: "numpy.datetime64", configuration: { unit: "ns", scale_factor: 1 } },
  "m8[10s]": { name: "numpy.timedelta64", configuration: { unit: "s", scale_factor: 10 } },
  rec: {
    name: "struct",
    configuration: {
      fields: [
        { name: "a", data_type: "int32" },
        { name: "b", data_type: "uint8" },
        { name: "c", data_type: "float64" },
      ],
    },
  },
};
/** The low-precision floats (peers with ml_dtypes: tensorstore). */
export const LOW_PRECISION_TYPE_NAMES: readonly TypeName[] = [
  "bfloat16",
  "float8_e3m4",
  "float8_e4m3fn",
  "float8_e4m3fnuz",
  "float8_e4m3b11fnuz",
  "float8_e5m2",
  "float8_e5m2fnuz",
  "float8_e8m0fnu",
];
/** The fixed-size core types (every peer has them). */
export const TYPE_NAMES = (Object.keys(TYPES) as TypeName[]).filter(
  (t) => TYPES[t] > 0 && PARAMETRISED[t] === undefined && !LOW_PRECISION_TYPE_NAMES.includes(t),
);
/** NumPy's parametrised types (peers that speak NumPy dtypes). */
export const NUMPY_TYPE_NAMES = Object.keys(PARAMETRISED) as TypeName[];

/** createArray's data type options for a case's type. */
function dataTypeOptions(type: TypeName): { dataType: string; dataTypeConfiguration?: JsonObject } {
  const parametrised = PARAMETRISED[type];
  return parametrised === undefined
    ? { dataType: type }
    : { dataType: parametrised.name, dataTypeConfiguration: parametrised.configuration };
}
/** Types whose scalars are JS numbers (the scalar writes use these). */
const NUMBER_SCALARS: readonly TypeName[] = [
  "int8",
  "uint8",
  "int16",
  "uint32",
  "float32",
  "float64",
];

export interface Write {
  selection: string;
  /** A JS number for every selected element, or "fill": the fill value. Absent: file w<j>. */
  scalar?: number | "fill";
  /** Pass the values as an NDArray laid out in Fortran order rather than a C-order array. */
  fortran?: boolean;
  /** zarrkit writes the values in two halves at once (setInHalves). */
  halves?: boolean;
}

/** What every case has; a peer's test adds the metadata it draws. */
export interface Case {
  seed: number;
  index: number;
  id: string;
  dir: string;
  /** Where the peer writes its array, and zarrkit its own. */
  peerPath: string;
  zkPath: string;
  shape: number[];
  chunkShape: number[];
  dataType: TypeName;
  /** NumPy's dtype for the peer and the model ("<i4", ">f8", or the data type's name). */
  dtype: string;
  fillValue: JsonValue;
  writes: Write[];
  /** The shape the array is resized to after the writes, if it is. */
  resize?: number[];
  reads: string[];
  /** How zarrkit reaches the peer's array, where it writes its own, and with what context. */
  reader: "file" | "http" | "coalesced-http" | "cached-file" | "memory" | "zip";
  writer: "file" | "memory" | "cached-memory" | "s3";
  context: ContextKind;
}

/**
 * The contexts cases run under: the default one, codecs on worker threads from the first
 * byte, a decoded-chunk cache (reads after writes must not see stale chunks), one chunk at
 * a time.
 */
type ContextKind = "default" | "workers" | "cache" | "serial";

/**
 * Draws the stores and context a case runs with: S3 (a loopback moto server) only for arrays
 * of a few chunks, as each chunk is a request.
 */
export function access(
  r: Random,
  shape: readonly number[],
  chunkShape: readonly number[],
): Pick<Case, "reader" | "writer" | "context"> {
  const chunks = product(shape.map((n, d) => Math.ceil(n / chunkShape[d]!)));
  return {
    reader: r.pick(["file", "file", "http", "coalesced-http", "cached-file", "memory", "zip"]),
    writer: r.pick([
      "file",
      "file",
      "memory",
      "cached-memory",
      ...(chunks <= 64 ? (["s3"] as const) : []),
    ]),
    context: r.pick(["default", "default", "workers", "cache", "serial"]),
  };
}

export const permutation = (r: Random, rank: number): number[] => {
  const order = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
};

export function fillValue(r: Random, type: TypeName): JsonValue {
  if (type === "bool") return r.chance(0.5);
  if (type === "U5") return r.pick(["", "ab", "ü🧊x"]);
  // base64 of "", "a" and "\0\x01".
  if (type === "S7") return r.pick(["", "YQ==", "AAE="]);
  if (type === "M8[ns]" || type === "m8[10s]") return r.pick([0, 86400, -9223372036854775808n]);
  // Base64 of the packed little-endian record, as zarr-python writes it: zeros, or (-5, 2, 1.5).
  if (type === "rec") return r.pick(["AAAAAAAAAAAAAAAAAA==", "+////wIAAAAAAAD4Pw=="]);
  // Each format's own: e8m0 holds positive powers of two, fn/fnuz formats no infinity.
  // tensorstore 0.1.85 misreads e8m0's numeric fill values (0.25 as the pattern 0x3d, not
  // 0x7d) and writes them into chunks: NaN is the one it reads right.
  if (type === "float8_e8m0fnu") return "NaN";
  if (type.endsWith("fn") || type.endsWith("fnuz")) return r.pick([0, -0.5, 1.25, 3, "NaN", -7]);
  if (type.startsWith("float") || type === "bfloat16")
    return r.pick([0, -0.5, 1.25, 3, "NaN", "Infinity", -7]);
  if (type.startsWith("complex"))
    return r.pick([
      [0, 0],
      [1.5, -2],
      ["NaN", 0],
      [0, "-Infinity"],
    ]);
  if (type.startsWith("uint")) return r.pick([0, 0, 1, 7, 200]);
  return r.pick([0, 0, -1, 5, -100]);
}

/**
 * One selection item of a dimension of length n, in NumPy's text form: an index, everything,
 * or a slice with bounds past either end and steps of either sign.
 */
function item(r: Random, n: number): string {
  const x = r.next();
  if (x < 0.15) return String(r.int(-n, n - 1));
  if (x < 0.3) return ":";
  const step = r.pick([1, 1, 1, 2, 3, -1, -2]);
  const bound = () => (r.chance(0.2) ? "" : String(r.int(-n - 2, n + 2)));
  return `${bound()}:${bound()}${step === 1 && r.chance(0.5) ? "" : `:${step}`}`;
}
const selection = (r: Random, shape: number[]) => shape.map((n) => item(r, n)).join(", ");

/**
 * A shape of rank 1-4 (mostly 2 or 3) and chunks of 1 to 2 past each side: mostly up to
 * ~6000 elements, sometimes up to ~120,000 (chunks large enough for the size-gated paths).
 */
export function randomShapes(r: Random): { shape: number[]; chunkShape: number[] } {
  const rank = r.pick([1, 2, 2, 2, 3, 3, 4]);
  const big = r.chance(0.15);
  const [limit, longest] = big ? [120_000, 600] : [6000, 40];
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const room = Math.floor(limit / product(shape));
    shape.push(r.int(1, Math.max(1, Math.min(longest, Math.floor(room ** (1 / (rank - d)))))));
  }
  return { shape, chunkShape: shape.map((n) => r.int(1, n + 2)) };
}

/** The seed and case count of a run: ZARRKIT_DIFF_SEED and ZARRKIT_DIFF_CASES, else defaults. */
export function runSettings(cases: number): { seed: number; cases: number } {
  return {
    seed: Number(process.env.ZARRKIT_DIFF_SEED ?? 20261203),
    cases: Number(process.env.ZARRKIT_DIFF_CASES ?? cases),
  };
}

/** The writes (whole, scalar, the fill value, values of either layout) and reads of a case. */
export function writesAndReads(
  r: Random,
  shape: number[],
  type: TypeName,
  resizable = true,
): { writes: Write[]; reads: string[]; resize?: number[] } {
  const everything = shape.map(() => ":").join(", ");
  const writes: Write[] = [];
  for (let n = r.int(1, 4); n > 0; n--) {
    const x = r.next();
    if (x < 0.2) writes.push({ selection: everything });
    else if (x < 0.3 && NUMBER_SCALARS.includes(type))
      writes.push({
        selection: selection(r, shape),
        scalar: r.int(type.startsWith("uint") ? 0 : -3, 90),
      });
    else if (x < 0.4) writes.push({ selection: selection(r, shape), scalar: "fill" });
    else
      writes.push({
        selection: selection(r, shape),
        fortran: r.chance(0.3),
        halves: r.chance(0.3),
      });
  }
  // Sometimes the array is resized after the writes (each dimension cut or grown); the
  // reads are of the shape it then has.
  const resize =
    resizable && r.chance(0.15) ? shape.map((n) => r.int(1, Math.ceil(n * 1.5))) : undefined;
  const final = resize ?? shape;
  const reads = [final.map(() => ":").join(", ")];
  for (let n = r.int(2, 4); n > 0; n--) reads.push(selection(r, final));
  return { writes, reads, ...(resize && { resize }) };
}

/** A selected range of one dimension, as Python's slice.indices() makes it. */
interface Range {
  start: number;
  step: number;
  count: number;
}
/** What an item of the selection text selects in a dimension of length n (undefined: an index). */
function rangeOf(text: string, n: number): Range | undefined {
  const t = text.trim();
  if (!t.includes(":")) return undefined;
  const [a, b, c] = t.split(":").map((p) => (p.trim() === "" ? null : Number(p)));
  const step = c ?? 1;
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number) =>
    v === null || v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const start = step > 0 ? norm(a, 0, 0, n) : norm(a, n - 1, -1, n - 1);
  const stop = step > 0 ? norm(b, n, 0, n) : norm(b, -1, -1, n - 1);
  const count =
    step > 0
      ? Math.max(0, Math.ceil((stop - start) / step))
      : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, count };
}
const selectedShape = (text: string, shape: number[]): number[] =>
  text
    .split(",")
    .map((t, d) => rangeOf(t, shape[d]!)?.count)
    .filter((n): n is number => n !== undefined);
const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A case's elements: little-endian element bytes, or strings. */
type Elements = Uint8Array | string[];

const PIECES = ["a", "b", "Z", "0", " ", "é", "ß", "中", "🧊", "\u0000", "\n"];

/** Random elements: any bit pattern (but 0 or 1 for bool), or strings of 0-12 pieces. */
function randomElements(r: Random, type: TypeName, count: number): Elements {
  if (type === "string")
    return Array.from({ length: count }, () =>
      Array.from({ length: r.pick([0, 1, 3, 12]) }, () => r.pick(PIECES)).join(""),
    );
  const bytes = new Uint8Array(count * TYPES[type]);
  for (let i = 0; i < bytes.length; i++) bytes[i] = type === "bool" ? r.int(0, 1) : r.int(0, 255);
  return bytes;
}

/** w<j> / r<k> files: element bytes, or strings as JSON. */
const elementsFile = (c: Case, name: string) =>
  join(c.dir, `${name}.${c.dataType === "string" ? "json" : "bin"}`);
function writeElements(file: string, elements: Elements): void {
  writeFileSync(file, elements instanceof Uint8Array ? elements : JSON.stringify(elements));
}
function readElements(file: string): Elements {
  if (file.endsWith(".bin")) return readFileSync(file);
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string"))
    throw new Error(`${file} holds no list of strings`);
  return parsed;
}

/** Calls `visit(i, at)` for each element in C order, `at` its index through `stride`. */
function walk(
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
  visit: (i: number, at: number) => void,
) {
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0, count = product(shape); i < count; i++) {
    let at = offset;
    for (let d = 0; d < index.length; d++) at += index[d]! * stride[d]!;
    visit(i, at);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

/** The elements of an NDArray in C order: little-endian bytes (this machine's order) or strings. */
function cOrderElements(array: NDArray): Elements {
  const { data } = array;
  if (!ArrayBuffer.isView(data)) {
    const out: string[] = [];
    walk(array.shape, array.stride, array.offset, (_, at) => out.push(String(data[at])));
    return out;
  }
  // Strides and offsets count elements (a complex number is two lanes).
  const size = array.dataType.itemSize;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(product(array.shape) * size);
  walk(array.shape, array.stride, array.offset, (i, at) =>
    out.set(bytes.subarray(at * size, (at + 1) * size), i * size),
  );
  return out;
}

/** Element storage for `count` elements of the array's type, from `elements` in that order. */
function storage(array: ZarrArray, count: number, at: (i: number) => number, elements: Elements) {
  if (!(elements instanceof Uint8Array)) {
    const data: string[] = new Array<string>(count).fill("");
    elements.forEach((e, i) => {
      data[at(i)] = e;
    });
    return data;
  }
  const size = array.dataType.itemSize;
  const copy = new Uint8Array(count * size);
  for (let i = 0; i * size < elements.length; i++)
    copy.set(elements.subarray(i * size, (i + 1) * size), at(i) * size);
  return array.dataType.view(copy.buffer, 0, count);
}

/** The case's values as zarrkit takes them: C order, or an NDArray in Fortran order. */
function valueFor(
  array: ZarrArray,
  elements: Elements,
  shape: number[],
  fortran: boolean,
): NDArray | ReturnType<typeof storage> {
  const count = product(shape);
  if (!fortran) return storage(array, count, (i) => i, elements);
  const stride = new Array<number>(shape.length);
  for (let d = 0, step = 1; d < shape.length; step *= shape[d]!, d++) stride[d] = step;
  const place: number[] = [];
  walk(shape, stride, 0, (_, at) => place.push(at));
  const data = storage(array, count, (i) => place[i]!, elements);
  return { data, shape, stride, offset: 0, dataType: array.dataType };
}

/** The value as an NDArray (a C-order array gets its strides). */
function asView(
  array: ZarrArray,
  value: NDArray | ReturnType<typeof storage>,
  shape: number[],
): NDArray {
  if ("stride" in value) return value;
  const stride = new Array<number>(shape.length);
  for (let d = shape.length - 1, step = 1; d >= 0; step *= shape[d]!, d--) stride[d] = step;
  return { data: value, shape, stride, offset: 0, dataType: array.dataType };
}

/**
 * Sets the value in two halves at once, split along the selection's first range of two or
 * more elements: the halves may share chunks, and both updates must survive. False when
 * there is no such range (or nothing is selected).
 */
async function setInHalves(
  array: ZarrArray,
  c: Case,
  selection: string,
  value: NDArray,
): Promise<boolean> {
  const ranges = selection.split(",").map((t, d) => rangeOf(t, c.shape[d]!) ?? Number(t));
  const split = ranges.findIndex((x) => typeof x !== "number" && x.count >= 2);
  if (split < 0 || ranges.some((x) => typeof x !== "number" && x.count === 0)) return false;
  const axis = ranges.slice(0, split).filter((x) => typeof x !== "number").length;
  const item = (x: Range | number, from: number, count: number): SelectionItem => {
    if (typeof x === "number") return x;
    const first = x.start + from * x.step;
    const end = first + count * x.step;
    return slice(first, end < 0 ? null : end, x.step);
  };
  const half = (from: number, count: number) =>
    array.set(
      ranges.map((x, d) =>
        d === split ? item(x, from, count) : item(x, 0, typeof x === "number" ? 0 : x.count),
      ),
      {
        ...value,
        shape: value.shape.map((n, d) => (d === axis ? count : n)),
        offset: value.offset + from * value.stride[axis]!,
      },
    );
  const whole = (ranges[split] as Range).count;
  const h = Math.floor(whole / 2);
  await Promise.all([half(0, h), half(h, whole - h)]);
  return true;
}

/** zarrkit applies the case's writes, in order, to its own array, then resizes it if asked. */
async function applyWrites(array: ZarrArray, c: Case): Promise<void> {
  await applyEach(array, c);
  if (c.resize !== undefined) await array.resize(c.resize);
}

async function applyEach(array: ZarrArray, c: Case): Promise<void> {
  for (const [j, w] of c.writes.entries()) {
    if (w.scalar === "fill") await array.set(w.selection, array.fillValue);
    else if (w.scalar !== undefined) await array.set(w.selection, w.scalar);
    else {
      const elements = readElements(elementsFile(c, `w${j}`));
      const shape = selectedShape(w.selection, c.shape);
      const value = valueFor(array, elements, shape, w.fortran === true);
      if (w.halves && (await setInHalves(array, c, w.selection, asView(array, value, shape))))
        continue;
      await array.set(w.selection, value);
    }
  }
}

const PAD = 3;
const SENTINEL = 0xa5;
const SENTINEL_TEXT = "\u0000sentinel";

/**
 * Caller memory for a read of `shape`: the elements in a random order of dimensions, each
 * walked either way, between PAD elements on both sides that hold SENTINEL bytes (or text).
 */
function outView(array: ZarrArray, shape: readonly number[], r: Random): NDArray {
  const count = product(shape);
  const stride = new Array<number>(shape.length);
  let offset = PAD;
  let step = 1;
  for (const d of permutation(r, shape.length)) {
    const backwards = r.chance(0.5) && shape[d]! > 0;
    stride[d] = backwards ? -step : step;
    if (backwards) offset += (shape[d]! - 1) * step;
    step *= shape[d]!;
  }
  const size = array.dataType.itemSize;
  const data = array.dataType.variableLength
    ? new Array<string>(count + 2 * PAD).fill(SENTINEL_TEXT)
    : array.dataType.view(
        new Uint8Array((count + 2 * PAD) * size).fill(SENTINEL).buffer,
        0,
        count + 2 * PAD,
      );
  return { data, shape: [...shape], stride, offset, dataType: array.dataType };
}

/** The PAD elements before and after a caller's memory (outView), as they are now. */
function edgesOf(out: NDArray): Elements {
  const { data } = out;
  if (!ArrayBuffer.isView(data)) return [...data.slice(0, PAD), ...data.slice(-PAD)].map(String);
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const edge = PAD * out.dataType.itemSize;
  return Uint8Array.from([...raw.subarray(0, edge), ...raw.subarray(raw.length - edge)]);
}

/** Where two element lists first differ, as text for a failure message. */
function firstDifference(got: Elements, want: Elements, size: number): string {
  if (!(got instanceof Uint8Array) || !(want instanceof Uint8Array)) {
    const e = got.findIndex((x, i) => x !== want[i]);
    return `element ${e}: got ${JSON.stringify(got[e])}, want ${JSON.stringify(want[e])}`;
  }
  let first = 0;
  while (got[first] === want[first]) first++;
  const e = Math.floor(first / size);
  const hex = (b: Uint8Array) => Buffer.from(b.subarray(e * size, (e + 1) * size)).toString("hex");
  return `element ${e}: got ${hex(got)}, want ${hex(want)}`;
}

const same = (a: Elements, b: Elements) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Reads every selection of the case and compares with the model's elements and shapes; every
 * other read goes into caller memory (outView), which must be untouched around the result.
 */
async function checkReads(array: ZarrArray, c: Case, shapes: number[][], label: string) {
  const r = random(c.seed * 31 + c.index);
  for (const [k, text] of c.reads.entries()) {
    const shape = shapes[k]!;
    const out = k % 2 === 1 ? outView(array, shape, r) : undefined;
    const got = await array.get(text, { out });
    const want = readElements(elementsFile(c, `r${k}`));
    expect([label, text, got.shape]).toEqual([label, text, shape]);
    const elements = cOrderElements(got);
    if (!same(elements, want))
      expect.fail(
        `${label}: read "${text}"${out ? " into caller memory" : ""} differs first at ${firstDifference(elements, want, array.dataType.itemSize)}`,
      );
    if (out !== undefined) {
      const untouched = edgesOf(out).every((x) => x === SENTINEL || x === SENTINEL_TEXT);
      expect([label, text, untouched]).toEqual([label, text, true]);
    }
  }
}

/** Every file below `root`, by its key (a path with "/"). */
function filesUnder(root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(root, path).split(sep).join("/"), readFileSync(path));
  }
  return out;
}

/** The case as JSON, without its paths: enough to rebuild it by hand. */
const describeCase = ({ dir, peerPath, zkPath, ...rest }: Case) => JSON.stringify(rest);

/** Where each case's files go; removed after the file's tests. */
export function caseRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** The parts of a case every generator fills in the same way. */
export function caseBase(
  seed: number,
  index: number,
  root: string,
): Pick<Case, "seed" | "index" | "id" | "dir" | "peerPath" | "zkPath"> {
  const id = `case-${index}`;
  const dir = join(root, id);
  return { seed, index, id, dir, peerPath: join(dir, "peer"), zkPath: join(dir, "zk") };
}

/**
 * The tests of one peer: it writes every case and NumPy answers the reads (one Python run);
 * per case, zarrkit reads the peer's array, then writes its own and reads that; last, the
 * peer reads every array zarrkit wrote (a second run). `peerScript` is the peer's functions
 * (see differential_model.py); `create` makes zarrkit's array for a case.
 */
export function differentialTests<C extends Case>(options: {
  peerName: string;
  python: ((script: string, input?: string) => string) | undefined;
  peerScript: URL;
  cases: C[];
  /** The format's part of createArray's options for zarrkit's array of a case. */
  format: (c: C) => Omit<CreateArrayOptions<string>, "shape" | "dataType" | "fillValue">;
}): void {
  const { peerName, python, cases, format } = options;
  const registry = createDefaultRegistry();
  const pool = new WorkerPool(registry, { threads: 2, minBytes: 0, startAfterBytes: 0 });
  const contexts: Record<ContextKind, Context> = {
    default: defaultZarrkitContext(),
    workers: createContext({ registry, codecRunner: pool }),
    cache: createDefaultContext({ workers: false, chunkCacheBytes: 1 << 22 }),
    serial: createDefaultContext({ workers: false, concurrency: 1 }),
  };
  let server: TestHttpServer | undefined;
  // Started for the first S3 case; undefined (said loudly) when moto is not installed.
  let s3: Promise<TestS3Server | undefined> | undefined;
  afterAll(async () => {
    await pool.close();
    await server?.close();
    await (await s3)?.close();
  });
  /**
   * Where zarrkit writes its array, and the store to copy its keys out of for the peer when
   * they are not files already.
   */
  const ourStore = async (
    c: C,
  ): Promise<{ store: WritableStore; keys?: WritableStore & ListableStore }> => {
    if (c.writer === "memory") {
      const memory = new MemoryStore();
      return { store: memory, keys: memory };
    }
    if (c.writer === "cached-memory") {
      // Reads after the writes go through the cache: a stale entry would show.
      const memory = new MemoryStore();
      return { store: new CachingStore(memory, { maxBytes: 1 << 20 }), keys: memory };
    }
    if (c.writer === "s3") {
      s3 ??= startS3Server();
      const moto = await s3;
      if (moto !== undefined) {
        const s3Store = new S3Store({
          bucket: await moto.createBucket(),
          endpoint: moto.endpoint,
          region: moto.region,
          credentials: moto.credentials,
        });
        return { store: s3Store, keys: s3Store };
      }
    }
    return { store: new FileSystemStore(c.zkPath) };
  };
  const peerStore = async (c: C) => {
    if (c.reader === "file") return new FileSystemStore(c.peerPath, { readOnly: true });
    if (c.reader === "http" || c.reader === "coalesced-http") {
      server ??= await startHttpServer(dirname(c.dir));
      const http = new FetchStore(new URL(`${c.id}/peer/`, server.url));
      return c.reader === "http" ? http : new CoalescingStore(http);
    }
    if (c.reader === "cached-file")
      return new CachingStore(new FileSystemStore(c.peerPath, { readOnly: true }), {
        maxBytes: 1 << 20,
      });
    if (c.reader === "zip")
      return new ZipStore(new FileSystemStore(c.dir, { readOnly: true }), "peer.zip");
    const memory = new MemoryStore();
    for (const [key, bytes] of filesUnder(c.peerPath)) await memory.set(key, bytes);
    return memory;
  };
  const script = () =>
    `${readFileSync(options.peerScript, "utf8")}\n${readFileSync(new URL("../interop/differential_model.py", import.meta.url), "utf8")}`;
  describe.skipIf(python === undefined)(
    `random arrays against ${peerName} (seed ${cases[0]?.seed})`,
    () => {
      for (const c of cases) {
        mkdirSync(c.dir, { recursive: true });
        const r = random(c.seed * 104729 + c.index);
        for (const [j, w] of c.writes.entries()) {
          if (w.scalar !== undefined) continue;
          const count = product(selectedShape(w.selection, c.shape));
          writeElements(elementsFile(c, `w${j}`), randomElements(r, c.dataType, count));
        }
      }
      const shapes: Record<string, JsonValue> =
        python === undefined ? {} : JSON.parse(python(script(), pythonJson(["write", cases])));

      // Only arrays zarrkit finished writing go back to the peer (a failed case has said so).
      const written: C[] = [];
      for (const c of cases) {
        it(`${c.id}: zarrkit reads what ${peerName} wrote, and writes what NumPy expects`, async () => {
          const got = shapes[c.id];
          if (!Array.isArray(got) || !got.every((s): s is number[] => Array.isArray(s)))
            expect.fail(`${peerName} failed: ${JSON.stringify(got)}\n${describeCase(c)}`);
          try {
            const context = contexts[c.context];
            const theirs = await openArray(await peerStore(c), "", { context });
            await checkReads(theirs, c, got, `${peerName}'s array`);
            const { store, keys } = await ourStore(c);
            const ours = await createArray(store, "", {
              context,
              // Every third array stores chunks that hold only the fill value too.
              writeEmptyChunks: c.index % 3 === 0,
              shape: c.shape,
              chunkShape: c.chunkShape,
              ...dataTypeOptions(c.dataType),
              fillValueJson: c.fillValue,
              ...format(c),
            });
            await applyWrites(ours, c);
            // The peer reads files: a memory or S3 store's keys are written out as they are.
            for await (const key of keys?.list("") ?? []) {
              mkdirSync(dirname(join(c.zkPath, key)), { recursive: true });
              writeFileSync(join(c.zkPath, key), (await keys!.get(key))!);
            }
            written.push(c);
            await checkReads(ours, c, got, "zarrkit's array");
          } catch (err) {
            throw new Error(`${String(err)}\n${describeCase(c)}`, { cause: err });
          }
        });
      }

      it(`${peerName} reads every array zarrkit wrote as NumPy expects`, () => {
        const verdict: Record<string, JsonValue> = JSON.parse(
          python!(script(), pythonJson(["read", written])),
        );
        const wrong = written
          .filter((c) => verdict[c.id] !== true)
          .map((c) => `${JSON.stringify(verdict[c.id])}\n${describeCase(c)}`);
        expect(wrong).toEqual([]);
      });
    },
  );
}
