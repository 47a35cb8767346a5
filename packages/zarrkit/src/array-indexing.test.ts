import { pythonWith } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import {
  createArray,
  isZarrkitError,
  MemoryStore,
  type NamedConfigJson,
  type NDArray,
  slice,
  type ZarrArray,
} from "./index.js";

// NumPy is the reference for basic indexing: every selection below is evaluated by numpy on the
// same arange data, and zarrkit's result (through real chunking and codecs) must match.
const numpy = pythonWith("numpy");

const ORACLE = `
import json, sys, numpy as np
cases = json.load(sys.stdin)
out = []
for case in cases:
    shape = tuple(case["shape"])
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    sel = eval("np.s_[" + case["sel"] + "]") if case["sel"] else ()
    got = a[sel]
    b = np.zeros(shape, dtype=np.int64)
    b[sel] = np.arange(got.size, dtype=np.int64).reshape(got.shape) + 1
    out.append({"shape": list(got.shape), "get": got.ravel().tolist(), "set": b.ravel().tolist()})
json.dump(out, sys.stdout)
`;

const CASES: { shape: number[]; chunks: number[]; sels: string[] }[] = [
  {
    shape: [7, 11],
    chunks: [3, 4],
    sels: [
      "",
      ":",
      "2",
      "-1",
      "1:6",
      "::2",
      "::-1",
      "10:2:-3",
      "..., 3",
      "-3:, ::-4",
      "5:1",
      "3, 4",
      "...",
      "1:7:2, 10:0:-2",
      ":, -11",
      "-100:100, 3:-3",
      "::-3, ::5",
      "6:0:-1, 0",
    ],
  },
  {
    shape: [5, 6, 7],
    chunks: [2, 3, 4],
    sels: [
      "1, ..., 2",
      "::-2, 1:5, ::3",
      "..., ::-1",
      "4, 5, 6",
      ":, 2:3, :",
      "-1::-2, ::-1, 1:7:5",
    ],
  },
  { shape: [13], chunks: [5], sels: ["::-1", "12:0:-5", "3:11:2", "-13", "20:"] },
  { shape: [4, 5], chunks: [10, 10], sels: [":, ::-2", "1:3"] },
];

type Expectation = { shape: number[]; get: number[]; set: number[] };

describe.skipIf(numpy === undefined)("get and set follow NumPy basic indexing", () => {
  const flat = CASES.flatMap((c) => c.sels.map((sel) => ({ ...c, sel })));
  const expected: Expectation[] =
    numpy === undefined ? [] : JSON.parse(numpy(ORACLE, JSON.stringify(flat)));

  flat.forEach((c, i) => {
    it(`shape [${c.shape}] chunks [${c.chunks}] selection "${c.sel}"`, async () => {
      const want = expected[i]!;
      const n = c.shape.reduce((a, b) => a * b, 1);
      const store = new MemoryStore();
      // Three chains in turn: transposed big-endian (decoded whole), little-endian bytes
      // (partial chunks read as one byte range each) and big-endian bytes + blosc (partial
      // chunks decode only the blosc blocks they need).
      const codecs: NamedConfigJson[] = [
        ...(i % 3 === 0
          ? [
              {
                name: "transpose",
                configuration: { order: c.shape.map((_, d) => c.shape.length - 1 - d) },
              },
            ]
          : []),
        { name: "bytes", configuration: { endian: i % 3 === 1 ? "little" : "big" } },
        ...(i % 3 === 2
          ? [{ name: "blosc", configuration: { cname: "lz4", shuffle: "shuffle", blocksize: 16 } }]
          : []),
      ];
      const source = await createArray(store, "src", {
        shape: c.shape,
        chunkShape: c.chunks,
        dataType: "int32",
        codecs,
      });
      await source.set(
        null,
        Int32Array.from({ length: n }, (_, k) => k),
      );
      const got = await source.get(c.sel);
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data)).toEqual(want.get);

      const target = await createArray(store, "dst", {
        shape: c.shape,
        chunkShape: c.chunks,
        dataType: "int32",
      });
      const count = want.get.length;
      await target.set(c.sel, {
        ...got,
        data: Int32Array.from({ length: count }, (_, k) => k + 1),
      });
      expect(Array.from((await target.get()).data)).toEqual(want.set);
    });
  });
});

