import type { ElementArray } from "../data-types/data-type.js";

/** A strided view of element data, in elements (each element is `lanes` slots). */
export interface StridedView {
  readonly data: ElementArray;
  readonly offset: number;
  readonly stride: readonly number[];
}

/**
 * Copies `shape` elements from `src` to `dst` (both strided, same element type). The innermost
 * dimension is copied with `TypedArray.set` when both sides are contiguous there, which is where
 * nearly all the time goes for chunked reads.
 */
export function stridedCopy(
  dst: StridedView,
  src: StridedView,
  shape: readonly number[],
  lanes: number,
): void {
  if (shape.some((n) => n === 0)) return;
  if (shape.length === 0) {
    copyElement(asBits(dst.data), dst.offset * lanes, asBits(src.data), src.offset * lanes, lanes);
    return;
  }
  // Dimensions laid out one after the other on both sides copy as one (a whole chunk, a shard
  // index: one memmove instead of one per row).
  const { dims, dstStride, srcStride } = merged(shape, dst.stride, src.stride);
  const rank = dims.length;
  const inner = dims[rank - 1]!;
  const dInner = dstStride[rank - 1]!;
  const sInner = srcStride[rank - 1]!;
  const bulk = dInner === 1 && sInner === 1 && inner > 1;
  const index = new Array<number>(rank - 1).fill(0);
  let dOff = dst.offset;
  let sOff = src.offset;
  const d: Slots = asBits(dst.data);
  const s: Slots = asBits(src.data);
  // Bulk runs of typed arrays go through byte views: a memmove for every element type.
  const typed = ArrayBuffer.isView(dst.data) && ArrayBuffer.isView(src.data);
  const slotBytes = ArrayBuffer.isView(dst.data) ? dst.data.BYTES_PER_ELEMENT : 1;
  const dBytes = bulk && typed ? bytesOf(dst.data) : undefined;
  const sBytes = bulk && typed ? bytesOf(src.data) : undefined;
  while (true) {
    if (dBytes !== undefined && sBytes !== undefined) {
      const n = inner * lanes * slotBytes;
      const from = sOff * lanes * slotBytes;
      dBytes.set(sBytes.subarray(from, from + n), dOff * lanes * slotBytes);
    } else if (lanes === 1) {
      for (let i = 0, di = dOff, si = sOff; i < inner; i++, di += dInner, si += sInner)
        d[di] = s[si]!;
    } else {
      for (let i = 0, di = dOff, si = sOff; i < inner; i++, di += dInner, si += sInner) {
        copyElement(d, di * lanes, s, si * lanes, lanes);
      }
    }
    // Advance the outer multi-index like an odometer.
    let k = rank - 2;
    while (k >= 0) {
      index[k]!++;
      dOff += dstStride[k]!;
      sOff += srcStride[k]!;
      if (index[k]! < dims[k]!) break;
      dOff -= dstStride[k]! * dims[k]!;
      sOff -= srcStride[k]! * dims[k]!;
      index[k] = 0;
      k--;
    }
    if (k < 0) return;
  }
}

/**
 * `shape` (as `dims`) with each dimension folded into the one before it wherever both sides
 * step over it exactly as far as it reaches (dimensions of size 1 dropped, keeping at least one).
 */
function merged(
  shape: readonly number[],
  dstStride: readonly number[],
  srcStride: readonly number[],
): { dims: number[]; dstStride: number[]; srcStride: number[] } {
  const out = { dims: [] as number[], dstStride: [] as number[], srcStride: [] as number[] };
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1 && (out.dims.length > 0 || d < shape.length - 1)) continue;
    const last = out.dims.length - 1;
    if (
      last >= 0 &&
      out.dstStride[last] === n * dstStride[d]! &&
      out.srcStride[last] === n * srcStride[d]!
    ) {
      out.dims[last]! *= n;
      out.dstStride[last] = dstStride[d]!;
      out.srcStride[last] = srcStride[d]!;
    } else {
      out.dims.push(n);
      out.dstStride.push(dstStride[d]!);
      out.srcStride.push(srcStride[d]!);
    }
  }
  return out;
}

/** Element access shared by every element array; both sides of a copy always have the same type. */
type Slots = { [index: number]: unknown };

/**
 * float32 loads widen to float64 on the way through JS, which quiets signalling NaNs; moving the
 * same bits as uint32 keeps every payload exact.
 */
