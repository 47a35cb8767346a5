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

/**
 * Blosc's bit shuffle of one block (the bitshuffle library's transpose): bit k of byte j of
 * every element goes together. As in blosc1 frames (format 2), a block whose element count is
 * not a multiple of 8 is left as it is, and bytes after the last whole element are copied.
 */
export function bitshuffle(src: Uint8Array, typesize: number, dst: Uint8Array): void {
  const count = Math.floor(src.length / typesize);
  const size = count % 8 === 0 ? count : 0;
  const nbyte = size * typesize;
  if (nbyte > 0) {
    // 1. Byte transpose: byte j of element i goes to j * size + i.
    const bytes = new Uint8Array(nbyte);
    shuffle(src.subarray(0, nbyte), typesize, bytes);
    // 2. Bit transpose of each group of 8 bytes: row k gets bit k of the 8 bytes.
    const rowBytes = nbyte / 8;
    const rows = new Uint8Array(nbyte);
    for (let i = 0; i < rowBytes; i++) {
      const at = i * 8;
      for (let k = 0; k < 8; k++) {
        let b = 0;
        for (let j = 0; j < 8; j++) b |= ((bytes[at + j]! >> k) & 1) << j;
        rows[k * rowBytes + i] = b;
      }
    }
    // 3. Reorder the rows from bit-major (k, j) to byte-major (j, k).
    const run = size / 8;
    for (let k = 0; k < 8; k++)
      for (let j = 0; j < typesize; j++) {
        const from = (k * typesize + j) * run;
        dst.set(rows.subarray(from, from + run), (j * 8 + k) * run);
      }
  }
  dst.set(src.subarray(nbyte), nbyte);
}
