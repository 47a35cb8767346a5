import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { NamedConfig } from "../metadata/named-config.js";

/** The element storage of each core data type (DESIGN.md, "Values in JS"). */
export interface CoreDataTypeArrays {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** IEEE 754 binary16 bit patterns; see `float16.ts` for conversions. */
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  /** Interleaved (re, im). */
  complex64: Float32Array;
  /** Interleaved (re, im). */
  complex128: Float64Array;
}

/** The JS value of one element of each core data type, as `get`/`set` and fill values use it. */
export interface CoreDataTypeScalars {
  bool: boolean;
  int8: number;
  int16: number;
  int32: number;
  int64: bigint;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: bigint;
  /** The numeric value (not the bits). */
  float16: number;
  float32: number;
  float64: number;
  complex64: readonly [number, number];
  complex128: readonly [number, number];
}

/**
 * Variable-length types (zarr-extensions `string` and `bytes`): one JS value per element.
 * Elements of a `bytes` array are shared where they are equal (a fill, a broadcast), so treat
 * them as immutable.
 */
export interface VariableLengthDataTypeArrays {
  string: string[];
  bytes: Uint8Array[];
}

export interface VariableLengthDataTypeScalars {
  string: string;
  bytes: Uint8Array;
}

/**
 * The types NumPy's dtypes need beyond the core ones: zarr-extensions' time types (int64
 * counts of `scale_factor` units, NaT being -2^63), zarr-python's `null_terminated_bytes`
 * (NumPy's `S`: `length_bytes` per element) and zarr-extensions' `struct` (structured dtypes).
 */
export interface NumpyDataTypeArrays {
  "numpy.datetime64": BigInt64Array;
  "numpy.timedelta64": BigInt64Array;
  null_terminated_bytes: Uint8Array;
  /** Packed records (zarr-extensions `struct`): `itemSize` bytes each, fields in order. */
  struct: Uint8Array;
}

export interface NumpyDataTypeScalars {
  "numpy.datetime64": bigint;
  "numpy.timedelta64": bigint;
  /** Without its trailing NULs, as NumPy gives an `S` element. */
  null_terminated_bytes: Uint8Array;
  /** Each field's scalar by field name. */
  struct: StructScalar;
}

/** A `struct` element: each field's scalar (as its data type gives them) by field name. */
export interface StructScalar {
  readonly [field: string]: unknown;
}

/**
 * zarr-extensions' low-precision types (ML formats; ml_dtypes in Python). Floats are held as
 * their bit patterns (see `small-float-format.ts` for conversions): bfloat16 in a Uint16Array,
 * the 8-, 6- and 4-bit formats one per byte in the low bits of a Uint8Array. The 2- and 4-bit
 * integers are held one per byte as their values (signed ones sign-extended).
 */
export interface LowPrecisionDataTypeArrays {
  bfloat16: Uint16Array;
  float8_e3m4: Uint8Array;
  float8_e4m3: Uint8Array;
  float8_e4m3fn: Uint8Array;
  float8_e4m3fnuz: Uint8Array;
  float8_e4m3b11fnuz: Uint8Array;
  float8_e5m2: Uint8Array;
  float8_e5m2fnuz: Uint8Array;
  float8_e8m0fnu: Uint8Array;
  float6_e2m3fn: Uint8Array;
  float6_e3m2fn: Uint8Array;
  float4_e2m1fn: Uint8Array;
  int2: Int8Array;
  int4: Int8Array;
  uint2: Uint8Array;
  uint4: Uint8Array;
}

export type LowPrecisionDataTypeName = keyof LowPrecisionDataTypeArrays;

/**
 * zarr-extensions' complex types named by their parts' type: interleaved (re, im) as each part
 * is held (bit patterns, but complex_float32/64, which are complex64/128 by another name).
 */
export interface ComplexPartsDataTypeArrays {
  complex_float16: Uint16Array;
  complex_float32: Float32Array;
  complex_float64: Float64Array;
  complex_bfloat16: Uint16Array;
  complex_float8_e3m4: Uint8Array;
  complex_float8_e4m3: Uint8Array;
  complex_float8_e4m3fnuz: Uint8Array;
  complex_float8_e4m3b11fnuz: Uint8Array;
  complex_float8_e5m2: Uint8Array;
  complex_float8_e5m2fnuz: Uint8Array;
  complex_float8_e8m0fnu: Uint8Array;
  complex_float6_e2m3fn: Uint8Array;
  complex_float6_e3m2fn: Uint8Array;
  complex_float4_e2m1fn: Uint8Array;
}

export type ComplexPartsDataTypeName = keyof ComplexPartsDataTypeArrays;

export type CoreDataTypeName = keyof CoreDataTypeArrays;
export type NumpyDataTypeName = keyof NumpyDataTypeArrays;
export type VariableLengthDataTypeName = keyof VariableLengthDataTypeArrays;
/** Raw bits types: r8, r16, ... (a multiple of 8 bits). */
export type RawDataTypeName = `r${number}`;
export type DataTypeName = CoreDataTypeName | RawDataTypeName;

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Element storage of a variable-length type: a plain JS array, one value per element. */
export type VariableLengthArray = string[] | Uint8Array[];

