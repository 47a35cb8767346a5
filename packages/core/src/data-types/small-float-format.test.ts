import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import {
  float64ToSmallFloatBits,
  numberToSmallFloatBits,
  SMALL_FLOAT_FORMATS,
  type SmallFloatName,
  smallFloatBitsToFloat64Array,
  smallFloatBitsToNumber,
} from "./small-float-format.js";

const NAMES = Object.keys(SMALL_FLOAT_FORMATS) as SmallFloatName[];

describe("small float formats: the data type READMEs' facts", () => {
  const f = SMALL_FLOAT_FORMATS;
  it("has the NaN patterns the READMEs give", () => {
    expect(numberToSmallFloatBits(f.bfloat16, Number.NaN)).toBe(0x7fc0);
    expect(numberToSmallFloatBits(f.float8_e4m3, Number.NaN)).toBe(0x7c);
    expect(numberToSmallFloatBits(f.float8_e4m3fnuz, Number.NaN)).toBe(0x80);
    expect(numberToSmallFloatBits(f.float8_e5m2fnuz, Number.NaN)).toBe(0x80);
    expect(numberToSmallFloatBits(f.float8_e4m3b11fnuz, Number.NaN)).toBe(0x80);
    expect(numberToSmallFloatBits(f.float8_e8m0fnu, Number.NaN)).toBe(0xff);
    expect(numberToSmallFloatBits(f.float4_e2m1fn, Number.NaN)).toBeUndefined();
    expect(smallFloatBitsToNumber(f.float8_e8m0fnu, 0xff)).toBeNaN();
  });
  it("reads the fields as the READMEs lay them out", () => {
    // bfloat16 is float32's top half.
    const word = new Float32Array([-3.140625]);
    const top = new Uint16Array(word.buffer)[1]!;
    expect(smallFloatBitsToNumber(f.bfloat16, top)).toBe(-3.140625);
    // 0bSEEEMMMM with bias 3: 0 100 1000 = 1.5 * 2^(4-3).
    expect(smallFloatBitsToNumber(f.float8_e3m4, 0b0_100_1000)).toBe(3);
    // e8m0: 2^(E - 127), no sign.
    expect(smallFloatBitsToNumber(f.float8_e8m0fnu, 127)).toBe(1);
    expect(smallFloatBitsToNumber(f.float8_e8m0fnu, 0)).toBe(2 ** -127);
    // float4_e2m1fn: 0bSEEM, bias 1; the largest is 0111 = 1.5 * 2^2 = 6; subnormal 0001 = 0.5.
    expect(smallFloatBitsToNumber(f.float4_e2m1fn, 0b0111)).toBe(6);
    expect(smallFloatBitsToNumber(f.float4_e2m1fn, 0b1001)).toBe(-0.5);
    // Bits above the format's are ignored (the bytes codec's stored form).
    expect(smallFloatBitsToNumber(f.float4_e2m1fn, 0xf7)).toBe(6);
    expect(f.float6_e2m3fn.max).toBe(7.5);
    expect(f.float6_e3m2fn.max).toBe(28);
    expect(f.float8_e4m3fn.max).toBe(448);
    expect(f.float8_e5m2.max).toBe(57344);
  });
  it("rounds to nearest, ties to even", () => {
    // float4_e2m1fn values: 0, 0.5, 1, 1.5, 2, 3, 4, 6.
    expect(numberToSmallFloatBits(f.float4_e2m1fn, 0.25)).toBe(0); // tie: 0 is even
    expect(numberToSmallFloatBits(f.float4_e2m1fn, 0.75)).toBe(0b0010); // tie: 1 is even
    expect(numberToSmallFloatBits(f.float4_e2m1fn, 2.5)).toBe(0b0100); // tie: 2
    expect(numberToSmallFloatBits(f.float4_e2m1fn, 5)).toBe(0b0110); // tie: 4
    expect(numberToSmallFloatBits(f.float4_e2m1fn, 100)).toBe(0b0111); // saturates
    expect(numberToSmallFloatBits(f.float4_e2m1fn, -0)).toBe(0b1000);
  });
  it("converts arrays both ways", () => {
    const bits = float64ToSmallFloatBits(f.bfloat16, [1, -2, Number.POSITIVE_INFINITY]);
    expect(bits).toBeInstanceOf(Uint16Array);
    expect([...smallFloatBitsToFloat64Array(f.bfloat16, bits)]).toEqual([
      1,
      -2,
      Number.POSITIVE_INFINITY,
    ]);
    expect(() => float64ToSmallFloatBits(f.float6_e3m2fn, [1, Number.NaN])).toThrow(
      /float6_e3m2fn has no NaN \(element 1\)/,
    );
  });
});

