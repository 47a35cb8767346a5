import type { DataType, TypedArray } from "../data-types/data-type.js";
import { InvalidValueError } from "../errors/errors.js";
import type { StridedView } from "../indexing/strided-copy.js";
import { cOrderStride, elementCount, type NDArray, ndarray } from "../ndarray.js";

/** A C-ordered array of `shape` with every element set to `element` (element bytes). */
export function fillChunk<D extends string>(
  dataType: DataType<D>,
  shape: readonly number[],
  element: Uint8Array,
): NDArray<D> {
  const chunk = ndarray(dataType, shape);
  if (element.some((b) => b !== 0)) {
    const bytes = new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    const size = element.byteLength;
    if (bytes.byteLength > 0) {
      bytes.set(element, 0);
      // Doubling copies: log(n) memmoves instead of n element writes.
      for (let filled = size; filled < bytes.byteLength; filled *= 2) {
        bytes.copyWithin(filled, 0, Math.min(filled, bytes.byteLength - filled));
      }
    }
  }
  return chunk;
}

/** True when every element of a chunk (contiguous, any order) equals `element`. */
export function isAllElement(chunk: NDArray, element: Uint8Array): boolean {
  const { data } = chunk;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = element.byteLength;
  if (size === 1) {
    const b = element[0]!;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== b) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) if (bytes[i + j] !== element[j]) return false;
  }
  return true;
}

/** Checks that caller-supplied memory is the data type's typed array with room for `count` elements. */
export function checkedOutput<A extends ArrayBufferView>(
  dataType: DataType,
  data: A,
  count: number,
  path: string,
  what: string,
): A {
  const like = dataType.allocate(0);
  if (data.constructor !== like.constructor) {
    throw new InvalidValueError(
      `${what} for "${path}" must be a ${like.constructor.name} (${dataType.name}), got a ${data.constructor.name}`,
      { path },
    );
  }
  const slots = data.byteLength / like.BYTES_PER_ELEMENT;
  if (slots !== count * dataType.lanes) {
    throw new InvalidValueError(
      `${what} for "${path}" must hold ${count} ${dataType.name} elements (${count * dataType.lanes} slots), got ${slots}`,
      { path },
    );
  }
  return data;
}

function isNDArray(value: unknown): value is NDArray {
  return (
    typeof value === "object" &&
    value !== null &&
    "data" in value &&
    "shape" in value &&
    "stride" in value &&
    "dataType" in value
  );
}

/**
 * Turns what `set` was given into a strided view with the selection's shape: a scalar becomes
 * an all-zero-stride view, an NDArray is broadcast NumPy-style, flat typed data is taken as C order.
 */
export function sourceView(
  dataType: DataType,
  value: unknown,
  shape: readonly number[],
  path: string,
): StridedView {
  const n = elementCount(shape);
  if (isNDArray(value)) {
    if (value.dataType.name !== dataType.name) {
      throw new InvalidValueError(
        `array "${path}" holds ${dataType.name}; the value given is ${value.dataType.name}`,
        { path },
      );
    }
    return {
      data: value.data,
      offset: value.offset,
      stride: broadcastStride(value.shape, value.stride, shape, path),
    };
  }
  if (ArrayBuffer.isView(value)) {
    const like = dataType.allocate(0);
    if (value.constructor !== like.constructor) {
      throw new InvalidValueError(
        `array "${path}" holds ${dataType.name} (${like.constructor.name}); got a ${value.constructor.name}`,
        { path },
      );
    }
    const data = value as TypedArray;
    if (data.length !== n * dataType.lanes) {
      throw new InvalidValueError(
        `the selection of array "${path}" has ${n} elements of shape [${shape}] (${n * dataType.lanes} ${like.constructor.name} slots); got ${data.length}`,
        { path },
      );
    }
    return { data, offset: 0, stride: cOrderStride(shape) };
  }
  let element: Uint8Array;
  try {
    element = dataType.fromScalar(value);
  } catch (err) {
    throw new InvalidValueError(
      `array "${path}": ${err instanceof Error ? err.message : String(err)}`,
      { path, cause: err },
    );
  }
  return {
    data: fillChunk(dataType, [], element).data,
    offset: 0,
    stride: new Array<number>(shape.length).fill(0),
  };
}

/** NumPy broadcasting of a value's shape onto a target shape (strides 0 where broadcast). */
function broadcastStride(
  from: readonly number[],
  stride: readonly number[],
  to: readonly number[],
  path: string,
): number[] {
  if (from.length > to.length) {
    throw new InvalidValueError(
      `value of shape [${from}] cannot be broadcast to the selection's shape [${to}] of "${path}"`,
      { path },
    );
  }
  const lead = to.length - from.length;
  return to.map((size, d) => {
    if (d < lead) return 0;
    const f = from[d - lead]!;
    if (f === size) return stride[d - lead]!;
    if (f === 1) return 0;
    throw new InvalidValueError(
      `value of shape [${from}] cannot be broadcast to the selection's shape [${to}] of "${path}"`,
      { path },
    );
  });
}
