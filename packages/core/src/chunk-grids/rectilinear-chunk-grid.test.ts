import { describe, expect, it } from "vitest";
import { InvalidMetadataError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import { rectilinearChunkGrid } from "./rectilinear-chunk-grid.js";

const grid = (chunk_shapes: JsonObject["chunk_shapes"], shape: number[]) =>
  rectilinearChunkGrid({ kind: "inline", chunk_shapes }, shape);

/** The README's procedure: the chunk of x is the first cumulative sum exceeding it. */
function byCumulativeSums(edges: number[], x: number): [chunk: number, within: number] {
  let sum = 0;
  for (const [i, e] of edges.entries()) {
    if (sum + e > x) return [i, x - sum];
    sum += e;
  }
  throw new Error("not covered");
}

describe("the rectilinear chunk grid (zarr-extensions)", () => {
  it("reads the README's example: integers, lists, run lengths and overflow", () => {
    const g = grid([4, [1, 2, 3], [[4, 2]], [[1, 3], 3], [4, 4, 4]], [6, 6, 6, 6, 6]);
    // What the README says each expands to (the last one's third chunk lies beyond the array).
    const expanded = [
      [4, 4],
      [1, 2, 3],
      [4, 4],
      [1, 1, 1, 3],
      [4, 4],
    ];
    expect(g.dimensions.map((d) => d.chunkCount)).toEqual(expanded.map((e) => e.length));
    for (const [d, edges] of expanded.entries()) {
      const dim = g.dimensions[d]!;
      expect(edges.map((_, i) => dim.chunkSize(i))).toEqual(edges);
      expect(edges.map((_, i) => dim.chunkStart(i))).toEqual(
        edges.map((_, i) => edges.slice(0, i).reduce((a, b) => a + b, 0)),
      );
      for (let x = 0; x < 6; x++) {
        const [chunk, within] = byCumulativeSums(edges, x);
        expect(dim.chunkIndexOf(x), `dimension ${d}, index ${x}`).toBe(chunk);
        expect(x - dim.chunkStart(chunk)).toBe(within);
      }
    }
    expect(g.regularChunkShape).toBeUndefined();
  });

  it("resolves the README's indexing example: (20, 15) is in chunk (1, 0) at (4, 15)", () => {
    const g = grid(
      [
        [16, 10],
        [24, 14],
      ],
      [26, 38],
    );
    const coords = [20, 15].map((x, d) => g.dimensions[d]!.chunkIndexOf(x));
    expect(coords).toEqual([1, 0]);
    expect([20, 15].map((x, d) => x - g.dimensions[d]!.chunkStart(coords[d]!))).toEqual([4, 15]);
  });

  it("finds chunks in long runs without expanding them", () => {
    const g = grid([[[3, 1_000_000], 7, [5, 2]]], [3_000_017]);
    const dim = g.dimensions[0]!;
    expect(dim.chunkCount).toBe(1_000_003);
    expect(dim.chunkIndexOf(2_999_999)).toBe(999_999);
    expect(dim.chunkIndexOf(3_000_000)).toBe(1_000_000);
    expect(dim.chunkStart(1_000_001)).toBe(3_000_007);
    expect(dim.chunkSize(1_000_000)).toBe(7);
    expect([...dim.chunkSizes()].sort()).toEqual([3, 5, 7]);
  });

  it("is regular when every dimension has one size over the array", () => {
    expect(grid([[[4, 3]], 5], [12, 9]).regularChunkShape).toEqual([4, 5]);
    // A smaller last chunk is stored at its own size: not regular.
    expect(grid([[4, 4, 2]], [10]).regularChunkShape).toBeUndefined();
    expect(grid([[4, 4, 2]], [8]).regularChunkShape).toEqual([4]);
  });

  it("writes back the configuration it was given", () => {
    const g = grid([[1, [2, 3]], 4], [7, 9]);
    expect(g.toConfig()).toEqual({
      name: "rectilinear",
      configuration: { kind: "inline", chunk_shapes: [[1, [2, 3]], 4] },
    });
  });

  it.each([
    [{ chunk_shapes: [2] }, /configuration.kind must be "inline", got nothing/],
    [{ kind: "file", chunk_shapes: [2] }, /configuration.kind must be "inline", got "file"/],
    [{ kind: "inline", chunk_shapes: [2], extra: 1 }, /unknown configuration field\(s\) extra/],
    [{ kind: "inline", chunk_shapes: [2, 2] }, /chunk_shapes has 2 dimensions but the array has 1/],
    [
      { kind: "inline", chunk_shapes: [0] },
      /chunk_shapes\[0\] must be a positive integer or a non-empty list/,
    ],
    [
      { kind: "inline", chunk_shapes: [[]] },
      /chunk_shapes\[0\] must be a positive integer or a non-empty list/,
    ],
    [
      { kind: "inline", chunk_shapes: [[3, [2, 0]]] },
      /chunk_shapes\[0\]\[1\] must be a positive edge length/,
    ],
    [
      { kind: "inline", chunk_shapes: [[3, [2, 1, 1]]] },
      /chunk_shapes\[0\]\[1\] must be a positive edge length/,
    ],
    [
      { kind: "inline", chunk_shapes: [[3, 2.5]] },
      /chunk_shapes\[0\]\[1\] must be a positive edge length/,
    ],
    [
      { kind: "inline", chunk_shapes: [[3, 3]] },
      /chunk_shapes\[0\] covers 6 elements; the array has 10/,
    ],
  ])("refuses %j", (configuration, message) => {
    expect(() => rectilinearChunkGrid(configuration, [10])).toThrow(message);
    expect(() => rectilinearChunkGrid(configuration, [10])).toThrow(InvalidMetadataError);
  });
});