describe("edge cases", () => {
  it("reads missing chunks as the fill value and skips writing chunks equal to it", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [4, 4],
      chunkShape: [2, 2],
      dataType: "float32",
      fillValue: -1.5,
    });
    await a.set("0, 0", 3);
    expect(Array.from((await a.get()).data)).toEqual([3, ...new Array(15).fill(-1.5)]);
    expect([...store.map.keys()].sort()).toEqual(["c/0/0", "zarr.json"]);
    await a.set("0:2, 0:2", -1.5);
    expect([...store.map.keys()]).toEqual(["zarr.json"]);
  });

  it("stores ragged edge chunks whole, padded with the fill value", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [3],
      chunkShape: [2],
      dataType: "uint8",
      fillValue: 9,
    });
    await a.set(null, Uint8Array.of(1, 2, 3));
    expect(Array.from(store.map.get("c/1")!)).toEqual([3, 9]);
    expect(Array.from((await a.get()).data)).toEqual([1, 2, 3]);
  });

  it("handles 0-d arrays", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "s", { shape: [], dataType: "int64", fillValue: 5n });
    expect(Array.from((await a.get()).data)).toEqual([5n]);
    await a.set(null, -(2n ** 63n));
    const got = await a.get();
    expect(got.shape).toEqual([]);
    expect(Array.from(got.data)).toEqual([-(2n ** 63n)]);
    expect([...store.map.keys()].sort()).toEqual(["s/c", "s/zarr.json"]);
  });

  it("broadcasts NumPy-style and rejects values of the wrong shape or type, leaving data as it was", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [2, 3],
      chunkShape: [1, 3],
      dataType: "int16",
    });
    const row: NDArray<"int16"> = {
      data: Int16Array.of(1, 2, 3),
      shape: [3],
      stride: [1],
      offset: 0,
      dataType: a.dataType,
    };
    await a.set(null, row);
    expect(Array.from((await a.get()).data)).toEqual([1, 2, 3, 1, 2, 3]);
    const before = new Map(store.map);
    await expect(a.set(null, Int16Array.of(1, 2))).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidValue"),
    );
    // Untyped callers (plain JS) can pass anything; the check is at run time.
    const untyped: ZarrArray = a;
    await expect(untyped.set(null, Float32Array.of(1, 2, 3, 4, 5, 6))).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidValue"),
    );
    await expect(a.set("0", 1e6)).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidValue"),
    );
    await expect(a.get("2")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    await expect(a.get("0, 0, 0")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    await expect(a.get("::0")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    await expect(a.get([slice(0, 1.5)])).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    await expect(a.get("..., ...")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    await expect(a.get("a:b")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    expect(store.map).toEqual(before);
  });
});

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Random shapes, chunk shapes and NumPy basic-indexing selections (text form). */
function randomCases(
  count: number,
  seed: number,
): { shape: number[]; chunks: number[]; sel: string }[] {
  const rand = prng(seed);
  const maybe = (v: number) => (rand(4) === 0 ? "" : String(v));
  return Array.from({ length: count }, () => {
    const rank = rand(5);
    const shape = Array.from({ length: rank }, () => 1 + rand(9));
    const chunks = shape.map((n) => 1 + rand(n + 2));
    const items = shape.map((n) => {
      if (rand(4) === 0) return String(rand(2 * n) - n);
      const step = (rand(4) + 1) * (rand(2) ? 1 : -1);
      return `${maybe(rand(2 * n + 4) - n - 2)}:${maybe(rand(2 * n + 4) - n - 2)}:${rand(3) === 0 ? "" : step}`;
    });
    // Replace a run of items by an ellipsis now and then.
    if (rank > 0 && rand(3) === 0) {
      const at = rand(rank);
      items.splice(at, rand(rank - at + 1), "...");
    }
    return { shape, chunks, sel: items.join(", ") };
  });
}

describe.skipIf(numpy === undefined)(
  "get and set agree with NumPy on 300 random selections",
  () => {
    const cases = randomCases(300, 20261124);
    const expected: Expectation[] =
      numpy === undefined ? [] : JSON.parse(numpy(ORACLE, JSON.stringify(cases)));

    it("every case", async () => {
      const failures: string[] = [];
      for (const [i, c] of cases.entries()) {
        const want = expected[i]!;
        const n = c.shape.reduce((a, b) => a * b, 1);
        const store = new MemoryStore();
        const a = await createArray(store, "a", {
          shape: c.shape,
          chunkShape: c.chunks,
          dataType: "int32",
        });
        await a.set(
          null,
          Int32Array.from({ length: n }, (_, k) => k),
        );
        const got = await a.get(c.sel);
        const b = await createArray(store, "b", {
          shape: c.shape,
          chunkShape: c.chunks,
          dataType: "int32",
        });
        await b.set(
          c.sel,
          Int32Array.from({ length: want.get.length }, (_, k) => k + 1),
        );
        const after = Array.from((await b.get()).data);
        const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
        if (
          !same(got.shape, want.shape) ||
          !same(Array.from(got.data), want.get) ||
          !same(after, want.set)
        ) {
          failures.push(`shape [${c.shape}] chunks [${c.chunks}] "${c.sel}"`);
        }
      }
      expect(failures).toEqual([]);
    });
  },
);
