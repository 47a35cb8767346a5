import { describe, expect, it } from "vitest";
import { isZarrkitError } from "../errors/errors.js";
import type { JsonValue } from "../json/json-value.js";
import { CORE_DATA_TYPE_NAMES, coreDataType } from "./core-data-types.js";

/** Little-endian element bytes written out by hand from the IEEE 754 / two's complement layouts. */
const hex = (s: string) => Buffer.from(s.replace(/ /g, ""), "hex").toString("hex");

// [data type, fill value JSON, expected element bytes (hex, little-endian), canonical JSON back]
const CASES: [string, JsonValue, string, JsonValue][] = [
  ["bool", true, "01", true],
  ["bool", false, "00", false],
  ["int8", -128, "80", -128],
  ["int8", 127, "7f", 127],
  ["int16", -2, "feff", -2],
  ["int32", -2147483648, "00000080", -2147483648],
  ["int64", -9223372036854775808n, "0000000000000080", -9223372036854775808n],
  ["int64", 9223372036854775807n, "ffffffffffffff7f", 9223372036854775807n],
  ["int64", -1, "ffffffffffffffff", -1],
  ["int64", 9007199254740993n, "0100000000002000", 9007199254740993n],
  ["uint8", 255, "ff", 255],
  ["uint16", 65535, "ffff", 65535],
  ["uint32", 4294967295, "ffffffff", 4294967295],
  ["uint64", 18446744073709551615n, "ffffffffffffffff", 18446744073709551615n],
  ["uint64", 0, "0000000000000000", 0],
  ["float16", 1, "003c", 1],
  ["float16", -2.5, "00c1", -2.5],
  ["float16", "NaN", "007e", "NaN"],
  ["float16", "0x7e01", "017e", "0x7e01"],
  ["float16", "Infinity", "007c", "Infinity"],
  ["float16", "-Infinity", "00fc", "-Infinity"],
  ["float16", 65520, "007c", "Infinity"],
  ["float16", "0x3C00", "003c", 1],
  ["float32", 0.5, "0000003f", 0.5],
  ["float32", -0, "00000080", -0],
  ["float32", "NaN", "0000c07f", "NaN"],
  ["float32", "0x7fc00001", "0100c07f", "0x7fc00001"],
  ["float32", "0xffc00000", "0000c0ff", "0xffc00000"],
  ["float32", "-Infinity", "000080ff", "-Infinity"],
  ["float32", 1e39, "0000807f", "Infinity"],
  ["float32", "0x3f800000", "0000803f", 1],
  ["float64", 0.1, "9a9999999999b93f", 0.1],
  ["float64", "NaN", "000000000000f87f", "NaN"],
  ["float64", "0x7ff0000000000001", "010000000000f07f", "0x7ff0000000000001"],
  ["float64", "Infinity", "000000000000f07f", "Infinity"],
  ["float64", 9007199254740993n, "0000000000004043", 9007199254740992],
  ["complex64", [1, -1], "0000803f 000080bf", [1, -1]],
  ["complex64", ["NaN", "-Infinity"], "0000c07f 000080ff", ["NaN", "-Infinity"]],
  ["complex64", ["0x7fc00001", 0], "0100c07f 00000000", ["0x7fc00001", 0]],
  ["complex128", [0.5, "Infinity"], "000000000000e03f 000000000000f07f", [0.5, "Infinity"]],
  ["r8", [171], "ab", [171]],
  ["r16", [1, 255], "01ff", [1, 255]],
  ["r24", [0, 1, 2], "000102", [0, 1, 2]],
  // tensorstore's base64 form is read too, and written back in the spec's form.
  ["r16", "AQI=", "0102", [1, 2]],
];

