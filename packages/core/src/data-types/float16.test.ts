import { pythonWith } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import { float16BitsToFloat64Array, float64ToFloat16Bits, numberToFloat16Bits } from "./float16.js";

// numpy is the reference: it converts float16 <-> float64 directly, as IEEE 754 prescribes.
const numpy = pythonWith("numpy");

describe.skipIf(numpy === undefined)("float16 against numpy", () => {
  it("decodes all 65,536 bit patterns exactly", () => {
    const hex = numpy!(
      "import numpy as np, sys; sys.stdout.write(np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float64).tobytes().hex())",
    );
    const expected = new Float64Array(Uint8Array.from(Buffer.from(hex, "hex")).buffer);
    const got = float16BitsToFloat64Array(Uint16Array.from({ length: 65536 }, (_, i) => i));
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const ok = Number.isNaN(expected[i]!)
        ? Number.isNaN(got[i]!)
        : Object.is(got[i], expected[i]);
      if (!ok) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("encodes every float16 value, every midpoint and random doubles exactly as numpy rounds them", () => {
    // Every representable value, the exact midpoints between neighbours (ties), their nearest
    // doubles on either side, values around overflow and the subnormal range, and random doubles.
    const script = `
import numpy as np, sys
rng = np.random.default_rng(1)
v = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float64)
v = v[np.isfinite(v)]
s = np.sort(np.unique(v))
mid = (s[:-1] + s[1:]) / 2
extra = np.array([65504.0, 65519.99, 65520.0, 65536.0, 1e300, 2.0**-24, 2.0**-25, 2.0**-25 * 1.0000001, 2.0**-26, 2.0**-14, 6.1e-5, 1e-300, 5e-324])
x = np.concatenate([v, mid, np.nextafter(mid, np.inf), np.nextafter(mid, -np.inf), extra, -extra,
    rng.standard_normal(20000) * 10.0 ** rng.integers(-9, 6, 20000)])
sys.stdout.write(x.tobytes().hex() + " " + x.astype(np.float16).view(np.uint16).tobytes().hex())`;
    const [xs, bits] = numpy!(script).split(" ");
    const values = new Float64Array(Uint8Array.from(Buffer.from(xs!, "hex")).buffer);
    const expected = new Uint16Array(Uint8Array.from(Buffer.from(bits!, "hex")).buffer);
    const got = float64ToFloat16Bits(values);
    const wrong: string[] = [];
    for (let i = 0; i < values.length; i++) {
      if (got[i] !== expected[i])
        wrong.push(
          `${values[i]} -> 0x${got[i]!.toString(16)} (numpy 0x${expected[i]!.toString(16)})`,
        );
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(values.length).toBeGreaterThan(150000);
  });
});

describe("float16 special values", () => {
  it("keeps signs, infinities and NaN", () => {
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
    expect(numberToFloat16Bits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(numberToFloat16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(numberToFloat16Bits(Number.NaN)).toBe(0x7e00);
    expect(numberToFloat16Bits(65504)).toBe(0x7bff);
    expect(numberToFloat16Bits(2 ** -24)).toBe(0x0001);
  });
});
