import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonJson, pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  type ArrayFor,
  createArray,
  FileSystemStore,
  type JsonValue,
  type NamedConfigJson,
  type NDArray,
  openArray,
  type SelectionItem,
  slice,
  typedArrayOf,
  type ZarrArray,
} from "../index.js";

// Randomised differential tests against tensorstore, with NumPy keeping the model. Each case is
// an array (rank, shape, chunks, data type, fill value, key encoding and a codec chain drawn at
// random: transposes, both byte orders, gzip/zstd/blosc/crc32c, sharding with its index at
// either end, nested shards) and a few writes and reads of NumPy basic-indexing selections
// (negative indices, steps of either sign, dropped dimensions, empty ranges, scalars, the fill
// value over whole chunks). tensorstore writes and zarrkit reads; zarrkit writes and both read.
// Values are random bits, so NaN payloads, -0 and subnormals must survive byte for byte.
// ZARRKIT_DIFF_SEED and ZARRKIT_DIFF_CASES replay or widen a run; a failure names its seed.
const SEED = Number(process.env.ZARRKIT_DIFF_SEED ?? 20261203);
const CASES = Number(process.env.ZARRKIT_DIFF_CASES ?? 120);
const ts = pythonWith("tensorstore", tensorstorePython());
const root = mkdtempSync(join(tmpdir(), "zarrkit-diff-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
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
type Random = ReturnType<typeof random>;

const TYPES = {
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
} as const;
type TypeName = keyof typeof TYPES;
const TYPE_NAMES = Object.keys(TYPES) as TypeName[];
/** Types whose scalars are JS numbers (the scalar writes use these). */
const NUMBER_SCALARS: readonly TypeName[] = [
  "int8",
  "uint8",
  "int16",
  "uint32",
  "float32",
  "float64",
];

interface Write {
  selection: string;
  /** A JS number for every selected element, or "fill": the fill value. Absent: w<j>.bin. */
  scalar?: number | "fill";
  /** Pass the values as an NDArray laid out in Fortran order rather than a C-order array. */
  fortran?: boolean;
  /** zarrkit writes the values in two halves at once (setInHalves). */
  halves?: boolean;
}
interface Case {
  id: string;
  dir: string;
  tsPath: string;
  zkPath: string;
  shape: number[];
  chunkShape: number[];
  dataType: TypeName;
  fillValue: JsonValue;
  chunkKeyEncoding: NamedConfigJson;
  codecs: NamedConfigJson[];
  writes: Write[];
  reads: string[];
}

const bytesCodec = (r: Random, type: TypeName): NamedConfigJson =>
  TYPES[type] === 1
    ? { name: "bytes" }
    : { name: "bytes", configuration: { endian: r.pick(["little", "big"]) } };

function compressors(r: Random, type: TypeName): NamedConfigJson[] {
  const out: NamedConfigJson[] = [];
  for (let n = r.pick([0, 1, 1, 1, 2]); n > 0; n--) {
    const kind = r.pick(["gzip", "zstd", "blosc", "blosc"]);
    if (kind === "gzip") out.push({ name: "gzip", configuration: { level: r.int(0, 9) } });
    else if (kind === "zstd")
      out.push({ name: "zstd", configuration: { level: r.int(-2, 6), checksum: r.chance(0.5) } });
    else
      out.push({
        name: "blosc",
        configuration: {
          cname: r.pick(["lz4", "lz4hc", "blosclz", "zstd", "zlib"]),
          clevel: r.int(0, 9),
          shuffle: r.pick(["noshuffle", "shuffle", "bitshuffle"]),
          typesize: TYPES[type],
          blocksize: r.pick([0, 0, 64, 1000, 4096]),
        },
      });
  }
  if (r.chance(0.25)) out.push({ name: "crc32c" });
  return out;
}

const permutation = (r: Random, rank: number): number[] => {
  const order = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
};
const transpose = (order: number[] | undefined): NamedConfigJson[] =>
  order === undefined ? [] : [{ name: "transpose", configuration: { order } }];
const maybeTranspose = (r: Random, rank: number, p: number): NamedConfigJson[] =>
  transpose(rank > 1 && r.chance(p) ? permutation(r, rank) : undefined);

/** A divisor of n, at random (inner chunks must tile their shard). */
function divisor(r: Random, n: number): number {
  const all: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) all.push(d);
  return r.pick(all);
}

function sharding(r: Random, type: TypeName, shard: number[], depth: number): NamedConfigJson {
  const inner = shard.map((n) => divisor(r, n));
  const codecs =
    depth < 1 && r.chance(0.15)
      ? [sharding(r, type, inner, depth + 1)]
      : [...maybeTranspose(r, shard.length, 0.2), bytesCodec(r, type), ...compressors(r, type)];
  return {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: inner,
      codecs,
      index_codecs: r.chance(0.5)
        ? [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }]
        : [{ name: "bytes", configuration: { endian: "little" } }],
      index_location: r.pick(["start", "end"]),
    },
  };
}

