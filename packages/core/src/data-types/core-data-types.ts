import {
  InvalidMetadataError,
  InvalidValueError,
  UnsupportedFeatureError,
} from "../errors/errors.js";
import type { JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import { copyBytes } from "../store/copy-bytes.js";
import { base64ToBytes } from "./base64.js";
import type {
  ArrayFor,
  CoreDataTypeArrays,
  CoreDataTypeName,
  DataType,
  DataTypeKind,
  RawDataTypeName,
  ScalarFor,
} from "./data-type.js";
import { float16BitsToNumber, numberToFloat16Bits } from "./float16.js";

export type ArrayConstructorFor<T> = {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
};

const CONSTRUCTORS: { [K in CoreDataTypeName]: ArrayConstructorFor<CoreDataTypeArrays[K]> } = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/**
 * Per-kind behaviour: JSON fill values and JS scalars to element bytes and back. `fail` throws
 * the error for the boundary at hand (InvalidMetadataError naming the fill value, or
 * InvalidValueError naming the value).
 */
export interface ElementConversions {
  decode(json: JsonValue, fail: (why: string) => never): Uint8Array;
  encode(bytes: Uint8Array): JsonValue;
  fromScalar(value: unknown, fail: (why: string) => never): Uint8Array;
  toScalar(bytes: Uint8Array): unknown;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// ---- integers (two's complement, little-endian, any width) ----

/** Integers of `size` bytes; `valueBits` narrower than the bytes limits the range (int4). */
export function integerConversions(
  size: number,
  signed: boolean,
  valueBits = size * 8,
): ElementConversions {
  const bits = BigInt(valueBits);
  const width = BigInt(size * 8);
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  // Element bytes hold narrower values sign-extended, as a typed array of the size does.
  const toBytes = (v: bigint): Uint8Array => {
    const out = new Uint8Array(size);
    let u = v < 0n ? v + (1n << width) : v;
    for (let i = 0; i < size; i++) {
      out[i] = Number(u & 0xffn);
      u >>= 8n;
    }
    return out;
  };
  const toBigInt = (bytes: Uint8Array): bigint => {
    let u = 0n;
    for (let i = size - 1; i >= 0; i--) u = (u << 8n) | BigInt(bytes[i]!);
    return signed && u >> (width - 1n) === 1n ? u - (1n << width) : u;
  };
  const checked = (value: unknown, fail: (why: string) => never): bigint => {
    let v: bigint;
    if (typeof value === "bigint") v = value;
    else if (typeof value === "number" && Number.isInteger(value)) {
      if (!Number.isSafeInteger(value)) fail(`${value} is not exactly representable; use a bigint`);
      v = BigInt(value);
    } else return fail("expected an integer");
    if (v < min || v > max) fail(`${v} is out of range [${min}, ${max}]`);
    return v;
  };
  const big = size === 8;
  return {
    decode: (json, fail) => toBytes(checked(json, fail)),
    encode: (bytes) => {
      const v = toBigInt(bytes);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v;
    },
    fromScalar: (value, fail) => toBytes(checked(value, fail)),
    toScalar: (bytes) => (big ? toBigInt(bytes) : Number(toBigInt(bytes))),
  };
}

// ---- floats (binary16/32/64) ----

const CANONICAL_NAN: Record<number, string> = { 2: "7e00", 4: "7fc00000", 8: "7ff8000000000000" };

function hexToBytes(hex: string, size: number): Uint8Array {
  // "0x" hex is the big-endian bit pattern; element bytes are little-endian.
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++)
    out[size - 1 - i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, "0");
  return hex;
}

function floatCodec(size: 2 | 4 | 8): ElementConversions {
  const fromNumber = (x: number): Uint8Array => {
    const out = new Uint8Array(size);
    const dv = view(out);
    if (Number.isNaN(x)) return hexToBytes(CANONICAL_NAN[size]!, size);
    if (size === 2) dv.setUint16(0, numberToFloat16Bits(x), true);
    else if (size === 4) dv.setFloat32(0, x, true);
    else dv.setFloat64(0, x, true);
    return out;
  };
  const toNumber = (bytes: Uint8Array): number => {
    const dv = view(bytes);
    if (size === 2) return float16BitsToNumber(dv.getUint16(0, true));
    return size === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true);
  };
  return {
    decode(json, fail) {
      if (typeof json === "number") return fromNumber(json);
      if (typeof json === "bigint") return fromNumber(Number(json));
      if (json === "NaN") return hexToBytes(CANONICAL_NAN[size]!, size);
      if (json === "Infinity") return fromNumber(Number.POSITIVE_INFINITY);
      if (json === "-Infinity") return fromNumber(Number.NEGATIVE_INFINITY);
      if (typeof json === "string" && /^0x[0-9a-fA-F]+$/.test(json)) {
        const digits = json.slice(2);
        if (digits.length !== 2 * size)
          fail(`a hex bit pattern needs exactly ${2 * size} hex digits`);
        return hexToBytes(digits, size);
      }
      return fail('expected a number, "NaN", "Infinity", "-Infinity" or a "0x" bit pattern');
    },
    encode(bytes) {
      const x = toNumber(bytes);
      if (Number.isNaN(x)) {
        const hex = bytesToHex(bytes);
        return hex === CANONICAL_NAN[size] ? "NaN" : `0x${hex}`;
      }
      if (x === Number.POSITIVE_INFINITY) return "Infinity";
      if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
      return x;
    },
    fromScalar(value, fail) {
      if (typeof value === "number") return fromNumber(value);
      if (typeof value === "bigint") return fromNumber(Number(value));
      return fail("expected a number");
    },
    toScalar: toNumber,
  };
}

