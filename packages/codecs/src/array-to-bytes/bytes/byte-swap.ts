/** Reverses the byte order of each `laneSize`-byte lane of `bytes`, in place. */
export function swapLanes(bytes: Uint8Array, laneSize: number): void {
  if (laneSize === 1) return;
  const n = bytes.length;
  for (let i = 0; i < n; i += laneSize) {
    for (let a = i, b = i + laneSize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