function fillValue(r: Random, type: TypeName): JsonValue {
  if (type === "bool") return r.chance(0.5);
  if (type.startsWith("float")) return r.pick([0, -0.5, 1.25, 3, "NaN", "Infinity", -7]);
  if (type.startsWith("uint")) return r.pick([0, 0, 1, 7, 200]);
  return r.pick([0, 0, -1, 5, -100]);
}

/** One selection item of a dimension of length n, in NumPy's text form. */
function item(r: Random, n: number, forWrite: boolean): string {
  const x = r.next();
  if (x < 0.15) return String(r.int(-n, n - 1));
  if (x < 0.3) return ":";
  const step = r.pick(forWrite ? [1, 1, 1, 2, 3, -1, -2] : [1, 1, 2, 3, -1, -3]);
  const bound = () => (r.chance(0.2) ? "" : String(r.int(-n - 2, n + 2)));
  return `${bound()}:${bound()}${step === 1 && r.chance(0.5) ? "" : `:${step}`}`;
}
const selection = (r: Random, shape: number[], forWrite: boolean) =>
  shape.map((n) => item(r, n, forWrite)).join(", ");

function makeCase(index: number): Case {
  const r = random(SEED * 7919 + index);
  const rank = r.pick([1, 2, 2, 2, 3, 3, 4]);
  const big = r.chance(0.15);
  const type = r.pick(TYPE_NAMES);
  const limit = big ? 120_000 : 6000;
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const room = Math.floor(limit / shape.reduce((a, b) => a * b, 1));
    const cap = Math.max(1, Math.min(big ? 600 : 40, Math.floor(room ** (1 / (rank - d)))));
    shape.push(r.int(1, cap));
  }
  const chunkShape = shape.map((n) => r.int(1, n + 2));
  const sharded = r.chance(0.35);
  let codecs: NamedConfigJson[];
  if (sharded) {
    // Sharding sees the chunk as a transpose before it has permuted it.
    const order = rank > 1 && r.chance(0.15) ? permutation(r, rank) : undefined;
    const shard = order?.map((d) => chunkShape[d]!) ?? chunkShape;
    codecs = [...transpose(order), sharding(r, type, shard, 0)];
  } else {
    codecs = [...maybeTranspose(r, rank, 0.25), bytesCodec(r, type), ...compressors(r, type)];
  }
  const writes: Write[] = [];
  for (let n = r.int(1, 4); n > 0; n--) {
    const x = r.next();
    if (x < 0.2) writes.push({ selection: shape.map(() => ":").join(", ") });
    else if (x < 0.3 && NUMBER_SCALARS.includes(type))
      writes.push({
        selection: selection(r, shape, true),
        scalar: r.int(type.startsWith("uint") ? 0 : -3, 90),
      });
    else if (x < 0.4) writes.push({ selection: selection(r, shape, true), scalar: "fill" });
    else
      writes.push({
        selection: selection(r, shape, true),
        fortran: r.chance(0.3),
        halves: r.chance(0.3),
      });
  }
  const reads = [shape.map(() => ":").join(", ")];
  for (let n = r.int(2, 4); n > 0; n--) reads.push(selection(r, shape, false));
  const id = `case-${index}`;
  const dir = join(root, id);
  return {
    id,
    dir,
    tsPath: join(dir, "ts"),
    zkPath: join(dir, "zk"),
    shape,
    chunkShape,
    dataType: type,
    fillValue: fillValue(r, type),
    chunkKeyEncoding: r.chance(0.7)
      ? { name: "default", configuration: { separator: r.pick(["/", "."]) } }
      : { name: "v2", configuration: { separator: r.pick(["/", "."]) } },
    codecs,
    writes,
    reads,
  };
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

