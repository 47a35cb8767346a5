import { expandRuns, type RunLayout, type StridedRuns, stridedRunsLength } from "@zarrkit/core";

/** Runs of memory taken one after another: listed, or described by strides. */
export type Runs = readonly Uint8Array[] | StridedRuns;

/** A buffer, or runs (@zarrkit/native's `ByteRuns`). */
export type ByteRuns = Uint8Array | Runs;

/** The runs as a list of views. */
export const listRuns = (runs: Runs): readonly Uint8Array[] =>
  "runBytes" in runs ? expandRuns(runs) : runs;

/** The bytes a buffer, or runs, hold in all. */
export function byteLength(bytes: ByteRuns): number {
  if (bytes instanceof Uint8Array) return bytes.length;
  if ("runBytes" in bytes) return stridedRunsLength(bytes);
  return bytes.reduce((n, run) => n + run.length, 0);
}

/** Copies `bytes` across `target`'s runs, one after another (their total is its length). */
export function scatter(bytes: Uint8Array, target: ByteRuns): void {
  if (target instanceof Uint8Array) {
    target.set(bytes);
    return;
  }
  let at = 0;
  for (const run of listRuns(target)) {
    run.set(bytes.subarray(at, at + run.length));
    at += run.length;
  }
}

/** Copies the runs `from` selects in `bytes`, one after another, into `to` (as many bytes). */
export function copySelected(bytes: Uint8Array, from: RunLayout, to: ByteRuns): void {
  const targets = to instanceof Uint8Array ? [to] : listRuns(to);
  let t = 0;
  let filled = 0;
  for (let run of expandRuns({ bytes, ...from })) {
    while (run.length > 0) {
      const target = targets[t];
      if (target === undefined) throw new RangeError("the selection is longer than the target");
      if (filled === target.length) {
        t++;
        filled = 0;
        continue;
      }
      const n = Math.min(run.length, target.length - filled);
      target.set(run.subarray(0, n), filled);
      run = run.subarray(n);
      filled += n;
    }
  }
}
