import type { StridedView } from "./strided-copy.js";

/** Below this many bytes per run, one copy beats handing the kernel that many pieces. */
const MIN_RUN_BYTES = 512;

/**
 * The bytes of `view` over `shape`, in C order, as contiguous runs of its memory: views into
 * its buffer, merged across dimensions wherever they are contiguous. undefined when the view
 * is not a typed array, steps backwards or sideways in its last dimension, or would split into
 * runs shorter than 512 bytes (a copy is cheaper then).
 */
export function contiguousByteRuns(
  view: StridedView,
  shape: readonly number[],
  lanes: number,
): Uint8Array[] | undefined {
  const { data } = view;
  if (!ArrayBuffer.isView(data)) return undefined;
  const slotBytes = data.BYTES_PER_ELEMENT;
  // Fold trailing dimensions that are laid out one after the other into a single run.
  let d = shape.length - 1;
  let run = 1;
  while (d >= 0 && (shape[d] === 1 || view.stride[d] === run)) {
    run *= shape[d]!;
    d--;
  }
  const runBytes = run * lanes * slotBytes;
  const outer = shape.slice(0, d + 1);
  const count = outer.reduce((a, b) => a * b, 1);
  if (count === 0) return [];
  if (runBytes < MIN_RUN_BYTES && count > 1) return undefined;
  const runs: Uint8Array[] = [];
  const index = new Array<number>(outer.length).fill(0);
  let offset = view.offset;
  for (let r = 0; r < count; r++) {
    runs.push(new Uint8Array(data.buffer, data.byteOffset + offset * lanes * slotBytes, runBytes));
    // Advance the outer multi-index like an odometer.
    for (let k = outer.length - 1; k >= 0; k--) {
      offset += view.stride[k]!;
      if (++index[k]! < outer[k]!) break;
      offset -= view.stride[k]! * outer[k]!;
      index[k] = 0;
    }
  }
  return runs;
}
