import type { ChunkGridDimension } from "../chunk-grids/chunk-grid.js";
import { InvalidMetadataError } from "../errors/errors.js";
import { cartesianProduct } from "./cartesian-product.js";
import type { DimIndexer } from "./selection.js";
import type { StridedView } from "./strided-copy.js";

/** The part of one dimension's selection that falls in one chunk. */
export interface DimProjection {
  readonly chunk: number;
  /** First selected index inside the chunk, then `step` apart, `count` of them. */
  readonly chunkStart: number;
  readonly step: number;
  readonly count: number;
  /** Position of the first of them in the selection's output along this dimension. */
  readonly outStart: number;
}

/** Splits one dimension's indexer over the chunks it touches, in output order. */
export function projectDimension(indexer: DimIndexer, grid: ChunkGridDimension): DimProjection[] {
  if (indexer.kind === "index") {
    const chunk = grid.chunkIndexOf(indexer.index);
    return [
      { chunk, chunkStart: indexer.index - grid.chunkStart(chunk), step: 1, count: 1, outStart: 0 },
    ];
  }
  const { start, step, count } = indexer;
  const out: DimProjection[] = [];
  let k = 0;
  while (k < count) {
    const x = start + k * step;
    const chunk = grid.chunkIndexOf(x);
    const lo = grid.chunkStart(chunk);
    const hi = lo + grid.chunkSize(chunk);
    // A grid whose chunk does not hold the index would make this loop forever.
    if (x < lo || x >= hi)
      throw new InvalidMetadataError(
        `the chunk grid puts index ${x} in chunk ${chunk}, which spans [${lo}, ${hi})`,
      );
    // The selected indices x + j*step stay in [lo, hi) for j < n.
    const n = step > 0 ? Math.ceil((hi - x) / step) : Math.floor((x - lo) / -step) + 1;
    const take = Math.min(n, count - k);
    out.push({ chunk, chunkStart: x - lo, step, count: take, outStart: k });
    k += take;
  }
  return out;
}

/** One chunk's share of an n-d selection. */
export interface ChunkProjection {
  readonly coords: readonly number[];
  readonly dims: readonly DimProjection[];
}

/** The cartesian product of per-dimension projections, in C order of output position. */
export function* chunkProjections(
  perDim: readonly (readonly DimProjection[])[],
): Generator<ChunkProjection> {
  for (const dims of cartesianProduct(perDim)) yield { coords: dims.map((p) => p.chunk), dims };
}

/**
 * When a projection selects every element of a chunk that lies wholly inside the array (steps
 * of +1 or -1), the view of `view` that the whole chunk maps onto, indexed like the chunk; else
 * undefined. `view` is positioned at the projection's first selected element (as the output of
 * a read or the source of a write is), with the selection's strides.
 */
export function wholeChunkView(
  projection: ChunkProjection,
  grid: readonly ChunkGridDimension[],
  arrayShape: readonly number[],
  view: StridedView,
): StridedView | undefined {
  let offset = view.offset;
  const stride: number[] = [];
  for (const [d, p] of projection.dims.entries()) {
    const dim = grid[d]!;
    const size = dim.chunkSize(p.chunk);
    if (p.count !== size || dim.chunkStart(p.chunk) + size > arrayShape[d]!) return undefined;
    if (size > 1 && Math.abs(p.step) !== 1) return undefined;
    const step = size > 1 ? p.step : 1;
    // Chunk index i lands at position start + (i - chunkStart) * step.
    offset -= p.chunkStart * step * view.stride[d]!;
    stride.push(step * view.stride[d]!);
  }
  return { data: view.data, offset, stride };
}

/** Whether a projection walks its view forwards (what the codecs' strided gathers take). */
export function walksForward(projection: ChunkProjection): boolean {
  return projection.dims.every((p) => p.step === 1 || p.count === 1);
}
