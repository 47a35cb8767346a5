import type { DataType } from "./data-type.js";

/**
 * Types narrower than their byte (`valueBits`: int4, uint2, float4_e2m1fn, ...) are held in
 * memory as their value in the low bits, sign-extended when signed; stored, the bits above
 * are anyone's (zarr-extensions: ignored when reading), and zarrkit writes them as zero, as
 * tensorstore does.
 */

/** Stored bytes into the memory form, in place. */
export function valueBitsFromStorage(bytes: Uint8Array, dataType: DataType): void {
  const bits = dataType.valueBits;
  if (bits === undefined) return;
  const mask = (1 << bits) - 1;
  const signBit = dataType.kind === "int" ? 1 << (bits - 1) : 0;
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i]! & mask;
    bytes[i] = v & signBit ? v | (0xff & ~mask) : v;
  }
}

/** Memory-form bytes into the stored form (bits above the value zero), in place. */
export function valueBitsToStorage(bytes: Uint8Array, dataType: DataType): void {
  const bits = dataType.valueBits;
  if (bits === undefined) return;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < bytes.length; i++) bytes[i]! &= mask;
}

/**
 * The index of the first element of `elements` (one byte each) that is not a value of the
 * type in memory form, or -1: what `set` checks before writing anything.
 */
export function firstInvalidValueBits(
  elements: Int8Array | Uint8Array,
  dataType: DataType,
): number {
  const bits = dataType.valueBits;
  if (bits === undefined) return -1;
  const [low, high] =
    dataType.kind === "int" ? [-(1 << (bits - 1)), (1 << (bits - 1)) - 1] : [0, (1 << bits) - 1];
  for (let i = 0; i < elements.length; i++) {
    const v = elements[i]!;
    if (v < low || v > high) return i;
  }
  return -1;
}
