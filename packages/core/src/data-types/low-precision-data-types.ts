import { InvalidMetadataError } from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { DataTypeExtension } from "../registry/extension.js";
import {
  complexConversions,
  complexFloat16,
  complexFloat32,
  complexFloat64,
  type ElementConversions,
  fixedSizeDataType,
  integerConversions,
} from "./core-data-types.js";
import type { ComplexPartsDataTypeName, DataType, LowPrecisionDataTypeName } from "./data-type.js";
import {
  numberToSmallFloatBits,
  SMALL_FLOAT_FORMATS,
  type SmallFloatFormat,
  smallFloatBitsToNumber,
} from "./small-float-format.js";

/**
 * Fill values and scalars of a small float format: numbers (rounded to the nearest value),
 * "NaN", "Infinity", "-Infinity" and "0x" bit patterns, where the format has them. Elements are
 * the bit pattern, little-endian, upper bits zero.
 */
function smallFloatConversions(f: SmallFloatFormat, itemSize: 1 | 2): ElementConversions {
  const element = (bits: number) =>
    itemSize === 2 ? Uint8Array.of(bits & 0xff, bits >> 8) : Uint8Array.of(bits);
  const bitsOf = (bytes: Uint8Array) =>
    (itemSize === 2 ? bytes[0]! | (bytes[1]! << 8) : bytes[0]!) & ((1 << f.bits) - 1);
  const fromNumber = (x: number, fail: (why: string) => never): Uint8Array => {
    if (f.specials === "e8m0" && !(x > 0) && !Number.isNaN(x))
      fail("float8_e8m0fnu holds positive powers of two only (no zero, no sign)");
    const bits = numberToSmallFloatBits(f, x);
    return bits === undefined ? fail(`${f.name} has no NaN`) : element(bits);
  };
  return {
    decode(json, fail) {
      if (typeof json === "number") return fromNumber(json, fail);
      if (json === "NaN") return fromNumber(Number.NaN, fail);
      if (json === "Infinity" || json === "-Infinity") {
        if (!f.hasInfinity) fail(`${f.name} has no infinity`);
        return fromNumber(json === "Infinity" ? Infinity : -Infinity, fail);
      }
      if (typeof json === "string" && /^0x[0-9a-fA-F]+$/.test(json)) {
        if (json.length !== 2 + 2 * itemSize)
          fail(`a hex bit pattern needs exactly ${2 * itemSize} hex digits`);
        // Bits above the format's are ignored, as the bytes codec ignores them.
        return element(Number.parseInt(json.slice(2), 16) & ((1 << f.bits) - 1));
      }
      return fail(
        `expected a number${f.hasNaN ? ', "NaN"' : ""}${f.hasInfinity ? ', "Infinity", "-Infinity"' : ""} or a "0x" bit pattern`,
      );
    },
    encode(bytes) {
      const bits = bitsOf(bytes);
      const x = smallFloatBitsToNumber(f, bits);
      if (Number.isNaN(x))
        return bits === f.nanBits ? "NaN" : `0x${bits.toString(16).padStart(2 * itemSize, "0")}`;
      if (x === Infinity) return "Infinity";
      if (x === -Infinity) return "-Infinity";
      return x;
    },
    fromScalar(value, fail) {
      if (typeof value === "number") return fromNumber(value, fail);
      if (typeof value === "bigint") return fromNumber(Number(value), fail);
      return fail("expected a number");
    },
    toScalar: (bytes) => smallFloatBitsToNumber(f, bitsOf(bytes)),
  };
}

/** A format's data type, or its complex form (pairs of bit patterns, real part first). */
function smallFloatDataType(f: SmallFloatFormat, complex: boolean): DataType {
  const part = f.bits > 8 ? 2 : 1;
  const real = smallFloatConversions(f, part);
  const [name, kind, lanes] = complex
    ? ([`complex_${f.name}`, "complex", 2] as const)
    : ([f.name, "float", 1] as const);
  const conversions = complex ? complexConversions(real, part) : real;
  if (part === 2) return fixedSizeDataType(name, kind, 2 * lanes, lanes, Uint16Array, conversions);
  const valueBits = f.bits < 8 ? f.bits : undefined;
  return fixedSizeDataType(name, kind, lanes, lanes, Uint8Array, conversions, valueBits);
}

/** The complex fill value the conformance suite tries for a format. */
function sampleComplexFillValues(f: SmallFloatFormat): JsonValue[] {
  if (f.specials === "e8m0") return [[0.25, "NaN"]];
  return [f.hasNaN ? ["NaN", -1.5] : [-1.5, 0.5]];
}

/** The fill value the conformance suite tries for a format (one: there are many such types). */
function sampleFillValues(f: SmallFloatFormat): JsonValue[] {
  if (f.specials === "e8m0") return [0.25];
  return f.hasNaN ? ["NaN"] : [-1.5];
}

/** Each type with the fill values the conformance suite tries for it. */
const LOW_PRECISION: readonly (readonly [DataType, JsonValue[]])[] = [
  ...Object.values(SMALL_FLOAT_FORMATS).map(
    (f) => [smallFloatDataType(f, false), sampleFillValues(f)] as const,
  ),
  // zarr-extensions has no complex_float8_e4m3fn (tensorstore's float8_e4m3fn is not in it).
  ...Object.values(SMALL_FLOAT_FORMATS)
    .filter((f) => f.name !== "float8_e4m3fn")
    .map((f) => [smallFloatDataType(f, true), sampleComplexFillValues(f)] as const),
  [complexFloat16, [["NaN", -0.5]]],
  [complexFloat32, [[1.5, "-Infinity"]]],
  [complexFloat64, [[0, -0.25]]],
  [fixedSizeDataType("int2", "int", 1, 1, Int8Array, integerConversions(1, true, 2), 2), [-2]],
  [fixedSizeDataType("int4", "int", 1, 1, Int8Array, integerConversions(1, true, 4), 4), [-8]],
  [fixedSizeDataType("uint2", "uint", 1, 1, Uint8Array, integerConversions(1, false, 2), 2), [3]],
  [fixedSizeDataType("uint4", "uint", 1, 1, Uint8Array, integerConversions(1, false, 4), 4), [9]],
];

const BY_NAME: ReadonlyMap<string, DataType> = new Map(
  LOW_PRECISION.map(([type]) => [type.name, type]),
);

/** A low-precision data type (bfloat16, float8_e4m3, int4, complex_bfloat16, ...) by name. */
export function lowPrecisionDataType(
  name: LowPrecisionDataTypeName | ComplexPartsDataTypeName,
): DataType;
export function lowPrecisionDataType(name: string): DataType | undefined;
export function lowPrecisionDataType(name: string): DataType | undefined {
  return BY_NAME.get(name);
}

/** zarr-extensions' low-precision types (and tensorstore's float8_e4m3fn) as registry entries. */
export const lowPrecisionDataTypeExtensions: readonly DataTypeExtension[] = LOW_PRECISION.map(
  ([type, fillValues]): DataTypeExtension => ({
    kind: "data-type",
    name: type.name,
    fromConfig(name: string, configuration: JsonObject | undefined) {
      if (configuration !== undefined && Object.keys(configuration).length > 0)
        throw new InvalidMetadataError(`data_type "${name}" takes no configuration`);
      return type;
    },
    samples: fillValues.map((fillValue) => ({ name: type.name, fillValue })),
  }),
);
