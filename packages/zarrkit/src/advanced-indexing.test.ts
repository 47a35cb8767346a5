import { pythonWith } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import {
  createArray,
  isZarrkitError,
  MemoryStore,
  type NamedConfigJson,
  ndarray,
  type OrthogonalSelectionItem,
  openArray,
  slice,
} from "./index.js";
import { type Random, random } from "./test-support/differential.js";

// NumPy is the reference: each random selection is evaluated by numpy on the same arange data
// (np.ix_ for orthogonal selections, index arrays for points, a boolean array for masks), and
// zarrkit's results through real chunking and codec chains must match, reads and writes.
const numpy = pythonWith("numpy");

const ORACLE = `
import json, sys, numpy as np
out = []
for case in json.load(sys.stdin):
    shape = tuple(case["shape"])
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    # Writes go to an array that holds values in its first half and nothing (-1) after.
    b = np.full(shape, -1, dtype=np.int64)
    b[: (shape[0] + 1) // 2] = a[: (shape[0] + 1) // 2]
    if case["kind"] == "orthogonal":
        axes, keep = [], []
        for n, item in zip(shape, case["items"]):
            if item["t"] == "int":
                axes.append(np.array([item["v"]])); keep.append(False)
            elif item["t"] == "slice":
                axes.append(np.arange(n)[slice(*item["v"])]); keep.append(True)
            elif item["t"] == "list":
                axes.append(np.array(item["v"], dtype=np.int64)); keep.append(True)
            else:
                axes.append(np.nonzero(np.array(item["v"], dtype=bool))[0]); keep.append(True)
        got = a[np.ix_(*axes)]
        got = got.reshape([s for s, k in zip(got.shape, keep) if k])
        b[np.ix_(*axes)] = (np.arange(got.size) + 1).reshape([len(x) for x in axes])
    elif case["kind"] == "points":
        got = a[tuple(np.array(c, dtype=np.int64) for c in case["coords"])]
        b[tuple(np.array(c, dtype=np.int64) for c in case["coords"])] = np.arange(got.size) + 1
    else:
        mask = np.array(case["mask"], dtype=bool).reshape(shape)
        got = a[mask]
        b[mask] = np.arange(got.size) + 1
    out.append({"shape": list(got.shape), "get": got.ravel().tolist(), "set": b.ravel().tolist()})
json.dump(out, sys.stdout)
`;

type Item =
  | { t: "int"; v: number }
  | { t: "slice"; v: [number | null, number | null, number | null] }
  | { t: "list"; v: number[] }
  | { t: "mask"; v: boolean[] };

type Case =
  | { kind: "orthogonal"; items: Item[] }
  | { kind: "points"; coords: number[][] }
  | { kind: "mask"; mask: boolean[] };

interface Layout {
  shape: number[];
  chunks: number[];
  codecs: NamedConfigJson[];
  label: string;
}

const bytes = (endian: string): NamedConfigJson => ({ name: "bytes", configuration: { endian } });
const sharded = (inner: number[], indexLocation: string): NamedConfigJson => ({
  name: "sharding_indexed",
  configuration: {
    chunk_shape: inner,
    codecs: [bytes("little"), { name: "zstd", configuration: { level: 1, checksum: false } }],
    index_codecs: [bytes("little"), { name: "crc32c" }],
    index_location: indexLocation,
  },
});

const LAYOUTS: Layout[] = [
  { shape: [23], chunks: [5], codecs: [bytes("little")], label: "1-d bytes" },
  {
    shape: [9, 14],
    chunks: [4, 5],
    codecs: [
      { name: "transpose", configuration: { order: [1, 0] } },
      bytes("big"),
      { name: "blosc", configuration: { cname: "lz4", shuffle: "shuffle", blocksize: 16 } },
    ],
    label: "2-d transpose + blosc",
  },
  {
    shape: [16, 20],
    chunks: [8, 10],
    codecs: [sharded([4, 5], "end")],
    label: "2-d sharded (index at the end)",
  },
  {
    shape: [6, 7, 8],
    chunks: [4, 4, 4],
    codecs: [sharded([2, 2, 4], "start")],
    label: "3-d sharded (index at the start)",
  },
  {
    shape: [5, 6, 7],
    chunks: [2, 3, 4],
    codecs: [bytes("little"), { name: "gzip", configuration: { level: 1 } }],
    label: "3-d gzip",
  },
];

/** `count` positions in [0, n) (`distinct`: none twice), each as itself or counted from the end. */
function positions({ int, chance }: Random, n: number, count: number, distinct: boolean): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Array.from({ length: count }, (_, i) => {
    const x = distinct ? order[i % n]! : int(0, n - 1);
    return chance(0.3) ? x - n : x;
  });
}

