/**
 * A chunk shape of at most about 1 MiB: start from the whole array and halve the longest
 * dimension until it fits. Zero-length dimensions get chunks of 1.
 */
export function defaultChunkShape(
  shape: readonly number[],
  itemSize: number,
  targetBytes = 1 << 20,
): number[] {
  const chunk = shape.map((n) => Math.max(1, n));
  const bytes = () => chunk.reduce((a, b) => a * b, itemSize);
  while (bytes() > targetBytes) {
    let longest = 0;
    for (let d = 1; d < chunk.length; d++) if (chunk[d]! > chunk[longest]!) longest = d;
    if (chunk[longest]! <= 1) break;
    chunk[longest] = Math.ceil(chunk[longest]! / 2);
  }
  return chunk;
}
