import type {
  DataType,
  ElementArray,
  TypedArray,
  VariableLengthArray,
} from "../data-types/data-type.js";
import { firstInvalidValueBits } from "../data-types/value-bits.js";
import { InvalidValueError } from "../errors/errors.js";
import { everyRun, stridedByteRuns } from "../indexing/byte-runs.js";
import { type StridedView, stridedCopy } from "../indexing/strided-copy.js";
import { cOrderStride, elementCount, type NDArray, ndarray } from "../ndarray.js";

/** A C-ordered array of `shape` with every element set to `element` (element bytes). */
export function fillChunk<D extends string>(
  dataType: DataType<D>,
  shape: readonly number[],
  element: Uint8Array,
): NDArray<D> {
  const chunk = ndarray(dataType, shape);
  if (!ArrayBuffer.isView(chunk.data)) {
    const value = dataType.toScalar(element);
    if (chunk.data.length > 0) fillWith(chunk.data, value);
    return chunk;
  }
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

function fillWith(data: VariableLengthArray, value: unknown): void {
  if (typeof value === "string" && isStringArray(data)) data.fill(value);
  else if (value instanceof Uint8Array && !isStringArray(data)) data.fill(value);
}

function isStringArray(data: VariableLengthArray): data is string[] {
  return typeof data[0] === "string";
}

/**
 * True when every element of a chunk equals `element`: the elements its shape, strides and
 * offset select (a view of a larger array looks at its own elements only).
 */
export function isAllElement(chunk: NDArray, element: Uint8Array): boolean {
  const { data } = chunk;
  // Dimensions the view repeats (stride 0) hold nothing the others do not.
  const dims = chunk.shape.flatMap((n, d) => (n === 1 || chunk.stride[d] === 0 ? [] : [d]));
  const shape = dims.map((d) => chunk.shape[d]!);
  const stride = dims.map((d) => chunk.stride[d]!);
  if (!ArrayBuffer.isView(data)) {
    const value = chunk.dataType.toScalar(element);
    return everyIndex(chunk.offset, shape, stride, (i) => sameValue(data[i]!, value));
  }
  // Most chunks of real data differ from the fill value at their first element already.
  const size = element.byteLength;
  if (shape.every((n) => n > 0)) {
    const first = new Uint8Array(data.buffer, data.byteOffset + chunk.offset * size, size);
    if (!bytesAllElement(first, element)) return false;
  }
  const view = { data, offset: chunk.offset, stride };
  const runs = stridedByteRuns(view, shape, chunk.dataType.lanes, 0);
  return runs !== undefined && everyRun(runs, (run) => bytesAllElement(run, element));
}

/** Whether `test` holds for the element index of each position of a strided view. */
function everyIndex(
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  test: (index: number) => boolean,
): boolean {
  if (shape.length === 0) return test(offset);
  const [n, ...inner] = shape;
  const [step, ...innerStride] = stride;
  for (let k = 0; k < n!; k++)
    if (!everyIndex(offset + k * step!, inner, innerStride, test)) return false;
  return true;
}

/** Whether `bytes` (a whole number of elements) repeats `element` throughout. */
export function bytesAllElement(bytes: Uint8Array, element: Uint8Array): boolean {
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

function sameValue(a: string | Uint8Array, b: unknown): boolean {
  if (typeof a === "string") return a === b;
  if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The memory an element array holds (an estimate for variable-length ones), for cache budgets. */
export function elementArrayBytes(data: ElementArray): number {
  if (ArrayBuffer.isView(data)) return data.byteLength;
  let bytes = 0;
  for (const x of data) bytes += 16 + (typeof x === "string" ? 2 * x.length : x.byteLength);
  return bytes;
}

/**
 * Checks that caller-supplied memory is the data type's element array (a JS array for
 * variable-length types, else its typed array); returns how many elements it holds.
 */
function checkedKind(dataType: DataType, data: unknown, path: string, what: string): number {
  if (dataType.variableLength) {
    if (!Array.isArray(data))
      throw new InvalidValueError(
        `${what} for "${path}" must be a JS array of ${dataType.name} elements`,
        { path },
      );
    return data.length;
  }
  const like = dataType.allocate(0);
  if (!ArrayBuffer.isView(like)) throw new InvalidValueError(`${dataType.name} has no typed array`);
  // A subclass will do (a Node Buffer is a Uint8Array).
  if (!ArrayBuffer.isView(data) || !(data instanceof like.constructor)) {
    const got = ArrayBuffer.isView(data) ? `a ${data.constructor.name}` : typeof data;
    throw new InvalidValueError(
      `${what} for "${path}" must be a ${like.constructor.name} (${dataType.name}), got ${got}`,
      { path },
    );
  }
  return data.byteLength / like.BYTES_PER_ELEMENT / dataType.lanes;
}

/** Checks that caller-supplied memory is the data type's element array with room for `count` elements. */
export function checkedOutput<A extends ElementArray>(
  dataType: DataType,
  data: A,
  count: number,
  path: string,
  what: string,
): A {
  const held = checkedKind(dataType, data, path, what);
  if (held !== count) {
    const slots = dataType.variableLength ? "" : ` (${count * dataType.lanes} slots)`;
    throw new InvalidValueError(
      `${what} for "${path}" must hold ${count} ${dataType.name} elements${slots}, got ${held}`,
      { path },
    );
  }
  return data;
}

/**
 * Checks an NDArray a caller handed in (`out`, or a value to `set`): its data is the data
 * type's element array, its strides and offset are integers, and every element they address
 * lies inside the data. The copy kernel and the addon trust views: a wrong one used to fail
 * deep in a codec as a corrupt chunk, or in JavaScript read and write nothing, unnoticed.
 */
export function checkedView<V extends NDArray>(
  dataType: DataType,
  view: V,
  path: string,
  what: string,
): V {
  const fail = (why: string): never => {
    throw new InvalidValueError(`${what} for "${path}" ${why}`, { path });
  };
  const held = checkedKind(dataType, view.data, path, what);
  const { shape, stride, offset } = view;
  if (!Array.isArray(shape) || !Array.isArray(stride) || stride.length !== shape.length)
    fail(`needs one stride per dimension, got shape [${shape}] and strides [${stride}]`);
  if (!Number.isSafeInteger(offset) || offset < 0)
    fail(`has offset ${offset}; it must be a non-negative integer`);
  let low = offset;
  let high = offset;
  for (const [d, n] of shape.entries()) {
    const step = stride[d]!;
    if (!Number.isSafeInteger(n) || n < 0) fail(`has length ${n} in dimension ${d}`);
    if (!Number.isSafeInteger(step)) fail(`has stride ${step} in dimension ${d}`);
    if (n === 0) return view;
    const reach = (n - 1) * step;
    if (reach < 0) low += reach;
    else high += reach;
  }
  if (low < 0 || high >= held)
    fail(
      `addresses elements ${low} to ${high} (shape [${shape}], strides [${stride}], offset ${offset}) of an array of ${held}`,
    );
  return view;
}

export function isNDArray(value: unknown): value is NDArray {
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
    checkedView(dataType, value, path, "the value");
    if (dataType.valueBits !== undefined) {
      const copy = ndarray(dataType, value.shape);
      stridedCopy(copy, value, value.shape, dataType.lanes);
      checkValueBits(copy.data, dataType, path);
    }
    return {
      data: value.data,
      offset: value.offset,
      stride: broadcastStride(value.shape, value.stride, shape, path),
    };
  }
  if (dataType.variableLength && Array.isArray(value)) {
    if (value.length !== n)
      throw new InvalidValueError(
        `the selection of array "${path}" has ${n} elements of shape [${shape}]; got ${value.length}`,
        { path },
      );
    return {
      data: variableLengthValues(dataType, value, path),
      offset: 0,
      stride: cOrderStride(shape),
    };
  }
  if (ArrayBuffer.isView(value) && !dataType.variableLength) {
    const like = dataType.allocate(0);
    if (!(value instanceof like.constructor)) {
      throw new InvalidValueError(
        `array "${path}" holds ${dataType.name} (${like.constructor.name}); got a ${value.constructor.name}`,
        { path },
      );
    }
    const data = value as TypedArray;
    if (data.length === n * dataType.lanes) {
      checkValueBits(data, dataType, path);
      return { data, offset: 0, stride: cOrderStride(shape) };
    }
    // A byte-string type's scalar is a Uint8Array too: one element (up to itemSize bytes),
    // broadcast. It cannot be mistaken for the elements: those are n * itemSize bytes.
    const byteScalar = dataType.kind === "raw" || dataType.kind === "fixed_bytes";
    if (!byteScalar || data.length > dataType.itemSize)
      throw new InvalidValueError(
        `the selection of array "${path}" has ${n} elements of shape [${shape}] (${n * dataType.lanes} ${like.constructor.name} slots); got ${data.length}`,
        { path },
      );
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

/**
 * For types narrower than their byte, checks that every element is a value of the type, up
 * front, so that a bad one cannot half-write a selection.
 */
function checkValueBits(elements: ElementArray, dataType: DataType, path: string): void {
  if (!(elements instanceof Int8Array || elements instanceof Uint8Array)) return;
  const bad = firstInvalidValueBits(elements, dataType);
  if (bad >= 0)
    throw new InvalidValueError(
      `element ${bad} of the value for "${path}" (${elements[bad]}) is not a ${dataType.name} value${dataType.kind === "float" ? " (a bit pattern)" : ""}`,
      { path },
    );
}

/** Checks every element up front, so that a bad one cannot half-write a chunk. */
function variableLengthValues(
  dataType: DataType,
  values: readonly unknown[],
  path: string,
): VariableLengthArray {
  const bad = (i: number) =>
    new InvalidValueError(
      `element ${i} of the value for "${path}" is not a ${dataType.name} element (${dataType.kind === "string" ? "a string" : "a Uint8Array"})`,
      { path },
    );
  if (dataType.kind === "string")
    return values.map((x, i) => {
      if (typeof x !== "string") throw bad(i);
      return x;
    });
  return values.map((x, i) => {
    if (!(x instanceof Uint8Array)) throw bad(i);
    return x;
  });
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
