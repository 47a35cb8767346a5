/**
 * Binary floating-point formats narrower than float32 that zarr-extensions registers (bfloat16
 * and the 8-, 6- and 4-bit formats of ML accelerators), described by their fields, with exact
 * conversions between bit patterns and numbers. Rounding is to nearest, ties to even, straight
 * from float64 (no double rounding); overflow and NaN follow each format's conventions as
 * ml_dtypes (which tensorstore uses) implements them.
 */

/**
 * How a format spends its special bit patterns:
 * - `ieee`: the largest exponent holds infinities (mantissa 0) and NaNs;
 * - `fn`: no infinities, NaN is the all-ones exponent and mantissa (float8_e4m3fn);
 * - `fnuz`: no infinities, no negative zero, NaN is the negative-zero pattern 0x80;
 * - `finite`: no infinities and no NaN (float6, float4): overflow saturates;
 * - `e8m0`: unsigned powers of two, no zero, NaN is 0xff.
 */
export type SmallFloatSpecials = "ieee" | "fn" | "fnuz" | "finite" | "e8m0";

export interface SmallFloatFormat {
  readonly name: string;
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly bias: number;
  readonly specials: SmallFloatSpecials;
  /** Bits of a value: sign (if any), exponent and mantissa. */
  readonly bits: number;
  readonly hasNaN: boolean;
  readonly hasInfinity: boolean;
  /** The largest finite value. */
  readonly max: number;
  /** The bit pattern written for NaN (for formats without one: undefined). */
  readonly nanBits: number | undefined;
}

function format(
  name: string,
  exponentBits: number,
  mantissaBits: number,
  bias: number,
  specials: SmallFloatSpecials,
): SmallFloatFormat {
  const signed = specials !== "e8m0";
  const bits = (signed ? 1 : 0) + exponentBits + mantissaBits;
  const topExponent = (1 << exponentBits) - 1;
  const topMantissa = (1 << mantissaBits) - 1;
  const maxBits = {
    ieee: ((topExponent - 1) << mantissaBits) | topMantissa,
    fn: (topExponent << mantissaBits) | (topMantissa - 1),
    fnuz: (topExponent << mantissaBits) | topMantissa,
    finite: (topExponent << mantissaBits) | topMantissa,
    e8m0: topExponent - 1,
  }[specials];
  const nanBits = {
    // The quiet NaN: all-ones exponent, the mantissa's top bit.
    ieee: (topExponent << mantissaBits) | (1 << (mantissaBits - 1)),
    fn: (topExponent << mantissaBits) | topMantissa,
    fnuz: 1 << (bits - 1),
    finite: undefined,
    e8m0: topExponent,
  }[specials];
  const partial = { name, exponentBits, mantissaBits, bias, specials, bits, nanBits };
  return {
    ...partial,
    hasNaN: nanBits !== undefined,
    hasInfinity: specials === "ieee",
    max: finiteValue(partial, maxBits),
  };
}

/** The formats by their zarr-extensions data type names (and tensorstore's float8_e4m3fn). */
export const SMALL_FLOAT_FORMATS = {
  bfloat16: format("bfloat16", 8, 7, 127, "ieee"),
  float8_e3m4: format("float8_e3m4", 3, 4, 3, "ieee"),
  float8_e4m3: format("float8_e4m3", 4, 3, 7, "ieee"),
  float8_e4m3fn: format("float8_e4m3fn", 4, 3, 7, "fn"),
  float8_e4m3fnuz: format("float8_e4m3fnuz", 4, 3, 8, "fnuz"),
  float8_e4m3b11fnuz: format("float8_e4m3b11fnuz", 4, 3, 11, "fnuz"),
  float8_e5m2: format("float8_e5m2", 5, 2, 15, "ieee"),
  float8_e5m2fnuz: format("float8_e5m2fnuz", 5, 2, 16, "fnuz"),
  float8_e8m0fnu: format("float8_e8m0fnu", 8, 0, 127, "e8m0"),
  float6_e2m3fn: format("float6_e2m3fn", 2, 3, 1, "finite"),
  float6_e3m2fn: format("float6_e3m2fn", 3, 2, 3, "finite"),
  float4_e2m1fn: format("float4_e2m1fn", 2, 1, 1, "finite"),
} as const;

export type SmallFloatName = keyof typeof SMALL_FLOAT_FORMATS;

/** The format of a data type by its name, if it is one of these. */
export function smallFloatFormat(name: string): SmallFloatFormat | undefined {
  return Object.hasOwn(SMALL_FLOAT_FORMATS, name)
    ? SMALL_FLOAT_FORMATS[name as SmallFloatName]
    : undefined;
}

/** The value of a finite, non-NaN pattern (no special cases). */
function finiteValue(
  f: Pick<SmallFloatFormat, "exponentBits" | "mantissaBits" | "bias" | "specials">,
  bits: number,
): number {
  const { mantissaBits: m, bias } = f;
  const exponent = (bits >> m) & ((1 << f.exponentBits) - 1);
  const mantissa = bits & ((1 << m) - 1);
  // e8m0 has no subnormals: exponent 0 is 2^-127.
  if (exponent === 0 && f.specials !== "e8m0") return mantissa * 2 ** (1 - bias - m);
  return (2 ** m + mantissa) * 2 ** (exponent - bias - m);
}

