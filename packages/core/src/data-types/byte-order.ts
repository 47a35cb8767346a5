import type { DataType } from "./data-type.js";

/**
 * Reverses, in place, the byte order of each multi-byte lane (or part: a struct's fields) of
 * the whole elements of `dataType` in `bytes`: little-endian storage to big and back.
 */
export function reverseByteOrder(bytes: Uint8Array, dataType: DataType): void {
  const parts = dataType.byteOrderParts;
  if (parts === undefined) {
    reverseEach(bytes, 0, bytes.length, dataType.laneSize);
    return;
  }
  const size = dataType.itemSize;
  for (let element = 0; element < bytes.length; element += size)
    for (const [offset, length] of parts) reverseEach(bytes, element + offset, length, length);
}

/** Reverses each `unit`-byte run of `bytes[from, from + length)`. */
function reverseEach(bytes: Uint8Array, from: number, length: number, unit: number): void {
  if (unit <= 1) return;
  const end = from + length;
  for (let i = from; i < end; i += unit) {
    for (let a = i, b = i + unit - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
