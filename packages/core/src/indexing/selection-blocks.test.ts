import { describe, expect, it } from "vitest";
import { regularChunkGrid } from "../chunk-grids/regular-chunk-grid.js";
import { normalizeCoordinates } from "./coordinate-selection.js";
import { axisBlocks } from "./orthogonal-blocks.js";
import { normalizeOrthogonalSelection, parseOrthogonalSelection } from "./orthogonal-selection.js";
import { pointBlocks } from "./point-blocks.js";
import { slice } from "./selection.js";

describe("orthogonal selections", () => {
  it("parses bracketed positions beside basic items", () => {
    expect(parseOrthogonalSelection(" [3, -1,0] , 2:10:2, ..., 4")).toEqual([
      [3, -1, 0],
      slice(2, 10, 2),
      "...",
      4,
    ]);
    expect(parseOrthogonalSelection("[]")).toEqual([[]]);
    expect(() => parseOrthogonalSelection("[1, 2], ]")).toThrow(/unbalanced/);
    expect(() => parseOrthogonalSelection("[1, x]")).toThrow(/not an integer/);
  });

  it("turns masks and negative positions into positions", () => {
    const [rows, cols] = normalizeOrthogonalSelection(
      [
        [-1, 0, -1],
        [false, true, true],
      ],
      [4, 3],
    );
    expect(rows).toEqual({ kind: "list", indices: Float64Array.of(3, 0, 3) });
    expect(cols).toEqual({ kind: "list", indices: Float64Array.of(1, 2) });
  });

  it("reads each chunk's positions (each grain's, when given) as one range, every position once", () => {
    const dim = regularChunkGrid([100], [20]).dimensions[0]!;
    const indices = Float64Array.of(99, 3, 45, 3, 41, 0, 59, 47);
    const check = (grain: number | undefined, ranges: number[][]) => {
      const blocks = axisBlocks({ kind: "list", indices }, dim, grain);
      expect(blocks.map((b) => [b.chunk, b.start, b.count])).toEqual(ranges);
      // Every selected position comes from the element the selection names.
      const got = new Float64Array(indices.length);
      for (const b of blocks)
        b.inSelection.forEach((s, k) => {
          got[s] = b.start + b.inBlock[k]!;
        });
      expect(got).toEqual(indices);
    };
    check(undefined, [
      [0, 0, 4],
      [2, 41, 19],
      [4, 99, 1],
    ]);
    check(5, [
      [0, 0, 4],
      [2, 41, 1],
      [2, 45, 3],
      [2, 59, 1],
      [4, 99, 1],
    ]);
  });
});

describe("point selections", () => {
  it("groups points by chunk (by grain within it when given), keeping their order", () => {
    const grid = regularChunkGrid([10, 10], [5, 5]).dimensions;
    const points = normalizeCoordinates(
      [
        [9, 0, 4, 1, 6],
        [9, 0, -1, 4, 0],
      ],
      [10, 10],
    );
    const whole = pointBlocks(points, grid);
    expect(whole.map((b) => [b.chunk, b.start, b.shape, b.points])).toEqual([
      [
        [0, 0],
        [0, 0],
        [2, 5],
        [1, 3],
      ],
      [[0, 1], [4, 9], [1, 1], [2]],
      [[1, 0], [6, 0], [1, 1], [4]],
      [[1, 1], [9, 9], [1, 1], [0]],
    ]);
    const parts = pointBlocks(points, grid, [2, 2]);
    expect(parts.map((b) => [b.chunk, b.start, b.points])).toEqual([
      [[0, 0], [0, 0], [1]],
      [[0, 0], [1, 4], [3]],
      [[0, 1], [4, 9], [2]],
      [[1, 0], [6, 0], [4]],
      [[1, 1], [9, 9], [0]],
    ]);
  });
});