/** Element storage of any data type. */
export type ElementArray = TypedArray | VariableLengthArray;

export type ArrayFor<D extends string> = D extends CoreDataTypeName
  ? CoreDataTypeArrays[D]
  : D extends VariableLengthDataTypeName
    ? VariableLengthDataTypeArrays[D]
    : D extends NumpyDataTypeName
      ? NumpyDataTypeArrays[D]
      : D extends LowPrecisionDataTypeName
        ? LowPrecisionDataTypeArrays[D]
        : D extends ComplexPartsDataTypeName
          ? ComplexPartsDataTypeArrays[D]
          : D extends RawDataTypeName
            ? Uint8Array
            : ElementArray;

export type ScalarFor<D extends string> = D extends CoreDataTypeName
  ? CoreDataTypeScalars[D]
  : D extends VariableLengthDataTypeName
    ? VariableLengthDataTypeScalars[D]
    : D extends NumpyDataTypeName
      ? NumpyDataTypeScalars[D]
      : D extends LowPrecisionDataTypeName
        ? number
        : D extends ComplexPartsDataTypeName
          ? readonly [number, number]
          : D extends RawDataTypeName
            ? Uint8Array
            : unknown;

export type DataTypeKind =
  | "bool"
  | "int"
  | "uint"
  | "float"
  | "complex"
  | "raw"
  | "string"
  | "bytes"
  | "fixed_string"
  | "fixed_bytes"
  | "datetime"
  | "timedelta"
  | "struct";

/**
 * A data type: how one element is stored in JS memory and in JSON. Element values cross
 * boundaries as *element bytes*: `itemSize` bytes in little-endian order, exactly the bytes the
 * element occupies in its typed array (zarrkit runs on little-endian hosts only). Working on
 * bytes keeps NaN payloads and 64-bit integers exact. A variable-length element's bytes are its
 * encoding (UTF-8 for `string`, the bytes themselves for `bytes`).
 */
export interface DataType<D extends string = string> {
  readonly name: D;
  readonly kind: DataTypeKind;
  /**
   * True for types whose elements have no fixed size (`string`, `bytes`): their arrays are JS
   * arrays, `itemSize` is 0, and only codecs made for them (vlen-utf8, vlen-bytes) serialise them.
   */
  readonly variableLength: boolean;
  /** Bytes per element; 0 for variable-length types. */
  readonly itemSize: number;
  /** The `configuration` of the data type's metadata entry, for parametrised types. */
  readonly configuration?: JsonObject;
  /** Typed-array slots per element: 1, 2 for complex, `itemSize` for raw. */
  readonly lanes: number;
  /** Bytes per slot; the unit that the `bytes` codec swaps for big-endian. */
  readonly laneSize: number;
  /**
   * For elements made of parts of several sizes (a struct's fields): where each part whose
   * byte order the `bytes` codec sets lies in the element, `[offset, size]` (size > 1). Such
   * types have `laneSize` 1 (their storage is bytes); absent, every lane is one part.
   */
  readonly byteOrderParts?: readonly (readonly [offset: number, size: number])[];
  /**
   * For types narrower than their byte (int4, float4_e2m1fn): the low bits of each stored
   * byte that hold the value. Other writers may set the bits above; the `bytes` codec ignores
   * them when reading (sign-extending signed integers, as they are held in memory) and writes
   * them as zero.
   */
  readonly valueBits?: number;
  /** A zero-filled array for `count` elements (`count * lanes` slots). */
  allocate(count: number): ArrayFor<D>;
  /**
   * A typed array of this type over existing memory: `count` elements from `byteOffset`.
   * Variable-length types throw UnsupportedFeatureError.
   */
  view(buffer: ArrayBufferLike, byteOffset: number, count: number): ArrayFor<D>;
  /**
   * Parses a v3 fill value JSON encoding into element bytes. Throws InvalidMetadataError
   * (naming `fill_value`) for anything the spec does not allow for this type.
   */
  decodeFillValue(json: JsonValue): Uint8Array;
  /** The canonical v3 JSON encoding of element bytes (NaN with a payload becomes "0x..."). */
  encodeFillValue(element: Uint8Array): JsonValue;
  /** A JS scalar (see ScalarFor) into element bytes. Throws InvalidValueError if it does not fit. */
  fromScalar(value: unknown): Uint8Array;
  /** Element bytes into the JS scalar. */
  toScalar(element: Uint8Array): ScalarFor<D>;
}

/** The data type as zarr.json's `data_type` names it: its name, or name and configuration. */
export function dataTypeJson({ name, configuration }: DataType): JsonValue {
  return configuration === undefined ? name : { name, configuration };
}

/** The data type as metadata names it: its name, with its configuration if it has one. */
export function namedDataType({ name, configuration }: DataType): NamedConfig {
  return configuration === undefined ? { name } : { name, configuration };
}

/**
 * Whether stored elements of the type have a byte order (the `bytes` codec then needs its
 * `endian`): multi-byte lanes, or multi-byte parts.
 */
export function hasByteOrder(dataType: DataType): boolean {
  return dataType.laneSize > 1 || (dataType.byteOrderParts?.length ?? 0) > 0;
}
