import { InvalidMetadataError } from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import type { ChunkGridExtension } from "../registry/extension.js";
import type { ChunkGrid, ChunkGridDimension } from "./chunk-grid.js";

/** `count` chunks of `size`, the first being chunk `firstChunk`, starting at array index `start`. */
interface Run {
  readonly size: number;
  readonly count: number;
  readonly firstChunk: number;
  readonly start: number;
}

const fail: (why: string) => never = (why) => {
  throw new InvalidMetadataError(`chunk_grid "rectilinear": ${why}`);
};

const isPositive = (v: JsonValue | undefined): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 1;

/**
 * One dimension's edge lengths as runs: an integer `m` (repeated until the array's length is
 * covered) or a list of integers and `[value, count]` run-length pairs.
 */
function runsOf(edges: JsonValue, length: number, d: number): Run[] {
  const runs: Run[] = [];
  let firstChunk = 0;
  let start = 0;
  const push = (size: number, count: number) => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.size === size) {
      runs[runs.length - 1] = { ...last, count: last.count + count };
    } else runs.push({ size, count, firstChunk, start });
    firstChunk += count;
    start += size * count;
  };
  if (isPositive(edges)) {
    push(edges, Math.max(1, Math.ceil(length / edges)));
    return runs;
  }
  if (!Array.isArray(edges) || edges.length === 0)
    return fail(
      `chunk_shapes[${d}] must be a positive integer or a non-empty list of edge lengths, got ${describe(edges)}`,
    );
  for (const [k, item] of edges.entries()) {
    if (isPositive(item)) push(item, 1);
    else if (Array.isArray(item) && item.length === 2 && isPositive(item[0]) && isPositive(item[1]))
      push(item[0], item[1]);
    else
      fail(
        `chunk_shapes[${d}][${k}] must be a positive edge length or a [length, repetitions] pair of positive integers, got ${describe(item)}`,
      );
  }
  if (start < length)
    fail(
      `chunk_shapes[${d}] covers ${start} elements; the array has ${length} along dimension ${d}`,
    );
  return runs;
}

/** The last run whose `field` is at most `x` (runs ascend in both fields), by binary search. */
function lastRunAtMost(runs: readonly Run[], field: "firstChunk" | "start", x: number): Run {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid]![field] <= x) lo = mid;
    else hi = mid - 1;
  }
  return runs[lo]!;
}

/** A dimension of runs: lookups by binary search over the runs (few, even for many chunks). */
function runDimension(runs: readonly Run[], length: number): ChunkGridDimension {
  const runOfChunk = (i: number): Run => lastRunAtMost(runs, "firstChunk", i);
  let chunkCount = 0;
  for (const r of runs) {
    if (r.start >= length) break;
    chunkCount = r.firstChunk + Math.min(r.count, Math.ceil((length - r.start) / r.size));
  }
  return {
    chunkCount,
    chunkStart(i) {
      const r = runOfChunk(i);
      return r.start + (i - r.firstChunk) * r.size;
    },
    chunkSize: (i) => runOfChunk(i).size,
    chunkIndexOf(x) {
      const r = lastRunAtMost(runs, "start", x);
      return r.firstChunk + Math.floor((x - r.start) / r.size);
    },
    chunkSizes: () => [
      ...new Set(runs.filter((r) => r.start < Math.max(length, 1)).map((r) => r.size)),
    ],
  };
}

/**
 * zarr-extensions' `rectilinear` grid (ZEP 3's variable chunking): each dimension's chunk edge
 * lengths, given inline. Edge chunks are stored whole, as in the regular grid; the lengths may
 * cover more than the array (chunks beyond it hold nothing).
 */
export function rectilinearChunkGrid(
  configuration: JsonObject | undefined,
  arrayShape: readonly number[],
): ChunkGrid {
  if (!isJsonObject(configuration)) return fail("configuration must be an object");
  const extra = Object.keys(configuration).filter((k) => k !== "kind" && k !== "chunk_shapes");
  if (extra.length > 0) fail(`unknown configuration field(s) ${extra.join(", ")}`);
  if (configuration.kind !== "inline")
    fail(`configuration.kind must be "inline", got ${describe(configuration.kind)}`);
  const shapes = configuration.chunk_shapes;
  if (!Array.isArray(shapes))
    return fail(`configuration.chunk_shapes must be a list, got ${describe(shapes)}`);
  if (shapes.length !== arrayShape.length)
    fail(`chunk_shapes has ${shapes.length} dimensions but the array has ${arrayShape.length}`);
  const runs = shapes.map((edges, d) => runsOf(edges, arrayShape[d]!, d));
  const dimensions = runs.map((r, d) => runDimension(r, arrayShape[d]!));
  // Every dimension one size over the array (an integer, or a list of one length): regular.
  const uniform = dimensions.map((dim) => dim.chunkSizes());
  const regular = uniform.every((sizes) => sizes.length === 1)
    ? uniform.map((sizes) => sizes[0]!)
    : undefined;
  const copy: JsonObject = { kind: "inline", chunk_shapes: structuredClone(shapes) };
  return {
    name: "rectilinear",
    dimensions,
    regularChunkShape: regular,
    toConfig: () => ({ name: "rectilinear", configuration: structuredClone(copy) }),
  };
}

export const rectilinearChunkGridExtension: ChunkGridExtension = {
  kind: "chunk-grid",
  name: "rectilinear",
  fromConfig: rectilinearChunkGrid,
  samples: [{ kind: "inline", chunk_shapes: [[1, [2, 2]], 3] }],
};
