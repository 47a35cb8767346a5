/**
 * Blosc's byte shuffle: within a block, byte j of every element goes together, for j in
 * 0..typesize-1, so that similar bytes sit next to each other. Bytes past the last whole
 * element are left where they are.
 */
export function shuffle(src: Uint8Array, typesize: number, dst: Uint8Array): void {
  const n = Math.floor(src.length / typesize);
  for (let j = 0; j < typesize; j++) {
    const base = j * n;
    for (let i = 0, s = j; i < n; i++, s += typesize) dst[base + i] = src[s]!;
  }
  dst.set(src.subarray(n * typesize), n * typesize);
}