/** Random element bytes: any bit pattern, but 0 or 1 for bool. */
function valueBytes(r: Random, type: TypeName, count: number): Uint8Array {
  const bytes = new Uint8Array(count * TYPES[type]);
  for (let i = 0; i < bytes.length; i++) bytes[i] = type === "bool" ? r.int(0, 1) : r.int(0, 255);
  return bytes;
}

/** The elements of an NDArray in C order, as little-endian bytes (this machine's order). */
function cOrderBytes(array: NDArray): Uint8Array {
  const data = typedArrayOf(array.data);
  const size = data.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const count = array.shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * size);
  const index = new Array<number>(array.shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = array.offset;
    for (let d = 0; d < index.length; d++) at += index[d]! * array.stride[d]!;
    out.set(bytes.subarray(at * size, (at + 1) * size), i * size);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < array.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** The case's values as zarrkit takes them: C order, or an NDArray in Fortran order. */
function valueFor<D extends string>(
  array: ZarrArray<D>,
  bytes: Uint8Array,
  shape: number[],
  fortran: boolean,
): ArrayFor<D> | NDArray<D> {
  const count = shape.reduce((a, b) => a * b, 1);
  const size = TYPES[array.dataType.name as TypeName];
  const copy = new Uint8Array(bytes.length);
  if (!fortran) {
    copy.set(bytes);
    return array.dataType.view(copy.buffer, 0, count);
  }
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let d = 0; d < shape.length; d++) {
    stride[d] = step;
    step *= shape[d]!;
  }
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += index[d]! * stride[d]!;
    copy.set(bytes.subarray(i * size, (i + 1) * size), at * size);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return {
    data: array.dataType.view(copy.buffer, 0, count),
    shape,
    stride,
    offset: 0,
    dataType: array.dataType,
  };
}

