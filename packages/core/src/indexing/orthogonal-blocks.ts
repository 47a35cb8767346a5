import type { ChunkGridDimension } from "../chunk-grids/chunk-grid.js";
import { projectDimension } from "./chunk-projection.js";
import type { OrthogonalDimIndexer } from "./orthogonal-selection.js";

/**
 * One dimension's share of an orthogonal selection inside one chunk (or one `grain`-sized part
 * of a chunk): a basic range of the array, read or written as one, and which of its positions
 * stand for which positions of the selection.
 */
export interface AxisBlock {
  readonly chunk: number;
  /** The range, in array coordinates: `count` indices from `start`, `step` apart. */
  readonly start: number;
  readonly step: number;
  readonly count: number;
  /** Positions in the range, and the positions in the selection they go to (parallel). */
  readonly inBlock: Float64Array;
  readonly inSelection: Float64Array;
}

/**
 * Splits one dimension of an orthogonal selection into blocks. A range keeps its order (one
 * block per chunk it crosses); positions are sorted, each chunk's (each grain's, when given)
 * read as the range from the first to the last of them. Equal positions keep their order in the
 * selection, so a write of repeated positions leaves the last value given.
 */
export function axisBlocks(
  indexer: OrthogonalDimIndexer,
  grid: ChunkGridDimension,
  grain?: number,
): AxisBlock[] {
  if (indexer.kind === "index") {
    const { index } = indexer;
    const one = Float64Array.of(0);
    return [
      {
        chunk: grid.chunkIndexOf(index),
        start: index,
        step: 1,
        count: 1,
        inBlock: one,
        inSelection: one,
      },
    ];
  }
  if (indexer.kind === "range") {
    return projectDimension(indexer, grid).map((p) => {
      const inBlock = Float64Array.from({ length: p.count }, (_, i) => i);
      return {
        chunk: p.chunk,
        start: grid.chunkStart(p.chunk) + p.chunkStart,
        step: p.step,
        count: p.count,
        inBlock,
        inSelection: inBlock.map((i) => p.outStart + i),
      };
    });
  }
  const { indices } = indexer;
  const order = Uint32Array.from({ length: indices.length }, (_, i) => i).sort(
    (a, b) => indices[a]! - indices[b]! || a - b,
  );
  const blocks: AxisBlock[] = [];
  let first = 0;
  const cellOf = (x: number): [chunk: number, part: number] => {
    const chunk = grid.chunkIndexOf(x);
    return [chunk, grain === undefined ? 0 : Math.floor((x - grid.chunkStart(chunk)) / grain)];
  };
  while (first < order.length) {
    const start = indices[order[first]!]!;
    const [chunk, part] = cellOf(start);
    let end = first + 1;
    while (end < order.length) {
      const [c, q] = cellOf(indices[order[end]!]!);
      if (c !== chunk || q !== part) break;
      end++;
    }
    const members = order.subarray(first, end);
    blocks.push({
      chunk,
      start,
      step: 1,
      count: indices[order[end - 1]!]! - start + 1,
      inBlock: Float64Array.from(members, (i) => indices[i]! - start),
      inSelection: Float64Array.from(members),
    });
    first = end;
  }
  return blocks;
}
