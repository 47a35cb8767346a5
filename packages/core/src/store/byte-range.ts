import { StoreError } from "../errors/errors.js";
import type { ByteRange } from "./store.js";

/** Validates a range against a value of `size` bytes and returns [start, end). */
export function resolveRange(range: ByteRange, size: number, key: string): [number, number] {
  if ("suffix" in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix < 0) {
      throw new StoreError(`invalid suffix range ${range.suffix} for ${key}`, { key });
    }
    return [Math.max(0, size - range.suffix), size];
  }
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new StoreError(`invalid byte range {offset: ${offset}, length: ${length}} for ${key}`, {
      key,
    });
  }
  if (offset + length > size) {
    throw new StoreError(
      `byte range ${offset}..${offset + length} is past the end of ${key} (${size} bytes)`,
      { key },
    );
  }
  return [offset, offset + length];
}

/** The bytes of `value` in `range` (a view, not a copy); the whole value without a range. */
export function sliceRange(
  value: Uint8Array,
  range: ByteRange | undefined,
  key: string,
): Uint8Array {
  if (range === undefined) return value;
  const [start, end] = resolveRange(range, value.byteLength, key);
  return value.subarray(start, end);
}