function complexCodec(size: 8 | 16): ElementConversions {
  return complexConversions(floatCodec(size === 8 ? 4 : 8), size / 2);
}

/** Complex numbers of two parts of `half` bytes each (real first), each as `part` converts. */
export function complexConversions(part: ElementConversions, half: number): ElementConversions {
  const size = 2 * half;
  const join = (re: Uint8Array, im: Uint8Array) => {
    const out = new Uint8Array(size);
    out.set(re, 0);
    out.set(im, half);
    return out;
  };
  return {
    decode(json, fail) {
      if (!Array.isArray(json) || json.length !== 2) return fail("expected [real, imaginary]");
      return join(part.decode(json[0]!, fail), part.decode(json[1]!, fail));
    },
    encode: (bytes) => [part.encode(bytes.subarray(0, half)), part.encode(bytes.subarray(half))],
    fromScalar(value, fail) {
      if (typeof value === "number")
        return join(part.fromScalar(value, fail), part.fromScalar(0, fail));
      if (Array.isArray(value) && value.length === 2)
        return join(part.fromScalar(value[0], fail), part.fromScalar(value[1], fail));
      return fail("expected [real, imaginary] or a number");
    },
    toScalar: (bytes) => [
      part.toScalar(bytes.subarray(0, half)),
      part.toScalar(bytes.subarray(half)),
    ],
  };
}

const boolCodec: ElementConversions = {
  decode: (json, fail) =>
    typeof json === "boolean" ? Uint8Array.of(json ? 1 : 0) : fail("expected true or false"),
  encode: (bytes) => bytes[0] !== 0,
  fromScalar(value, fail) {
    if (typeof value === "boolean") return Uint8Array.of(value ? 1 : 0);
    if (value === 0 || value === 1) return Uint8Array.of(value);
    return fail("expected a boolean (or 0/1)");
  },
  toScalar: (bytes) => bytes[0] !== 0,
};

function rawCodec(size: number): ElementConversions {
  return {
    decode(json, fail) {
      // tensorstore writes raw fill values as base64; the spec's form is a list of byte values.
      const decoded = typeof json === "string" ? base64ToBytes(json) : undefined;
      if (decoded?.length === size) return decoded;
      if (!Array.isArray(json) || json.length !== size)
        return fail(`expected an array of ${size} byte values (or their base64)`);
      return Uint8Array.from(json, (b) =>
        typeof b === "number" && Number.isInteger(b) && b >= 0 && b <= 255
          ? b
          : fail(`${describe(b)} is not a byte value 0..255`),
      );
    },
    encode: (bytes) => Array.from(bytes),
    fromScalar(value, fail) {
      if (value instanceof Uint8Array && value.length === size) return copyBytes(value);
      return fail(`expected a Uint8Array of ${size} bytes`);
    },
    toScalar: (bytes) => copyBytes(bytes),
  };
}

// ---- assembling DataType objects ----

/**
 * A fixed-size data type from its storage and conversions. `valueBits`: for types narrower
 * than their byte (int4, float4_e2m1fn), the low bits of each stored byte that hold the value.
 */
export function fixedSizeDataType<D extends string, A extends ArrayFor<D>>(
  name: D,
  kind: DataTypeKind,
  itemSize: number,
  lanes: number,
  Ctor: ArrayConstructorFor<A>,
  codec: ElementConversions,
  valueBits?: number,
): DataType<D> {
  const fail =
    (what: string, ErrorClass: typeof InvalidMetadataError | typeof InvalidValueError) =>
    (why: string): never => {
      throw new ErrorClass(`${what} is not valid for data type ${name}: ${why}`);
    };
  const copy = (element: Uint8Array) => {
    if (element.byteLength !== itemSize)
      throw new InvalidValueError(
        `element of ${name} must be ${itemSize} bytes, got ${element.byteLength}`,
      );
    return element;
  };
  return {
    name,
    kind,
    variableLength: false,
    itemSize,
    lanes,
    laneSize: itemSize / lanes,
    ...(valueBits === undefined ? {} : { valueBits }),
    allocate: (count) => new Ctor(count * lanes),
    view: (buffer, byteOffset, count) => new Ctor(buffer, byteOffset, count * lanes),
    decodeFillValue: (json) =>
      codec.decode(json, fail(`fill_value ${describe(json)}`, InvalidMetadataError)),
    encodeFillValue: (element) => codec.encode(copy(element)),
    fromScalar: (value) =>
      codec.fromScalar(value, fail(`value ${describeScalar(value)}`, InvalidValueError)),
    // The codec for this kind returns exactly ScalarFor<D>; the table pairs them.
    toScalar: (element) => codec.toScalar(copy(element)) as ScalarFor<D>,
  };
}