function randomItem(r: Random, n: number, distinct: boolean): Item {
  const { next, int } = r;
  const pick = next();
  if (pick < 0.15) return { t: "int", v: int(-n, n - 1) };
  if (pick < 0.35) {
    const step = [1, 2, -1, -3, null][int(0, 4)]!;
    return {
      t: "slice",
      v: [next() < 0.3 ? null : int(-n, n), next() < 0.3 ? null : int(-n, n), step],
    };
  }
  if (pick < 0.8) {
    // Any order, negative positions, repeats unless `distinct`; now and then none.
    const count = next() < 0.05 ? 0 : distinct ? int(1, n) : int(1, 2 * n);
    return { t: "list", v: positions(r, n, count, distinct) };
  }
  return { t: "mask", v: Array.from({ length: n }, () => next() < 0.4) };
}

/** Selections of each kind; every other one without repeated positions, so it is written too. */
function randomCases(layout: Layout, seed: number): Case[] {
  const r = random(seed);
  const cases: Case[] = [];
  const size = layout.shape.reduce((a, b) => a * b, 1);
  for (let k = 0; k < 16; k++) {
    const distinct = k % 2 === 0;
    cases.push({ kind: "orthogonal", items: layout.shape.map((n) => randomItem(r, n, distinct)) });
    // Distinct points: positions into the flattened array, split into coordinates.
    const count = r.int(0, Math.min(40, size));
    const flat = distinct
      ? positions(r, size, count, true).map((x) => (x + size) % size)
      : Array.from({ length: count }, () => r.int(0, size - 1));
    cases.push({
      kind: "points",
      coords: layout.shape.map((n, d) => {
        const inner = layout.shape.slice(d + 1).reduce((a, b) => a * b, 1);
        return flat.map((x) => {
          const at = Math.floor(x / inner) % n;
          return r.chance(0.3) ? at - n : at;
        });
      }),
    });
    cases.push({
      kind: "mask",
      mask: Array.from({ length: size }, () => r.chance(0.1 + 0.1 * (k % 4))),
    });
  }
  return cases;
}

function asItem(item: Item): OrthogonalSelectionItem {
  if (item.t === "slice") return slice(item.v[0], item.v[1], item.v[2]);
  return item.v;
}

/** Whether writing a case touches any element twice (NumPy's result then has no defined order). */
function repeats(c: Case, shape: number[]): boolean {
  if (c.kind === "mask") return false;
  if (c.kind === "points") {
    const seen = new Set(
      c.coords[0]!.map((_, i) =>
        c.coords.map((along, d) => (along[i]! + shape[d]!) % shape[d]!).join(),
      ),
    );
    return seen.size !== (c.coords[0]?.length ?? 0);
  }
  return c.items.some(
    (item, d) =>
      item.t === "list" &&
      new Set(item.v.map((x) => (x + shape[d]!) % shape[d]!)).size !== item.v.length,
  );
}

interface Expectation {
  shape: number[];
  get: number[];
  set: number[];
}

describe.skipIf(numpy === undefined)("orthogonal, point and mask selections follow NumPy", () => {
  LAYOUTS.forEach((layout, l) => {
    const cases = randomCases(layout, 1000 + l);
    const expected: Expectation[] =
      numpy === undefined
        ? []
        : JSON.parse(
            numpy(ORACLE, JSON.stringify(cases.map((c) => ({ ...c, shape: layout.shape })))),
          );

    it(`${layout.label}: ${cases.length} selections read, those without repeats written`, async () => {
      const store = new MemoryStore();
      const n = layout.shape.reduce((a, b) => a * b, 1);
      const source = await createArray(store, "src", {
        shape: layout.shape,
        chunkShape: layout.chunks,
        dataType: "int32",
        codecs: layout.codecs,
      });
      await source.set(
        null,
        Int32Array.from({ length: n }, (_, k) => k),
      );
      let written = 0;
      for (const [i, c] of cases.entries()) {
        const want = expected[i]!;
        const got =
          c.kind === "orthogonal"
            ? await source.getOrthogonal(c.items.map(asItem))
            : c.kind === "points"
              ? await source.getCoordinates(c.coords)
              : await source.getMask(c.mask);
        expect(got.shape, `case ${i} (${c.kind})`).toEqual(want.shape);
        expect(Array.from(got.data), `case ${i} (${c.kind})`).toEqual(want.get);
        if (repeats(c, layout.shape)) continue;
        written++;

        const target = await createArray(store, `dst${i}`, {
          shape: layout.shape,
          chunkShape: layout.chunks,
          dataType: "int32",
          codecs: layout.codecs,
          fillValue: -1,
        });
        await target.set(
          [slice(0, Math.ceil(layout.shape[0]! / 2))],
          await source.get([slice(0, Math.ceil(layout.shape[0]! / 2))]),
        );
        const values = ndarray(
          target.dataType,
          want.shape,
          Int32Array.from(want.get, (_, k) => k + 1),
        );
        if (c.kind === "orthogonal") await target.setOrthogonal(c.items.map(asItem), values);
        else if (c.kind === "points") await target.setCoordinates(c.coords, values);
        else await target.setMask(c.mask, values);
        const reopened = await openArray(store, `dst${i}`, { dataType: "int32" });
        expect(Array.from((await reopened.get()).data), `case ${i} (${c.kind}) written`).toEqual(
          want.set,
        );
      }
      expect(written).toBeGreaterThanOrEqual(cases.length / 2);
    });
  });
});

