import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  FileSystemStore,
  InvalidMetadataError,
  InvalidValueError,
  MemoryStore,
  type NamedConfigJson,
  openArray,
  typedArrayOf,
  type WritableStore,
} from "./index.js";
import { random } from "./test-support/differential.js";

const dir = mkdtempSync(join(tmpdir(), "zarrkit-rectilinear-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Shape (10, 7): rows in chunks of 3, 2, 2, 3; columns in chunks of 4 (the second one ragged).
const SHAPE = [10, 7];
const ROWS = [3, 2, 2, 3];
const GRID: NamedConfigJson = {
  name: "rectilinear",
  configuration: { kind: "inline", chunk_shapes: [[3, [2, 2], 3], 4] },
};
const CHAINS: [string, NamedConfigJson[]][] = [
  ["bytes", [{ name: "bytes", configuration: { endian: "little" } }]],
  [
    "transpose + zstd",
    [
      { name: "transpose", configuration: { order: [1, 0] } },
      { name: "bytes", configuration: { endian: "big" } },
      { name: "zstd", configuration: { level: 1, checksum: false } },
    ],
  ],
  [
    "sharding",
    [
      {
        name: "sharding_indexed",
        configuration: {
          // Inner chunks tile every shard: 1 divides 3 and 2, 2 divides 4.
          chunk_shape: [1, 2],
          codecs: [
            { name: "bytes", configuration: { endian: "little" } },
            { name: "gzip", configuration: { level: 1 } },
          ],
          index_codecs: [
            { name: "bytes", configuration: { endian: "little" } },
            { name: "crc32c" },
          ],
        },
      },
    ],
  ],
];
const STORES: [string, () => WritableStore][] = [
  ["memory", () => new MemoryStore()],
  ["file", () => new FileSystemStore(mkdtempSync(join(dir, "s-")))],
];

/** A plain model of the array: element (r, c) at r * 7 + c. */
class Model {
  readonly values: number[];
  constructor(fill: number) {
    this.values = new Array<number>(SHAPE[0]! * SHAPE[1]!).fill(fill);
  }
  set(rows: number[], cols: number[], value: (k: number) => number): void {
    let k = 0;
    for (const r of rows) for (const c of cols) this.values[r * SHAPE[1]! + c] = value(k++);
  }
  get(rows: number[], cols: number[]): number[] {
    return rows.flatMap((r) => cols.map((c) => this.values[r * SHAPE[1]! + c]!));
  }
}
const range = (start: number, stop: number, step = 1) => {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
};

describe("arrays on a rectilinear chunk grid", () => {
  it.each(
    CHAINS.flatMap(([chain, codecs]) =>
      STORES.map(([s, make]) => [`${chain}, ${s}`, codecs, make] as const),
    ),
  )("%s: writes and reads any selection as the model says", async (_, codecs, make) => {
    const store = make();
    const array = await createArray(store, "a", {
      shape: SHAPE,
      chunkGrid: GRID,
      dataType: "int32",
      fillValue: -1,
      codecs,
    });
    expect(array.chunkShape).toEqual([]);
    expect(array.chunkGrid.dimensions.map((d) => d.chunkCount)).toEqual([4, 2]);
    const model = new Model(-1);
    // Writes across chunk edges, partial and whole chunks, negative steps.
    const writes: [string, number[], number[]][] = [
      ["1:6, 2:7", range(1, 6), range(2, 7)],
      ["3:5, 0:4", range(3, 5), range(0, 4)],
      ["::-3, 6", range(9, -1, -3), [6]],
      ["7:10, ::2", range(7, 10), range(0, 7, 2)],
    ];
    for (const [i, [selection, rows, cols]] of writes.entries()) {
      const n = rows.length * cols.length;
      const value = Int32Array.from({ length: n }, (_, k) => i * 100 + k);
      await array.set(selection, value);
      model.set(rows, cols, (k) => i * 100 + k);
    }
    const reopened = await openArray(store, "a");
    for (const [selection, rows, cols] of [
      [":", range(0, 10), range(0, 7)],
      ["2:9:3, 1:6:2", range(2, 9, 3), range(1, 6, 2)],
      ["::-1, 3", range(9, -1, -1), [3]],
      ["5, :", [5], range(0, 7)],
    ] as const) {
      expect(
        Array.from(typedArrayOf((await reopened.get(selection)).data), Number),
        selection,
      ).toEqual(model.get([...rows], [...cols]));
    }
  });

  it("stores each chunk at its own shape, edge chunks whole", async () => {
    const store = new MemoryStore();
    const array = await createArray(store, "", {
      shape: SHAPE,
      chunkGrid: GRID,
      dataType: "int16",
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    });
    await array.set(
      ":",
      Int16Array.from({ length: 70 }, (_, i) => i + 1),
    );
    for (const [r, rows] of ROWS.entries())
      for (const c of [0, 1]) {
        const stored = await store.get(`c/${r}/${c}`);
        // Every chunk is rows x 4 int16s: the column edge chunk (4..7) holds one past the array.
        expect(stored?.length, `chunk ${r},${c}`).toBe(rows * 4 * 2);
      }
    // Chunk (1, 0) holds rows 3..4, columns 0..3.
    const chunk = new Int16Array((await store.get("c/1/0"))!.slice().buffer);
    expect(Array.from(chunk)).toEqual(
      [3, 4].flatMap((r) => [0, 1, 2, 3].map((c) => r * 7 + c + 1)),
    );
    const doc = JSON.parse(new TextDecoder().decode((await store.get("zarr.json"))!));
    expect(doc.chunk_grid).toEqual(GRID);
  });

  it("resizes within what the grid covers, and refuses beyond it", async () => {
    const store = new MemoryStore();
    const array = await createArray(store, "", {
      shape: SHAPE,
      chunkGrid: GRID,
      dataType: "uint8",
      fillValue: 9,
      codecs: [{ name: "bytes" }],
    });
    await array.set(":", 1);
    // Shrink to 6 rows: chunk row 3 (rows 7..9) goes; chunk row 2 (rows 5..6) is cut at 6.
    await array.resize([6, 7]);
    const keys: string[] = [];
    for await (const key of store.list("c/")) keys.push(key);
    expect(keys.sort()).toEqual(["c/0/0", "c/0/1", "c/1/0", "c/1/1", "c/2/0", "c/2/1"]);
    await array.resize([10, 7]);
    expect(Array.from((await array.get(":, 0")).data)).toEqual([1, 1, 1, 1, 1, 1, 9, 9, 9, 9]);
    // Columns are an integer (4): they repeat as far as needed. Rows are listed: 10 at most.
    await array.resize([10, 30]);
    expect(array.chunkGrid.dimensions[1]!.chunkCount).toBe(8);
    await expect(array.resize([11, 30])).rejects.toThrow(
      /resize of "": chunk_grid "rectilinear": chunk_shapes\[0\] covers 10 elements; the array has 11/,
    );
    await expect(array.resize([11, 30])).rejects.toThrow(InvalidMetadataError);
    expect(array.shape).toEqual([10, 30]);
  });

  it("resolves the codecs of grids with more than 1024 chunk shapes as chunks are used", async () => {
    // 33 sizes along each dimension: 1089 shapes, more than are resolved when opened.
    const edges = Array.from({ length: 33 }, (_, i) => i + 1);
    const n = edges.reduce((a, b) => a + b, 0);
    const store = new MemoryStore();
    const array = await createArray(store, "", {
      shape: [n, n],
      chunkGrid: {
        name: "rectilinear",
        configuration: { kind: "inline", chunk_shapes: [edges, edges] },
      },
      dataType: "uint16",
      codecs: [
        { name: "bytes", configuration: { endian: "big" } },
        { name: "zstd", configuration: { level: 1, checksum: false } },
      ],
    });
    const values = Uint16Array.from({ length: n * n }, (_, i) => (i * 7) % 65521);
    await array.set(":", values);
    const back = await openArray(store);
    expect(Array.from(typedArrayOf((await back.get()).data), Number)).toEqual(Array.from(values));
    // The last chunk: rows and columns 528..560 (33 each).
    const last = (await back.get("528:, 528:")).data;
    expect(Array.from(typedArrayOf(last), Number).slice(0, 3)).toEqual(
      [0, 1, 2].map((c) => ((528 * n + 528 + c) * 7) % 65521),
    );
  });

  it("refuses codecs that do not fit a chunk shape, and v2 rectilinear arrays", async () => {
    await expect(
      createArray(new MemoryStore(), "", {
        shape: SHAPE,
        chunkGrid: GRID,
        dataType: "int8",
        codecs: [
          {
            name: "sharding_indexed",
            configuration: {
              chunk_shape: [3, 4],
              codecs: [{ name: "bytes" }],
              index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
            },
          },
        ],
      }),
    ).rejects.toThrow(InvalidMetadataError);
    await expect(
      createArray(new MemoryStore(), "", {
        shape: SHAPE,
        chunkGrid: GRID,
        dataType: "int8",
        zarrFormat: 2,
      }),
    ).rejects.toThrow(InvalidValueError);
  });
});

describe("random rectilinear grids against a model", () => {
  it("reads back every random write, through random selections, on 60 random grids", async () => {
    const r = random(20261203);
    for (let n = 0; n < 60; n++) {
      const rank = r.int(1, 3);
      const shape = Array.from({ length: rank }, () => r.int(1, 9));
      // Each dimension: an integer, or a list of lengths and runs covering it (maybe more).
      const chunkShapes = shape.map((len) => {
        if (r.chance(0.3)) return r.int(1, len + 1);
        const edges: (number | [number, number])[] = [];
        let covered = 0;
        while (covered < len || r.chance(0.2)) {
          const size = r.int(1, 4);
          const count = r.chance(0.3) ? r.int(1, 3) : 1;
          edges.push(count === 1 ? size : [size, count]);
          covered += size * count;
        }
        return edges;
      });
      const codecs = r.pick(CHAINS.filter(([name]) => name !== "sharding"))[1];
      const store = r.chance(0.5)
        ? new MemoryStore()
        : new FileSystemStore(mkdtempSync(join(dir, "r-")));
      const array = await createArray(store, "", {
        shape,
        chunkGrid: {
          name: "rectilinear",
          configuration: { kind: "inline", chunk_shapes: chunkShapes },
        },
        dataType: "int32",
        fillValue: -1,
        codecs: rank === 2 ? codecs : [{ name: "bytes", configuration: { endian: "little" } }],
      });
      const size = shape.reduce((a, b) => a * b, 1);
      const model = new Int32Array(size).fill(-1);
      const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      /** A random slice per dimension, as text and as the indices it picks. */
      const slices = () =>
        shape.map((len) => {
          const step = r.pick([1, 1, 2, -1, 3]);
          const a = r.int(0, len - 1);
          const b = r.int(0, len - 1);
          const [start, stop] =
            step > 0 ? [Math.min(a, b), Math.max(a, b) + 1] : [Math.max(a, b), Math.min(a, b) - 1];
          const picked: number[] = [];
          for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(i);
          return { text: `${start}:${stop < 0 ? "" : stop}:${step}`, picked };
        });
      const flat = (picks: number[][]): number[] =>
        picks.reduce<number[]>(
          (acc, p, d) => acc.flatMap((base) => p.map((i) => base + i * strides[d]!)),
          [0],
        );
      for (let w = 0; w < 4; w++) {
        const sel = slices();
        const at = flat(sel.map((s) => s.picked));
        const values = Int32Array.from(at, (_, k) => n * 1000 + w * 100 + k);
        await array.set(sel.map((s) => s.text).join(", "), values);
        at.forEach((i, k) => {
          model[i] = values[k]!;
        });
      }
      const reopened = await openArray(store);
      for (let q = 0; q < 3; q++) {
        const sel = q === 0 ? shape.map((len) => ({ text: ":", picked: range(0, len) })) : slices();
        const got = Array.from(
          typedArrayOf((await reopened.get(sel.map((s) => s.text).join(", "))).data),
          Number,
        );
        expect(got, `${JSON.stringify(chunkShapes)} ${sel.map((s) => s.text).join(", ")}`).toEqual(
          flat(sel.map((s) => s.picked)).map((i) => model[i]!),
        );
      }
    }
  });
});