function describeScalar(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `[${value.map(describeScalar).join(", ")}]`;
  return String(value);
}

export const bool = fixedSizeDataType("bool", "bool", 1, 1, CONSTRUCTORS.bool, boolCodec);
export const int8 = fixedSizeDataType(
  "int8",
  "int",
  1,
  1,
  CONSTRUCTORS.int8,
  integerConversions(1, true),
);
export const int16 = fixedSizeDataType(
  "int16",
  "int",
  2,
  1,
  CONSTRUCTORS.int16,
  integerConversions(2, true),
);
export const int32 = fixedSizeDataType(
  "int32",
  "int",
  4,
  1,
  CONSTRUCTORS.int32,
  integerConversions(4, true),
);
export const int64 = fixedSizeDataType(
  "int64",
  "int",
  8,
  1,
  CONSTRUCTORS.int64,
  integerConversions(8, true),
);
export const uint8 = fixedSizeDataType(
  "uint8",
  "uint",
  1,
  1,
  CONSTRUCTORS.uint8,
  integerConversions(1, false),
);
export const uint16 = fixedSizeDataType(
  "uint16",
  "uint",
  2,
  1,
  CONSTRUCTORS.uint16,
  integerConversions(2, false),
);
export const uint32 = fixedSizeDataType(
  "uint32",
  "uint",
  4,
  1,
  CONSTRUCTORS.uint32,
  integerConversions(4, false),
);
export const uint64 = fixedSizeDataType(
  "uint64",
  "uint",
  8,
  1,
  CONSTRUCTORS.uint64,
  integerConversions(8, false),
);
export const float16 = fixedSizeDataType(
  "float16",
  "float",
  2,
  1,
  CONSTRUCTORS.float16,
  floatCodec(2),
);
export const float32 = fixedSizeDataType(
  "float32",
  "float",
  4,
  1,
  CONSTRUCTORS.float32,
  floatCodec(4),
);
export const float64 = fixedSizeDataType(
  "float64",
  "float",
  8,
  1,
  CONSTRUCTORS.float64,
  floatCodec(8),
);
export const complex64 = fixedSizeDataType(
  "complex64",
  "complex",
  8,
  2,
  CONSTRUCTORS.complex64,
  complexCodec(8),
);
export const complex128 = fixedSizeDataType(
  "complex128",
  "complex",
  16,
  2,
  CONSTRUCTORS.complex128,
  complexCodec(16),
);

/**
 * zarr-extensions' complex types named by their parts' type: float16 pairs (bit patterns, as
 * float16), and complex64/complex128 under the names complex_float32/complex_float64.
 */
export const complexFloat16 = fixedSizeDataType(
  "complex_float16",
  "complex",
  4,
  2,
  Uint16Array,
  complexConversions(floatCodec(2), 2),
);
export const complexFloat32 = fixedSizeDataType(
  "complex_float32",
  "complex",
  8,
  2,
  Float32Array,
  complexCodec(8),
);
export const complexFloat64 = fixedSizeDataType(
  "complex_float64",
  "complex",
  16,
  2,
  Float64Array,
  complexCodec(16),
);

const CORE: { [K in CoreDataTypeName]: DataType<K> } = {
  bool,
  int8,
  int16,
  int32,
  int64,
  uint8,
  uint16,
  uint32,
  uint64,
  float16,
  float32,
  float64,
  complex64,
  complex128,
};

export const CORE_DATA_TYPE_NAMES: readonly CoreDataTypeName[] = Object.keys(
  CORE,
) as CoreDataTypeName[];

const rawTypes = new Map<string, DataType<RawDataTypeName>>();

/** The raw bits type r<bits> (bits a positive multiple of 8). */
export function rawDataType(bits: number): DataType<RawDataTypeName> | undefined {
  if (!Number.isSafeInteger(bits) || bits <= 0 || bits % 8 !== 0) return undefined;
  const name: RawDataTypeName = `r${bits}`;
  let type = rawTypes.get(name);
  if (type === undefined) {
    type = fixedSizeDataType(name, "raw", bits / 8, bits / 8, Uint8Array, rawCodec(bits / 8));
    rawTypes.set(name, type);
  }
  return type;
}

function isCoreName(name: string): name is CoreDataTypeName {
  return Object.hasOwn(CORE, name);
}

/** A core data type by name (including r8, r16, ...); undefined for anything else. */
export function coreDataType(name: string): DataType | undefined {
  if (isCoreName(name)) return CORE[name];
  const raw = /^r([1-9][0-9]*)$/.exec(name);
  return raw === null ? undefined : rawDataType(Number(raw[1]));
}

/** zarrkit stores elements in native typed arrays and assumes little-endian element bytes. */
export function assertLittleEndianHost(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new UnsupportedFeatureError("zarrkit needs a little-endian host");
  }
}
