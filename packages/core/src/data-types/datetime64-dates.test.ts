import { pythonWith } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import { dateToDatetime64, datetime64ToDate } from "./datetime64-dates.js";
import { NOT_A_TIME, type NumpyTimeUnit, numpyTimeDataType } from "./numpy-time-data-types.js";

// NumPy converts every case: its astype("M8[ms]") of each count, and its astype to each unit
// of each millisecond moment (both floor to the coarser unit).
const numpy = pythonWith("numpy");
const UNITS: [NumpyTimeUnit, number][] = [
  ["Y", 1],
  ["M", 1],
  ["M", 5],
  ["W", 1],
  ["D", 1],
  ["h", 3],
  ["m", 1],
  ["s", 1],
  ["s", 10],
  ["ms", 1],
  ["us", 1],
  ["us", 25],
  ["ns", 1],
  ["ps", 1],
];
const PICOSECONDS_PER_MS = 1_000_000_000n;
const COUNTS = [0, 1, -1, 7, -1500, 123456, -987654, 40000];
const MOMENTS = [0, 1, -1, 1499, -1500, 86_399_999, -86_400_001, 1_700_000_000_123, -2e12];

describe.skipIf(numpy === undefined)("numpy.datetime64 counts and JS Dates, against NumPy", () => {
  const expected: { toMs: Record<string, number[]>; fromMs: Record<string, string[]> } =
    numpy === undefined
      ? { toMs: {}, fromMs: {} }
      : JSON.parse(
          numpy(
            `import json, sys, numpy as np
units, counts, moments = json.load(sys.stdin)
out = {"toMs": {}, "fromMs": {}}
for unit, scale in units:
    t = f"M8[{'' if scale == 1 else scale}{unit}]"
    out["toMs"][t] = np.array(counts, dtype=np.int64).view(t).astype("M8[ms]").view(np.int64).tolist()
    out["fromMs"][t] = [str(v) for v in np.array(moments, dtype=np.int64).view("M8[ms]").astype(t).view(np.int64).tolist()]
print(json.dumps(out))`,
            JSON.stringify([UNITS, COUNTS, MOMENTS]),
          ),
        );

  for (const [unit, scale] of UNITS) {
    const name = `M8[${scale === 1 ? "" : scale}${unit}]`;
    it(`${name}: counts to Dates and Dates to counts`, () => {
      const type = numpyTimeDataType("numpy.datetime64", unit, scale);
      // A Date holds ±8.64e15 ms (ECMAScript's time values); beyond, there is no Date.
      expect(COUNTS.map((c) => datetime64ToDate(BigInt(c), type)?.getTime())).toEqual(
        expected.toMs[name]!.map((ms) => (Math.abs(ms) <= 8.64e15 ? ms : undefined)),
      );
      // Where the count overflows int64 (NumPy wraps around silently), zarrkit refuses.
      const fits = (ms: number) => {
        const ps = BigInt(ms) * PICOSECONDS_PER_MS;
        return unit !== "ps" || (ps < 2n ** 63n && ps > -(2n ** 63n));
      };
      expect(
        MOMENTS.filter(fits).map((ms) => String(dateToDatetime64(new Date(ms), type))),
      ).toEqual(expected.fromMs[name]!.filter((_, i) => fits(MOMENTS[i]!)));
      for (const ms of MOMENTS.filter((ms) => !fits(ms)))
        expect(() => dateToDatetime64(new Date(ms), type)).toThrow(/int64 range/);
    });
  }

  it("NaT, the generic unit and moments outside Date's range have no Date", () => {
    const seconds = numpyTimeDataType("numpy.datetime64", "s", 1);
    expect(datetime64ToDate(NOT_A_TIME, seconds)).toBeUndefined();
    expect(datetime64ToDate(10n ** 15n, seconds)).toBeUndefined();
    expect(dateToDatetime64(new Date(Number.NaN), seconds)).toBe(NOT_A_TIME);
    const generic = numpyTimeDataType("numpy.datetime64", "generic", 1);
    expect(datetime64ToDate(5n, generic)).toBeUndefined();
    expect(() => dateToDatetime64(new Date(0), generic)).toThrow(/generic/);
    const durations = numpyTimeDataType("numpy.timedelta64", "s", 1);
    expect(() => datetime64ToDate(0n, durations)).toThrow(/no numpy.datetime64 moments/);
  });
});