describe("fill values of every core data type", () => {
  it.each(CASES)(
    "%s: %s decodes to the right bytes and encodes back canonically",
    (name, json, bytes, canonical) => {
      const type = coreDataType(name)!;
      const element = type.decodeFillValue(json);
      expect(Buffer.from(element).toString("hex")).toBe(hex(bytes));
      const back = type.encodeFillValue(element);
      expect(back).toEqual(canonical);
      if (typeof canonical === "number") expect(Object.is(back, canonical)).toBe(true);
      // The canonical form is a fixed point.
      expect(Buffer.from(type.decodeFillValue(back)).toString("hex")).toBe(hex(bytes));
    },
  );

  it("covers every core data type", () => {
    const covered = new Set(CASES.map(([name]) => name));
    for (const name of CORE_DATA_TYPE_NAMES) expect(covered.has(name), name).toBe(true);
  });

  const REJECTED: [string, JsonValue][] = [
    ["bool", 1],
    ["bool", "true"],
    ["int8", 128],
    ["int8", -129],
    ["int16", 1.5],
    ["uint8", -1],
    ["uint64", 18446744073709551616n],
    ["uint64", -1],
    ["int64", "5"],
    ["int32", null],
    ["float32", "nan"],
    ["float32", "0x7fc0"],
    ["float16", "0x7fc00000"],
    ["float64", "0x7ff8zz0000000000"],
    ["float64", [1]],
    ["float64", true],
    ["complex64", 1],
    ["complex64", [1, 2, 3]],
    ["complex128", ["x", 0]],
    ["r16", [1]],
    ["r8", [256]],
    ["r8", 3],
    ["r16", "AQIDBA=="],
  ];
  it.each(REJECTED)("%s rejects %s with InvalidMetadata naming fill_value", (name, json) => {
    let error: unknown;
    try {
      coreDataType(name)!.decodeFillValue(json);
    } catch (err) {
      error = err;
    }
    expect(isZarrkitError(error, "InvalidMetadata")).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`fill_value .* ${name}`));
  });
});

describe("JS scalars", () => {
  it("convert to and from elements for each type", () => {
    expect(coreDataType("int64")!.toScalar(coreDataType("int64")!.fromScalar(-5))).toBe(-5n);
    expect(
      coreDataType("uint64")!.toScalar(coreDataType("uint64")!.fromScalar(2n ** 64n - 1n)),
    ).toBe(2n ** 64n - 1n);
    expect(coreDataType("float16")!.toScalar(coreDataType("float16")!.fromScalar(0.1))).toBe(
      0.0999755859375,
    );
    expect(
      coreDataType("complex128")!.toScalar(coreDataType("complex128")!.fromScalar([1, 2])),
    ).toEqual([1, 2]);
    expect(coreDataType("complex64")!.toScalar(coreDataType("complex64")!.fromScalar(3))).toEqual([
      3, 0,
    ]);
    expect(coreDataType("bool")!.toScalar(coreDataType("bool")!.fromScalar(true))).toBe(true);
    expect(
      Array.from(
        coreDataType("r16")!.toScalar(
          coreDataType("r16")!.fromScalar(Uint8Array.of(1, 2)),
        ) as Uint8Array,
      ),
    ).toEqual([1, 2]);
  });

  it.each([
    ["int8", 300],
    ["int32", 1.5],
    ["int64", 2 ** 60],
    ["uint8", "7"],
    ["bool", 2],
    ["float32", "1"],
    ["complex64", [1]],
    ["r16", Uint8Array.of(1)],
  ])("%s rejects %s with InvalidValue", (name, value) => {
    expect(() => coreDataType(name)!.fromScalar(value)).toThrow(
      expect.objectContaining({ code: "InvalidValue" }),
    );
  });

  it("allocates the typed array of the JS representation", () => {
    const expected: Record<string, [string, number]> = {
      bool: ["Uint8Array", 1],
      int8: ["Int8Array", 1],
      int16: ["Int16Array", 1],
      int32: ["Int32Array", 1],
      int64: ["BigInt64Array", 1],
      uint8: ["Uint8Array", 1],
      uint16: ["Uint16Array", 1],
      uint32: ["Uint32Array", 1],
      uint64: ["BigUint64Array", 1],
      float16: ["Uint16Array", 1],
      float32: ["Float32Array", 1],
      float64: ["Float64Array", 1],
      complex64: ["Float32Array", 2],
      complex128: ["Float64Array", 2],
    };
    for (const name of CORE_DATA_TYPE_NAMES) {
      const data = coreDataType(name)!.allocate(3);
      expect([data.constructor.name, data.length / 3], name).toEqual(expected[name]);
    }
    expect(coreDataType("r24")!.allocate(2)).toEqual(new Uint8Array(6));
    expect(coreDataType("r7")).toBeUndefined();
    expect(coreDataType("float128")).toBeUndefined();
  });
});
