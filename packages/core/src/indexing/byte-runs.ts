import type { ChunkRegion } from "../codecs/codec.js";
import { cOrderStride } from "../ndarray.js";
import type { StridedView } from "./strided-copy.js";

/** Below this many bytes per run, one copy beats handing the kernel that many pieces. */
const MIN_RUN_BYTES = 512;

/**
 * Runs of `runBytes` in one buffer, placed like the elements of a strided array: run i (C order
 * over `shape`) starts `offset + sum(index[d] * strides[d])` bytes into `bytes` (strides in
 * bytes, any sign). The rows of a chunk inside a larger array, described without a view per row
 * (a 256x256 chunk has 256 of them; a whole read, hundreds of thousands).
 */
export interface StridedRuns {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly runBytes: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** Where strided runs lie in a buffer given elsewhere: StridedRuns without its `bytes`. */
export type RunLayout = Omit<StridedRuns, "bytes">;

/**
 * The bytes of `view` over `shape`, in C order, as runs of its memory, merged across dimensions
 * wherever they are contiguous. undefined when the view is not a typed array, or would split
 * into runs shorter than `minRunBytes` (default 512: for the kernel's scatter reads, a copy is
 * cheaper then).
 */
export function stridedByteRuns(
  view: StridedView,
  shape: readonly number[],
  lanes: number,
  minRunBytes = MIN_RUN_BYTES,
): StridedRuns | undefined {
  const { data } = view;
  if (!ArrayBuffer.isView(data)) return undefined;
  const layout = foldedLayout(view.offset, view.stride, shape, lanes * data.BYTES_PER_ELEMENT);
  const count = layout.shape.reduce((a, b) => a * b, 1);
  if (layout.runBytes < minRunBytes && count > 1) return undefined;
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ...layout };
}

/**
 * The bytes of `region` in a chunk of `shape` whose elements (`elementBytes` each) are stored
 * in C order, as runs.
 */
export function regionLayout(
  shape: readonly number[],
  region: readonly ChunkRegion[],
  elementBytes: number,
): RunLayout {
  const stride = cOrderStride(shape);
  return foldedLayout(
    region.reduce((at, r, d) => at + r.start * stride[d]!, 0),
    region.map((r, d) => r.step * stride[d]!),
    region.map((r) => r.count),
    elementBytes,
  );
}

/**
 * A strided view's elements over `shape` (offset and strides in elements) as runs of bytes,
 * trailing dimensions laid out one after the other folded into a single run.
 */
function foldedLayout(
  offset: number,
  stride: readonly number[],
  shape: readonly number[],
  elementBytes: number,
): RunLayout {
  let d = shape.length - 1;
  let run = 1;
  while (d >= 0 && (shape[d] === 1 || stride[d] === run)) {
    run *= shape[d]!;
    d--;
  }
  return {
    offset: offset * elementBytes,
    runBytes: run * elementBytes,
    shape: shape.slice(0, d + 1),
    strides: stride.slice(0, d + 1).map((s) => s * elementBytes),
  };
}

/** How many bytes `runs` hold together. */
export function stridedRunsLength(runs: StridedRuns): number {
  return runs.shape.reduce((n, s) => n * s, runs.runBytes);
}

/** Each run of `runs` as a view, in order. */
export function expandRuns(runs: StridedRuns): Uint8Array[] {
  const out: Uint8Array[] = [];
  everyRun(runs, (run) => {
    out.push(run);
    return true;
  });
  return out;
}

/**
 * Whether `test` holds for each run of `runs` (as a view), in order; stops at the first that
 * fails, so a question about the leading bytes makes no view of the rest.
 */
export function everyRun(runs: StridedRuns, test: (run: Uint8Array) => boolean): boolean {
  const { bytes, runBytes, shape, strides } = runs;
  const count = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  let offset = runs.offset;
  for (let r = 0; r < count; r++) {
    if (!test(bytes.subarray(offset, offset + runBytes))) return false;
    // Advance the multi-index like an odometer.
    for (let k = shape.length - 1; k >= 0; k--) {
      offset += strides[k]!;
      if (++index[k]! < shape[k]!) break;
      offset -= strides[k]! * shape[k]!;
      index[k] = 0;
    }
  }
  return true;
}

/** `parts` one after another, in one new buffer (for a store that cannot gather them). */
export function joinedParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