// ml_dtypes (the venv's, beside tensorstore) converts every pattern and a spread of numbers.
const mlDtypes = pythonWith("ml_dtypes", tensorstorePython());

/** Numbers around every format's interesting places: ties, overflow, subnormals, extremes. */
function probes(): number[] {
  const out = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, 5e-324];
  for (let e = -140; e <= 130; e++) {
    for (const k of [1, 1.0625, 1.125, 1.1875, 1.25, 1.3, 1.375, 1.5, 1.625, 1.75, 1.875, 1.9999])
      out.push(k * 2 ** e, -k * 2 ** e);
  }
  for (const x of [448, 464, 470, 480, 496, 240, 248, 256, 57344, 61440, 61441, 7.5, 7.75, 28, 30])
    out.push(x, -x);
  return out;
}

describe.skipIf(mlDtypes === undefined)("small float formats, against ml_dtypes", () => {
  const numbers = probes();
  const reference: Record<string, { values: (number | string)[]; bits: number[] }> =
    mlDtypes === undefined
      ? {}
      : JSON.parse(
          mlDtypes(
            `import json, sys, numpy as np, ml_dtypes
names, numbers = json.load(sys.stdin)
numbers = np.array([float(x) for x in numbers])
out = {}
def enc(v):
    return "NaN" if np.isnan(v) else ("Infinity" if v == np.inf else ("-Infinity" if v == -np.inf else v))
with np.errstate(all="ignore"):
    for name in names:
        dt = np.dtype(getattr(ml_dtypes, name))
        u = np.uint16 if dt.itemsize == 2 else np.uint8
        size = 1 << (16 if dt.itemsize == 2 else 8)
        patterns = np.arange(size, dtype=u)
        values = [enc(float(v)) for v in patterns.view(dt).astype(np.float64)]
        bits = numbers.astype(dt).view(u).astype(int).tolist()
        out[name] = {"values": values, "bits": bits}
print(json.dumps(out))`,
            JSON.stringify([
              NAMES,
              numbers.map((x) => (Object.is(x, -0) ? "-0.0" : Number.isFinite(x) ? x : String(x))),
            ]),
          ),
        );
  const decode = (v: number | string) =>
    v === "NaN" ? Number.NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;

  it.each(NAMES)("%s: the value of every bit pattern", (name) => {
    const f = SMALL_FLOAT_FORMATS[name];
    const expected = reference[name]!.values.map(decode);
    // Patterns with bits beyond the format's (float6/float4 in a byte) read as the low bits.
    const got = expected.map((_, p) => smallFloatBitsToNumber(f, p));
    expect(got).toEqual(expected.map((_, p) => expected[p & ((1 << f.bits) - 1)]));
  });

  it.each(NAMES)("%s: the nearest pattern of each number", (name) => {
    const f = SMALL_FLOAT_FORMATS[name];
    const expected = reference[name]!.bits;
    const got = numbers.map((x, i) => {
      const bits = numberToSmallFloatBits(f, x);
      // Formats without NaN have no pattern for it; ml_dtypes writes its -0 pattern.
      return bits ?? expected[i];
    });
    const wrong = numbers
      .map((x, i) => [x, got[i], expected[i]] as const)
      // ml_dtypes takes e8m0 values below 2^-126 through float32's subnormals (5e-324 becomes
      // NaN, 1.06 * 2^-127 becomes 2^-126); zarrkit rounds them to the nearest, 2^-127.
      .filter(([x]) => !(f.specials === "e8m0" && Math.abs(x) < 2 ** -126))
      .filter(([, a, b]) => a !== b);
    expect(wrong.slice(0, 40).map(String)).toEqual([]);
  });
});