/** The value of a bit pattern (bits above the format's are ignored). */
export function smallFloatBitsToNumber(f: SmallFloatFormat, pattern: number): number {
  const bits = pattern & ((1 << f.bits) - 1);
  if (f.nanBits !== undefined && f.specials !== "ieee" && bits === f.nanBits) return Number.NaN;
  if (f.specials === "e8m0") return finiteValue(f, bits);
  const signBit = 1 << (f.bits - 1);
  const magnitude = bits & (signBit - 1);
  const sign = bits & signBit ? -1 : 1;
  if (f.specials === "ieee" && magnitude >> f.mantissaBits === (1 << f.exponentBits) - 1) {
    return magnitude & ((1 << f.mantissaBits) - 1) ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  }
  if (f.specials === "fn" && magnitude === f.nanBits) return Number.NaN;
  return sign * finiteValue(f, magnitude);
}

/**
 * The bit pattern nearest to `value`. NaN becomes the format's NaN (formats without NaN give
 * undefined: the caller decides); beyond the largest finite value, IEEE formats give infinity,
 * `finite` ones saturate and the others give NaN, as ml_dtypes converts.
 */
export function numberToSmallFloatBits(f: SmallFloatFormat, value: number): number | undefined {
  if (Number.isNaN(value)) return f.nanBits;
  const m = f.mantissaBits;
  // e8m0 holds neither zero nor negative numbers.
  if (f.specials === "e8m0" && !(value > 0)) return f.nanBits;
  const negative = value < 0 || Object.is(value, -0);
  const signBit = f.specials === "e8m0" ? 0 : 1 << (f.bits - 1);
  const overflow = (): number | undefined => {
    if (f.specials === "ieee") return (negative ? signBit : 0) | (((1 << f.exponentBits) - 1) << m);
    if (f.specials === "finite") return (negative ? signBit : 0) | encodeMagnitude(f, f.max);
    if (f.specials === "fn") return (negative ? signBit : 0) | f.nanBits!;
    return f.nanBits;
  };
  const a = Math.abs(value);
  if (a === Number.POSITIVE_INFINITY) return overflow();
  const rounded = roundToFormat(f, a);
  if (rounded > f.max) return overflow();
  if (rounded === 0) {
    return negative && f.specials !== "fnuz" ? signBit : 0;
  }
  return (negative ? signBit : 0) | encodeMagnitude(f, rounded);
}

/** `a` (finite, >= 0) rounded to the format's precision (its range is not checked). */
function roundToFormat(f: SmallFloatFormat, a: number): number {
  if (a === 0) return 0;
  const m = f.mantissaBits;
  const minNormalExponent = f.specials === "e8m0" ? -f.bias : 1 - f.bias;
  const exponent = Math.max(exponentOf(a), minNormalExponent);
  const quantum = 2 ** (exponent - m);
  const scaled = a / quantum; // exact: a power-of-two scaling
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  let n = floor;
  if (diff > 0.5) n = floor + 1;
  else if (diff === 0.5) {
    // Ties go to the even pattern; e8m0 (no mantissa) rounds them up, as ml_dtypes does.
    if (m === 0 || floor % 2 === 1) n = floor + 1;
  }
  // e8m0 has no zero: what is below its smallest power of two becomes that.
  if (f.specials === "e8m0" && n === 0) n = 1;
  return n * quantum;
}

/** floor(log2(a)) for a > 0, exact. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** The pattern (without sign) of a positive value the format holds exactly. */
function encodeMagnitude(f: SmallFloatFormat, v: number): number {
  const m = f.mantissaBits;
  const minNormal = 2 ** (f.specials === "e8m0" ? -f.bias : 1 - f.bias);
  if (v < minNormal) return v / 2 ** (1 - f.bias - m);
  const exponent = exponentOf(v);
  const mantissa = v / 2 ** (exponent - m) - 2 ** m;
  return ((exponent + f.bias) << m) | mantissa;
}

/** Values of many bit patterns (of `f`), e.g. what `get` returns for a bfloat16 array. */
export function smallFloatBitsToFloat64Array(
  f: SmallFloatFormat,
  bits: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = smallFloatBitsToNumber(f, bits[i]!);
  return out;
}

/**
 * Bit patterns of many numbers (Uint16Array for bfloat16, else Uint8Array), ready for `set`.
 * Throws RangeError for NaN in a format without one.
 */
export function float64ToSmallFloatBits(
  f: SmallFloatFormat,
  values: ArrayLike<number>,
): Uint8Array | Uint16Array {
  const out = f.bits > 8 ? new Uint16Array(values.length) : new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bits = numberToSmallFloatBits(f, values[i]!);
    if (bits === undefined) throw new RangeError(`${f.name} has no NaN (element ${i})`);
    out[i] = bits;
  }
  return out;
}