/** The value as an NDArray (a C-order array gets its strides). */
function asView<D extends string>(
  array: ZarrArray<D>,
  value: ArrayFor<D> | NDArray<D>,
  shape: number[],
): NDArray<D> {
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

async function applyWrites(array: ZarrArray, c: Case): Promise<void> {
  for (const [j, w] of c.writes.entries()) {
    if (w.scalar === "fill") await array.set(w.selection, array.fillValue);
    else if (w.scalar !== undefined) await array.set(w.selection, w.scalar);
    else {
      const bytes = readFileSync(join(c.dir, `w${j}.bin`));
      const shape = selectedShape(w.selection, c.shape);
      const value = valueFor(array, bytes, shape, w.fortran === true);
      if (w.halves && (await setInHalves(array, c, w.selection, asView(array, value, shape))))
        continue;
      await array.set(w.selection, value);
    }
  }
}

const PAD = 3;
const SENTINEL = 0xa5;

/**
 * Caller memory for a read of `shape`: the elements in a random order of dimensions, each
 * walked either way, between PAD elements on both sides that hold SENTINEL bytes.
 */
function outView(array: ZarrArray, shape: readonly number[], r: Random): NDArray {
  const count = shape.reduce((a, b) => a * b, 1);
  const size = TYPES[array.dataType.name as TypeName];
  const bytes = new Uint8Array((count + 2 * PAD) * size).fill(SENTINEL);
  const stride = new Array<number>(shape.length);
  let offset = PAD;
  let step = 1;
  for (const d of permutation(r, shape.length)) {
    const backwards = r.chance(0.5) && shape[d]! > 0;
    stride[d] = backwards ? -step : step;
    if (backwards) offset += (shape[d]! - 1) * step;
    step *= shape[d]!;
  }
  const data = array.dataType.view(bytes.buffer, 0, count + 2 * PAD);
  return { data, shape: [...shape], stride, offset, dataType: array.dataType };
}

/**
 * Reads every selection of the case and compares with the model's bytes and shapes; every
 * other read goes into caller memory (outView), which must be untouched around the result.
 */
async function checkReads(array: ZarrArray, c: Case, shapes: number[][], label: string) {
  const r = random(SEED * 31 + Number(c.id.slice(5)));
  for (const [k, text] of c.reads.entries()) {
    const shape = shapes[k]!;
    const out = k % 2 === 1 ? outView(array, shape, r) : undefined;
    const got = await array.get(text, { out });
    const want = readFileSync(join(c.dir, `r${k}.bin`));
    expect([label, text, got.shape]).toEqual([label, text, shape]);
    const bytes = cOrderBytes(got);
    if (!Buffer.from(bytes).equals(want)) {
      const size = TYPES[c.dataType];
      let first = 0;
      while (bytes[first] === want[first]) first++;
      const e = Math.floor(first / size);
      expect.fail(
        `${label}: read "${text}"${out ? " into caller memory" : ""} differs first at element ${e}: got ${Buffer.from(bytes.subarray(e * size, (e + 1) * size)).toString("hex")}, want ${want.subarray(e * size, (e + 1) * size).toString("hex")}`,
      );
    }
    if (out !== undefined) {
      const all = typedArrayOf(out.data);
      const raw = new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
      const edge = PAD * TYPES[c.dataType];
      const outside = [...raw.subarray(0, edge), ...raw.subarray(raw.length - edge)];
      expect([label, text, outside.every((x) => x === SENTINEL)]).toEqual([label, text, true]);
    }
  }
}

const describeCase = (c: Case) =>
  JSON.stringify({
    seed: SEED,
    id: c.id,
    shape: c.shape,
    chunkShape: c.chunkShape,
    dataType: c.dataType,
    fillValue: c.fillValue,
    chunkKeyEncoding: c.chunkKeyEncoding,
    codecs: c.codecs,
    writes: c.writes,
    reads: c.reads,
  });

describe.skipIf(ts === undefined)(`random arrays against tensorstore (seed ${SEED})`, () => {
  const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));
  for (const c of cases) {
    mkdirSync(c.dir, { recursive: true });
    const r = random(SEED * 104729 + Number(c.id.slice(5)));
    for (const [j, w] of c.writes.entries()) {
      if (w.scalar !== undefined) continue;
      const count = selectedShape(w.selection, c.shape).reduce((a, b) => a * b, 1);
      writeFileSync(join(c.dir, `w${j}.bin`), valueBytes(r, c.dataType, count));
    }
  }
  const shapes: Record<string, number[][] | { error: string }> =
    ts === undefined ? {} : JSON.parse(ts!(readPeerScript(), pythonJson(["write", cases])));

  for (const c of cases) {
    it(`${c.id}: zarrkit reads what tensorstore wrote, and writes what NumPy expects`, async () => {
      const got = shapes[c.id];
      if (got === undefined || !Array.isArray(got))
        expect.fail(`tensorstore failed: ${JSON.stringify(got)}\n${describeCase(c)}`);
      try {
        const theirs = await openArray(new FileSystemStore(c.tsPath, { readOnly: true }));
        await checkReads(theirs, c, got, "tensorstore's array");
        const ours = await createArray(new FileSystemStore(c.zkPath), "", {
          shape: c.shape,
          chunkShape: c.chunkShape,
          dataType: c.dataType,
          fillValueJson: c.fillValue,
          chunkKeyEncoding: c.chunkKeyEncoding,
          codecs: c.codecs,
        });
        await applyWrites(ours, c);
        await checkReads(ours, c, got, "zarrkit's array");
      } catch (err) {
        throw new Error(`${String(err)}\n${describeCase(c)}`, { cause: err });
      }
    });
  }

  it("tensorstore reads every array zarrkit wrote as NumPy expects", () => {
    const written = cases.filter((c) => Array.isArray(shapes[c.id]));
    const verdict: Record<string, JsonValue> = JSON.parse(
      ts!(readPeerScript(), pythonJson(["read", written])),
    );
    const wrong = written
      .filter((c) => verdict[c.id] !== true)
      .map((c) => `${JSON.stringify(verdict[c.id])}\n${describeCase(c)}`);
    expect(wrong).toEqual([]);
  });
});

function readPeerScript(): string {
  return readFileSync(new URL("./tensorstore_differential.py", import.meta.url), "utf8");
}
