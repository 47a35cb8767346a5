/** A buffer, or runs of memory taken one after another (@zarrkit/native's `ByteRuns`). */
export type ByteRuns = Uint8Array | readonly Uint8Array[];

/** The bytes a buffer, or a list of runs, holds in all. */
export const byteLength = (bytes: ByteRuns): number =>
  bytes instanceof Uint8Array ? bytes.length : bytes.reduce((n, run) => n + run.length, 0);

/** Copies `bytes` across `target`'s runs, one after another (their total is its length). */
export function scatter(bytes: Uint8Array, target: ByteRuns): void {
  if (target instanceof Uint8Array) {
    target.set(bytes);
    return;
  }
  let at = 0;
  for (const run of target) {
    run.set(bytes.subarray(at, at + run.length));
    at += run.length;
  }
}
