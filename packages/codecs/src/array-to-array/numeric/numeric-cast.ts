import {
  type ChunkSpec,
  type DataType,
  InvalidMetadataError,
  isCContiguous,
  type JsonObject,
  type NDArray,
  type NumpyDtype,
  ndarray,
  numpyDtypeString,
  parseNumpyDtype,
  stridedCopy,
  type TypedArray,
  typedArrayOf,
  UnsupportedFeatureError,
} from "@zarrkit/core";

type BigArray = BigInt64Array | BigUint64Array;
type NumberArray = Exclude<TypedArray, BigArray>;

export function isBigArray(data: TypedArray): data is BigArray {
  return data instanceof BigInt64Array || data instanceof BigUint64Array;
}

/**
 * Copies `src` into `dst` element by element with NumPy's `astype` semantics for in-range
 * values: integers wrap to the target width, floats truncate toward zero into integers.
 */
export function castInto(src: TypedArray, dst: TypedArray): void {
  if (isBigArray(src) === isBigArray(dst)) {
    // Same family: TypedArray.set converts with wrap-around (ToInt8, ToBigInt64, ...).
    (dst as NumberArray).set(src as NumberArray);
    return;
  }
  if (isBigArray(dst)) {
    const from = src as NumberArray;
    for (let i = 0; i < from.length; i++) {
      const v = from[i]!;
      dst[i] = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
    return;
  }
  const from = src as BigArray;
  for (let i = 0; i < from.length; i++) (dst as NumberArray)[i] = Number(from[i]!);
}

/** The chunk's elements in C order as a typed array (a copy only when the view is strided). */
export function contiguousElements(chunk: NDArray): TypedArray {
  if (isCContiguous(chunk)) return typedArrayOf(chunk.data);
  const copy = ndarray(chunk.dataType, chunk.shape);
  stridedCopy(copy, chunk, chunk.shape, chunk.dataType.lanes);
  return typedArrayOf(copy.data);
}

/**
 * Resolves a numcodecs `dtype`/`astype` field (a NumPy dtype of a real number type, either byte
 * order) to a data type and its order. Errors name the codec and the field.
 */
export function numericDtypeField(codec: string, field: string, value: unknown): NumpyDtype {
  const parsed = typeof value === "string" ? parseNumpyDtype(value) : undefined;
  const kind = parsed?.dataType.kind;
  if (parsed === undefined || (kind !== "int" && kind !== "uint" && kind !== "float")) {
    throw new InvalidMetadataError(
      `codec "${codec}": configuration.${field} must be a NumPy integer or float dtype such as "<i4" or "<f8", got ${JSON.stringify(value)}`,
    );
  }
  if (parsed.dataType.name === "float16") {
    throw new UnsupportedFeatureError(
      `codec "${codec}": configuration.${field} ${JSON.stringify(value)} is not supported (float16 is not)`,
    );
  }
  return parsed;
}

/**
 * The `dtype` (the array's type, checked) and `astype` (default: the same) of a numcodecs filter,
 * with the byte orders they were given in. The filters work on values; the orders only say how
 * numcodecs stores them, which Zarr v2's translation gives the serializer (v2-conversion.ts).
 */
export interface FilterTypes {
  readonly dtype: DataType;
  readonly astype: DataType;
  readonly dtypeOrder: "little" | "big" | undefined;
  readonly astypeOrder: "little" | "big" | undefined;
}

export function filterTypes(codec: string, c: JsonObject, spec: ChunkSpec): FilterTypes {
  const dtype = numericDtypeField(codec, "dtype", c.dtype ?? numpyDtypeString(spec.dataType));
  if (dtype.dataType.name !== spec.dataType.name) {
    throw new InvalidMetadataError(
      `codec "${codec}": configuration.dtype ${JSON.stringify(c.dtype)} does not match the array's ${spec.dataType.name}`,
    );
  }
  const astype = c.astype === undefined ? dtype : numericDtypeField(codec, "astype", c.astype);
  return {
    dtype: dtype.dataType,
    astype: astype.dataType,
    dtypeOrder: dtype.endian,
    astypeOrder: astype.endian,
  };
}

/** The two types as numcodecs writes them. */
export function filterTypesConfig(types: FilterTypes): { dtype: string; astype: string } {
  const text = (dataType: DataType, order: "little" | "big" | undefined) =>
    numpyDtypeString(dataType, order) ?? dataType.name;
  return {
    dtype: text(types.dtype, types.dtypeOrder),
    astype: text(types.astype, types.astypeOrder),
  };
}

/** The chunk as the next codec sees it: same shape, stored as `astype`. */
export function astypeSpec(spec: ChunkSpec, astype: DataType): ChunkSpec {
  return { shape: spec.shape, dataType: astype, fillValue: new Uint8Array(astype.itemSize) };
}