function asBits(data: ElementArray): ElementArray {
  return data instanceof Float32Array
    ? new Uint32Array(data.buffer, data.byteOffset, data.length)
    : data;
}

function bytesOf(data: ElementArray): Uint8Array | undefined {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : undefined;
}

function copyElement(d: Slots, dAt: number, s: Slots, sAt: number, lanes: number): void {
  for (let i = 0; i < lanes; i++) d[dAt + i] = s[sAt + i]!;
}

/**
 * For every combination of positions (one from each dimension's list), copies the element of
 * `src` at `srcAt[0][i0], srcAt[1][i1], ...` to `dst` at `dstAt[0][i0], dstAt[1][i1], ...`:
 * the gather and scatter of orthogonal selections. Innermost runs that are contiguous on both
 * sides move as one memmove.
 */
export function outerCopy(
  dst: StridedView,
  dstAt: readonly ArrayLike<number>[],
  src: StridedView,
  srcAt: readonly ArrayLike<number>[],
  lanes: number,
): void {
  const rank = dstAt.length;
  if (dstAt.some((at) => at.length === 0)) return;
  if (rank === 0) {
    stridedCopy(dst, src, [], lanes);
    return;
  }
  const dOffsets = dstAt.map((at, d) => Float64Array.from(at, (p) => p * dst.stride[d]!));
  const sOffsets = srcAt.map((at, d) => Float64Array.from(at, (p) => p * src.stride[d]!));
  const last = rank - 1;
  const dInner = dOffsets[last]!;
  const sInner = sOffsets[last]!;
  const inner = dInner.length;
  const typed = ArrayBuffer.isView(dst.data) && ArrayBuffer.isView(src.data);
  const bulk =
    typed &&
    inner > 1 &&
    dst.stride[last] === 1 &&
    src.stride[last] === 1 &&
    isRun(dstAt[last]!) &&
    isRun(srcAt[last]!);
  const slotBytes = ArrayBuffer.isView(dst.data) ? dst.data.BYTES_PER_ELEMENT : 1;
  const dBytes = bulk ? bytesOf(dst.data) : undefined;
  const sBytes = bulk ? bytesOf(src.data) : undefined;
  const d: Slots = asBits(dst.data);
  const s: Slots = asBits(src.data);
  const index = new Array<number>(last).fill(0);
  while (true) {
    let dOff = dst.offset;
    let sOff = src.offset;
    for (let k = 0; k < last; k++) {
      dOff += dOffsets[k]![index[k]!]!;
      sOff += sOffsets[k]![index[k]!]!;
    }
    if (dBytes !== undefined && sBytes !== undefined) {
      const n = inner * lanes * slotBytes;
      const from = (sOff + sInner[0]!) * lanes * slotBytes;
      dBytes.set(sBytes.subarray(from, from + n), (dOff + dInner[0]!) * lanes * slotBytes);
    } else if (lanes === 1) {
      for (let i = 0; i < inner; i++) d[dOff + dInner[i]!] = s[sOff + sInner[i]!]!;
    } else {
      for (let i = 0; i < inner; i++)
        copyElement(d, (dOff + dInner[i]!) * lanes, s, (sOff + sInner[i]!) * lanes, lanes);
    }
    let k = last - 1;
    while (k >= 0) {
      if (++index[k]! < dstAt[k]!.length) break;
      index[k] = 0;
      k--;
    }
    if (k < 0) return;
  }
}

/** Copies element `src[srcAt[i]]` to `dst[dstAt[i]]` for each i (element offsets). */
export function copyElementsAt(
  dst: ElementArray,
  dstAt: ArrayLike<number>,
  src: ElementArray,
  srcAt: ArrayLike<number>,
  lanes: number,
): void {
  const d: Slots = asBits(dst);
  const s: Slots = asBits(src);
  if (lanes === 1) for (let i = 0; i < dstAt.length; i++) d[dstAt[i]!] = s[srcAt[i]!]!;
  else
    for (let i = 0; i < dstAt.length; i++)
      copyElement(d, dstAt[i]! * lanes, s, srcAt[i]! * lanes, lanes);
}

/** Whether positions step by one. */
function isRun(at: ArrayLike<number>): boolean {
  for (let i = 1; i < at.length; i++) if (at[i] !== at[i - 1]! + 1) return false;
  return true;
}
