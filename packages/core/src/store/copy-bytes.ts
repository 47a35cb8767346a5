/**
 * A copy of `bytes` in memory of its own (offset 0, so aligned for any typed array).
 * `bytes.slice()` is no copy when `bytes` is a Node Buffer: Buffer's `slice` returns a view,
 * often into Node's shared pool, and stores and the worker protocol hand such copies on,
 * keep them, or transfer their memory.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
