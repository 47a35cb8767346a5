import type { ArrayFor, DataType, ElementArray, TypedArray } from "./data-types/data-type.js";
import { UnsupportedFeatureError } from "./errors/errors.js";

/**
 * An n-dimensional view of typed-array data. `stride` and `offset` count elements (not slots
 * or bytes): element (i0, i1, ...) occupies slots
 * `(offset + sum(i_k * stride_k)) * dataType.lanes` onwards.
 */
export interface NDArray<D extends string = string> {
  readonly data: ArrayFor<D>;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
  readonly dataType: DataType<D>;
}

/** Row-major (C order) strides for a shape. */
export function cOrderStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = step;
    step *= shape[i]!;
  }
  return stride;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** True when the view covers its data exactly in C order (so `data` can be used as-is). */
export function isCContiguous(array: NDArray): boolean {
  if (array.offset !== 0) return false;
  const n = elementCount(array.shape);
  if (array.data.length !== n * array.dataType.lanes) return false;
  let step = 1;
  for (let i = array.shape.length - 1; i >= 0; i--) {
    if (array.shape[i] !== 1 && array.stride[i] !== step) return false;
    step *= array.shape[i]!;
  }
  return true;
}

/** A new C-ordered NDArray over `data` (which must hold exactly the elements of `shape`). */
export function ndarray<D extends string>(
  dataType: DataType<D>,
  shape: readonly number[],
  data: ArrayFor<D> = dataType.allocate(elementCount(shape)),
): NDArray<D> {
  return { data, shape: [...shape], stride: cOrderStride(shape), offset: 0, dataType };
}

/** The typed array behind fixed-size element data; variable-length (JS array) data throws. */
export function typedArrayOf(data: ElementArray): TypedArray {
  if (!ArrayBuffer.isView(data))
    throw new UnsupportedFeatureError("this needs fixed-size elements in a typed array");
  return data;
}
