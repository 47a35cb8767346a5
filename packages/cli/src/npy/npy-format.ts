import { copyBytes, type DataType, reverseByteOrder } from "@zarrkit/core";
import { descrToZarr, NpyError, zarrToDescr } from "./npy-dtype.js";
import { type PyValue, parsePythonLiteral } from "./python-literal.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export interface NpyArray {
  readonly dataType: DataType;
  readonly shape: number[];
  /** Element bytes in C order, little-endian. */
  readonly data: Uint8Array;
}

/** Reads a .npy file (format 1.0-3.0, either byte order, C or Fortran order). */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyError("not a .npy file (bad magic)");
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError("truncated .npy header");
    headerLength = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyError("truncated .npy header");
  const headerBytes = bytes.subarray(headerStart, dataStart);
  // Versions 1 and 2 use latin-1 headers, version 3 UTF-8; the keys we need are ASCII either way.
  const header =
    major === 3 ? new TextDecoder().decode(headerBytes) : String.fromCharCode(...headerBytes);
  const { descr, fortranOrder, shape } = parseHeader(header);
  const type = descrToZarr(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  const { itemSize } = type.dataType;
  const size = count * itemSize;
  const payload = bytes.subarray(dataStart);
  if (payload.length !== size) {
    throw new NpyError(
      `.npy payload has ${payload.length} bytes; shape (${shape.join(", ")}) of ${descr} needs ${size}`,
    );
  }
  let data: Uint8Array = copyBytes(payload);
  if (type.bigEndian) reverseByteOrder(data, type.dataType);
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape, itemSize);
  return { dataType: type.dataType, shape, data };
}

/** Writes a .npy file: format 1.0 (2.0 if the header needs it), C order, little-endian. */
export function serializeNpy(
  dataType: DataType,
  shape: readonly number[],
  data: Uint8Array,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': ${zarrToDescr(dataType)}, 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  let major = 1;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const header = `${dict}${" ".repeat(total - prefix - dict.length - 1)}\n`;
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

interface Header {
  descr: PyValue;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the Python dict literal of a .npy header. */
function parseHeader(text: string): Header {
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(text.trim());
  } catch (err) {
    throw new NpyError(
      `malformed .npy header (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (typeof dict !== "object" || dict === null || Array.isArray(dict))
    throw new NpyError(`malformed .npy header: ${text.trim().slice(0, 80)}`);
  const { descr, fortran_order: fortran, shape } = dict;
  if (descr === undefined) throw new NpyError("malformed .npy header: no 'descr'");
  if (typeof fortran !== "boolean") throw new NpyError("malformed .npy header: no 'fortran_order'");
  if (
    !Array.isArray(shape) ||
    !shape.every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0)
  )
    throw new NpyError(`malformed .npy shape (${JSON.stringify(shape ?? null)})`);
  return { descr, fortranOrder: fortran, shape: shape.map(Number) };
}

/** Reorders Fortran-ordered element bytes into C order. */
function fortranToC(data: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const out = new Uint8Array(data.length);
  const rank = shape.length;
  // Fortran strides (in elements): the first index varies fastest.
  const fStride: number[] = [];
  let step = 1;
  for (let d = 0; d < rank; d++) {
    fStride.push(step);
    step *= shape[d]!;
  }
  const index = new Array<number>(rank).fill(0);
  const count = step;
  let src = 0;
  for (let i = 0; i < count; i++) {
    out.set(data.subarray(src * itemSize, (src + 1) * itemSize), i * itemSize);
    // Advance the C-order multi-index (last dimension fastest) and its Fortran offset.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += fStride[d]!;
      if (index[d]! < shape[d]!) break;
      src -= fStride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}