describe("orthogonal, point and mask selections", () => {
  const setup = async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "a", {
      shape: [6, 10],
      chunkShape: [2, 5],
      dataType: "int32",
    });
    await a.set(
      null,
      Int32Array.from({ length: 60 }, (_, k) => k),
    );
    return { store, a };
  };

  it("takes positions in text, and typed arrays of positions", async () => {
    const { a } = await setup();
    const got = await a.getOrthogonal("[5, 0, -1], 2:10:4");
    expect(got.shape).toEqual([3, 2]);
    expect(Array.from(got.data)).toEqual([52, 56, 2, 6, 52, 56]);
    const typed = await a.getOrthogonal([Int32Array.of(1), Uint8Array.of(9, 0)]);
    expect(Array.from(typed.data)).toEqual([19, 10]);
    const rows = await a.getOrthogonal("[], :");
    expect(rows.shape).toEqual([0, 10]);
    // A selection without positions is basic indexing.
    expect(Array.from((await a.getOrthogonal("1, 2:4")).data)).toEqual([12, 13]);
  });

  it("keeps the last of repeated positions written", async () => {
    const { a } = await setup();
    await a.setOrthogonal([[4, 1, 4], 0], Int32Array.of(100, 101, 102));
    await a.setCoordinates(
      [
        [0, 0, 5],
        [9, 9, 9],
      ],
      Int32Array.of(7, 8, 9),
    );
    expect(
      Array.from(
        (
          await a.getCoordinates([
            [4, 1, 0, 5],
            [0, 0, 9, 9],
          ])
        ).data,
      ),
    ).toEqual([102, 101, 8, 9]);
  });

  it("reads into the caller's memory and broadcasts scalars", async () => {
    const { a } = await setup();
    const out = new Int32Array(4);
    const got = await a.getCoordinates(
      [
        [0, 5, 2, 2],
        [0, 9, 3, 3],
      ],
      { out },
    );
    expect(got.data).toBe(out);
    expect(Array.from(out)).toEqual([0, 59, 23, 23]);
    await a.setMask(
      Array.from({ length: 60 }, (_, k) => k % 7 === 0),
      -5,
    );
    const all = Array.from((await a.get()).data);
    expect(all.filter((v) => v === -5)).toHaveLength(9);
    expect(all.every((v, k) => (k % 7 === 0 ? v === -5 : v === k))).toBe(true);
  });

  it("accepts a bool NDArray as a mask, strided views included", async () => {
    const { store, a } = await setup();
    const flags = await createArray(store, "m", {
      shape: [10, 6],
      chunkShape: [10, 6],
      dataType: "bool",
    });
    await flags.set("3, 1", true);
    await flags.set("9, 5", true);
    // Its transpose, as a view: element [1, 3] and [5, 9] of a.
    const stored = await flags.get();
    const view = { ...stored, shape: [6, 10], stride: [stored.stride[1]!, stored.stride[0]!] };
    expect(Array.from((await a.getMask(view)).data)).toEqual([13, 59]);
  });

  it("names the dimension and position of bad selections, and writes nothing", async () => {
    const { store, a } = await setup();
    const before = new Map(store.map);
    const fails = async (p: Promise<unknown>, code: string, text: RegExp) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isZarrkitError(err, code as "InvalidSelection"), String(err)).toBe(true);
      expect(String(err)).toMatch(text);
    };
    await fails(
      a.getOrthogonal([[0, 6]]),
      "InvalidSelection",
      /selection\[0\]: index 6 is out of bounds/,
    );
    await fails(
      a.getOrthogonal([null, [1.5]]),
      "InvalidSelection",
      /selection\[1\]: position 0 is 1.5/,
    );
    await fails(a.getOrthogonal([[true, false]]), "InvalidSelection", /mask of length 2/);
    await fails(a.getOrthogonal("[1, 2"), "InvalidSelection", /unbalanced/);
    await fails(
      a.getCoordinates([[0, 1], [0]]),
      "InvalidSelection",
      /coordinates\[1\] has 1 positions/,
    );
    await fails(
      a.getCoordinates([[0]]),
      "InvalidSelection",
      /one list of positions per dimension \(2\)/,
    );
    await fails(a.getMask(new Uint8Array(59)), "InvalidSelection", /59 values/);
    await fails(
      a.setCoordinates(
        [
          [0, 1],
          [0, 1],
        ],
        Int32Array.of(1, 2, 3),
      ),
      "InvalidValue",
      /.*/,
    );
    await fails(
      a.setOrthogonal(
        [
          [0, 1],
          [0, 11],
        ],
        1,
      ),
      "InvalidSelection",
      /index 11/,
    );
    expect(store.map).toEqual(before);
  });

  it("loses no update when writes of points into one chunk overlap", async () => {
    const { a } = await setup();
    await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        a.setCoordinates(
          [
            [0, 1],
            [k, k],
          ],
          -k - 1,
        ),
      ),
    );
    expect(Array.from((await a.get("0:2, :")).data)).toEqual(
      [0, 1].flatMap(() => Array.from({ length: 10 }, (_, k) => -k - 1)),
    );
  });
});
