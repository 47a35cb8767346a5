import { expandRuns, type StridedRuns, stridedRunsLength } from "@zarrkit/core";

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
