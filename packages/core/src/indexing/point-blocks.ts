import type { ChunkGridDimension } from "../chunk-grids/chunk-grid.js";
import type { Points } from "./coordinate-selection.js";
import type { StridedView } from "./strided-copy.js";

/** The points of a coordinate selection inside one chunk (or one `grain`-sized part of it). */
export interface PointBlock {
  readonly chunk: readonly number[];
  /** The smallest box of the array holding the points: its first index and extent per dimension. */
  readonly start: readonly number[];
  readonly shape: readonly number[];
  /** The points (positions in the selection), in the order the selection gives them. */
  readonly points: readonly number[];
}

/**
 * Groups points by the chunk that holds them, or by the part of it when `grain` (regular grids
 * only: each chunk split into parts of that shape) is given. Blocks come in C order of their
 * chunks.
 */
export function pointBlocks(
  { coordinates, count }: Points,
  grid: readonly ChunkGridDimension[],
  grain?: readonly number[],
): PointBlock[] {
  const rank = coordinates.length;
  // Each point's cell along each dimension: chunk * parts + part.
  const parts = grid.map((dim, d) =>
    grain === undefined ? 1 : Math.ceil(dim.chunkSize(0) / grain[d]!),
  );
  const cells = coordinates.map((along, d) =>
    along.map((x) => {
      const chunk = grid[d]!.chunkIndexOf(x);
      if (grain === undefined) return chunk;
      return chunk * parts[d]! + Math.floor((x - grid[d]!.chunkStart(chunk)) / grain[d]!);
    }),
  );
  // One number per cell while the cells' product stays exact, else text.
  const extents = cells.map((c) => c.reduce((m, x) => Math.max(m, x), 0) + 1);
  const exact = extents.reduce((n, e) => n * e, 1) <= Number.MAX_SAFE_INTEGER;
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < count; i++) {
    let id: number | string = exact ? 0 : "";
    for (let d = 0; d < rank; d++) {
      const c = cells[d]![i]!;
      id = typeof id === "number" ? id * extents[d]! + c : `${id},${c}`;
    }
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [i]);
    else group.push(i);
  }
  const cellAt = (i: number): number[] => cells.map((c) => c[i]!);
  const inOrder = [...groups.values()].sort((a, b) => {
    for (let d = 0; d < rank; d++) {
      const diff = cells[d]![a[0]!]! - cells[d]![b[0]!]!;
      if (diff !== 0) return diff;
    }
    return 0;
  });
  return inOrder.map((points) => {
    const start: number[] = [];
    const shape: number[] = [];
    for (let d = 0; d < rank; d++) {
      const along = coordinates[d]!;
      let lo = Infinity;
      let hi = -Infinity;
      for (const i of points) {
        lo = Math.min(lo, along[i]!);
        hi = Math.max(hi, along[i]!);
      }
      start.push(lo);
      shape.push(hi - lo + 1);
    }
    return {
      chunk: cellAt(points[0]!).map((c, d) => Math.floor(c / parts[d]!)),
      start,
      shape,
      points,
    };
  });
}

/** Where a block's points lie in `view`, a view of the block's box (element offsets). */
export function offsetsInBlock(
  block: PointBlock,
  { coordinates }: Points,
  view: Omit<StridedView, "data">,
): number[] {
  return block.points.map((i) => {
    let at = view.offset;
    coordinates.forEach((along, d) => {
      at += (along[i]! - block.start[d]!) * view.stride[d]!;
    });
    return at;
  });
}
