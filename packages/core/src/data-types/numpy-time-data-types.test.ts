import { describe, expect, it } from "vitest";
import { coreExtension } from "../core-extension.js";
import type { JsonObject } from "../json/json-value.js";
import { createRegistry } from "../registry/registry.js";
import { numpyDtypeString, parseNumpyDtype } from "./numpy-dtype.js";
import { NOT_A_TIME } from "./numpy-time-data-types.js";

const registry = createRegistry(coreExtension);
const typeOf = (name: string, configuration?: JsonObject) =>
  registry.get("data-type", name).fromConfig(name, configuration);
// zarr-extensions' example: NumPy's datetime64[10us].
const tenMicros = typeOf("numpy.datetime64", { unit: "us", scale_factor: 10 });
const int64Bytes = (value: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, true);
  return out;
};

describe("numpy.datetime64 and numpy.timedelta64", () => {
  it("are int64 counts of scale_factor units, NaT the smallest int64", () => {
    expect(tenMicros.kind).toBe("datetime");
    expect([tenMicros.itemSize, tenMicros.lanes, tenMicros.laneSize]).toEqual([8, 1, 8]);
    expect(tenMicros.configuration).toEqual({ unit: "us", scale_factor: 10 });
    expect(tenMicros.allocate(3)).toBeInstanceOf(BigInt64Array);
    expect(tenMicros.fromScalar(-5n)).toEqual(int64Bytes(-5n));
    expect(tenMicros.fromScalar(1234)).toEqual(int64Bytes(1234n));
    expect(tenMicros.fromScalar("NaT")).toEqual(int64Bytes(-(2n ** 63n)));
    expect(tenMicros.toScalar(int64Bytes(2n ** 62n))).toBe(2n ** 62n);
    expect(NOT_A_TIME).toBe(-9223372036854775808n);
    expect(typeOf("numpy.timedelta64", { unit: "ns", scale_factor: 1 }).kind).toBe("timedelta");
  });

  it("reads the spec's two NaT fill values alike and writes integers", () => {
    const nat = int64Bytes(-(2n ** 63n));
    expect(tenMicros.decodeFillValue("NaT")).toEqual(nat);
    expect(tenMicros.decodeFillValue(-9223372036854775808n)).toEqual(nat);
    expect(tenMicros.encodeFillValue(nat)).toBe(-9223372036854775808n);
    expect(tenMicros.decodeFillValue(86400)).toEqual(int64Bytes(86400n));
    expect(tenMicros.encodeFillValue(int64Bytes(86400n))).toBe(86400);
    expect(tenMicros.decodeFillValue(9223372036854775807n)).toEqual(int64Bytes(2n ** 63n - 1n));
    for (const bad of [1.5, "1970-01-01", 9223372036854775808n, null, [1]])
      expect(() => tenMicros.decodeFillValue(bad), JSON.stringify(String(bad))).toThrow(
        expect.objectContaining({ code: "InvalidMetadata" }),
      );
    for (const bad of [0.5, 2 ** 60, "1970", new Date(0)])
      expect(() => tenMicros.fromScalar(bad)).toThrow(
        expect.objectContaining({ code: "InvalidValue" }),
      );
  });

  it("refuses configurations the spec does not allow, naming the field", () => {
    const bad: [string, JsonObject | undefined, RegExp][] = [
      ["numpy.datetime64", undefined, /configuration\.unit/],
      ["numpy.datetime64", { unit: "us" }, /scale_factor/],
      ["numpy.datetime64", { unit: "xs", scale_factor: 1 }, /configuration\.unit/],
      ["numpy.timedelta64", { unit: "s", scale_factor: 0 }, /scale_factor/],
      ["numpy.timedelta64", { unit: "s", scale_factor: 2 ** 31 }, /scale_factor/],
      ["numpy.timedelta64", { unit: "s", scale_factor: 1.5 }, /scale_factor/],
      ["numpy.datetime64", { unit: "generic", scale_factor: 2 }, /generic/],
      ["numpy.datetime64", { unit: "s", scale_factor: 1, endian: "big" }, /endian/],
    ];
    for (const [name, configuration, message] of bad)
      expect(() => typeOf(name, configuration), JSON.stringify(configuration)).toThrow(message);
    // "μs" is NumPy's other spelling of microseconds.
    expect(typeOf("numpy.timedelta64", { unit: "μs", scale_factor: 1 }).name).toBe(
      "numpy.timedelta64",
    );
  });

  it("are NumPy's M8 and m8 dtypes, with their unit and scale in brackets", () => {
    const cases: [string, string, JsonObject, "little" | "big"][] = [
      ["<M8[ns]", "numpy.datetime64", { unit: "ns", scale_factor: 1 }, "little"],
      [">m8[10ms]", "numpy.timedelta64", { unit: "ms", scale_factor: 10 }, "big"],
      ["<M8[D]", "numpy.datetime64", { unit: "D", scale_factor: 1 }, "little"],
      ["<m8", "numpy.timedelta64", { unit: "generic", scale_factor: 1 }, "little"],
      ["<M8[25us]", "numpy.datetime64", { unit: "us", scale_factor: 25 }, "little"],
    ];
    for (const [dtype, name, configuration, endian] of cases) {
      const parsed = parseNumpyDtype(dtype);
      expect(parsed?.dataType.name, dtype).toBe(name);
      expect(parsed?.dataType.configuration, dtype).toEqual(configuration);
      expect(parsed?.endian, dtype).toBe(endian);
      expect(numpyDtypeString(parsed!.dataType, endian)).toBe(dtype);
    }
    expect(numpyDtypeString(typeOf("numpy.datetime64", { unit: "μs", scale_factor: 1 }))).toBe(
      "<M8[us]",
    );
    for (const bad of ["|M8[ns]", "<M8[xs]", "<M8[0s]", "<M4[s]", "<M8[generic]", "<M8[ns"])
      expect(parseNumpyDtype(bad), bad).toBeUndefined();
  });
});
