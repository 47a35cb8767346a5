import { describe, expect, it } from "vitest";
import { coreExtension } from "../core-extension.js";
import { isZarrkitError } from "../errors/errors.js";
import type { JsonValue } from "../json/json-value.js";
import { createRegistry } from "../registry/registry.js";
import { reverseByteOrder } from "./byte-order.js";
import { numpyDtypeJson, parseV2Dtype } from "./numpy-dtype.js";
import { isStructDataType } from "./struct-data-type.js";

const registry = createRegistry(coreExtension);
const struct = (fields: JsonValue[], name = "struct") => {
  const dataType = registry.dataType(name, { fields });
  if (!isStructDataType(dataType)) throw new Error("not a struct");
  return dataType;
};
/** Little-endian bytes of values written through DataView, field by field. */
const packed = (...parts: [number, "i32" | "u8" | "f32" | "f64", number][]) => {
  const size = parts.reduce((n, [, kind]) => n + { i32: 4, u8: 1, f32: 4, f64: 8 }[kind], 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (const [at, kind, v] of parts) {
    if (kind === "i32") view.setInt32(at, v, true);
    else if (kind === "u8") view.setUint8(at, v);
    else if (kind === "f32") view.setFloat32(at, v, true);
    else view.setFloat64(at, v, true);
  }
  return out;
};

describe("struct (zarr-extensions)", () => {
  it("packs the spec's example fields without padding: 4 + 1 + 8 bytes at 0, 4 and 5", () => {
    const type = struct([
      { name: "id", data_type: "int32" },
      { name: "flags", data_type: "uint8" },
      { name: "value", data_type: "float64" },
    ]);
    expect(type.itemSize).toBe(13);
    expect(type.fields.map((f) => f.offset)).toEqual([0, 4, 5]);
    expect(type.byteOrderParts).toEqual([
      [0, 4],
      [5, 8],
    ]);
    const element = type.fromScalar({ id: -2, flags: 7, value: 0.5 });
    expect(element).toEqual(packed([0, "i32", -2], [4, "u8", 7], [5, "f64", 0.5]));
    expect(type.toScalar(element)).toEqual({ id: -2, flags: 7, value: 0.5 });
    // Stored big-endian, each field is reversed on its own.
    const big = element.slice();
    reverseByteOrder(big, type);
    const view = new DataView(big.buffer);
    expect([view.getInt32(0, false), big[4], view.getFloat64(5, false)]).toEqual([-2, 7, 0.5]);
  });

  it("reads the spec's fill values, nested structs and parametrised fields", () => {
    const point = struct([
      { name: "x", data_type: "float32" },
      { name: "y", data_type: "float32" },
    ]);
    expect(point.decodeFillValue({ x: 1.23, y: 4.56 })).toEqual(
      packed([0, "f32", 1.23], [4, "f32", 4.56]),
    );
    const nested = struct([
      {
        name: "point",
        data_type: {
          name: "struct",
          configuration: {
            fields: [
              { name: "x", data_type: "float32" },
              { name: "y", data_type: "float32" },
            ],
          },
        },
      },
      { name: "value", data_type: "float64" },
    ]);
    expect([nested.itemSize, ...nested.fields.map((f) => f.offset)]).toEqual([16, 0, 8]);
    const fill = { point: { x: 1, y: 2 }, value: 3.14 };
    const element = nested.decodeFillValue(fill);
    expect(element).toEqual(packed([0, "f32", 1], [4, "f32", 2], [8, "f64", 3.14]));
    expect(nested.encodeFillValue(element)).toEqual(fill);
    expect(nested.byteOrderParts).toEqual([
      [0, 4],
      [4, 4],
      [8, 8],
    ]);
    const timed = struct([
      {
        name: "timestamp",
        data_type: { name: "numpy.datetime64", configuration: { unit: "s", scale_factor: 1 } },
      },
      { name: "value", data_type: "float32" },
    ]);
    expect(timed.itemSize).toBe(12);
    expect(timed.toScalar(timed.decodeFillValue({ timestamp: "NaT", value: 0 }))).toEqual({
      timestamp: -(2n ** 63n),
      value: 0,
    });
    expect(timed.configuration).toEqual({
      fields: [
        {
          name: "timestamp",
          data_type: { name: "numpy.datetime64", configuration: { unit: "s", scale_factor: 1 } },
        },
        { name: "value", data_type: "float32" },
      ],
    });
  });

  it("reads the legacy `structured` form: [name, type] pairs and base64 fill values", () => {
    const legacy = registry.dataType("structured", {
      fields: [
        ["x", "float32"],
        ["y", "float32"],
      ],
    });
    expect(legacy.itemSize).toBe(8);
    expect(legacy.decodeFillValue("AAAAAAAAgD8=")).toEqual(packed([0, "f32", 0], [4, "f32", 1]));
    // `struct` itself takes only the object form.
    expect(() => struct([["x", "float32"]])).toThrow(/fields\[0\]/);
  });

  it("refuses what the spec forbids, naming the field", () => {
    const bad: [JsonValue[], RegExp][] = [
      [[], /at least one field/],
      [
        [
          { name: "a", data_type: "int8" },
          { name: "a", data_type: "int8" },
        ],
        /"a" is taken/,
      ],
      [[{ name: "", data_type: "int8" }], /empty name/],
      [[{ name: "s", data_type: "string" }], /field "s": string has no fixed size/],
      [[{ name: "a", data_type: "int9" }], /unknown data-type "int9"/],
      [[{ name: "a", data_type: "int8", shape: [2] }], /unknown key\(s\) shape/],
    ];
    for (const [fields, message] of bad)
      expect(() => struct(fields), JSON.stringify(fields)).toThrow(message);
    const type = struct([
      { name: "a", data_type: "int8" },
      { name: "b", data_type: "float32" },
    ]);
    const badFills: [JsonValue, RegExp][] = [
      [{ a: 1 }, /field "b" is missing/],
      [{ a: 1, b: 2, c: 3 }, /no field is named "c"/],
      [{ a: 1000, b: 2 }, /field "a": .*out of range/],
      [[1, 2], /expected an object/],
    ];
    for (const [fill, message] of badFills) {
      let error: unknown;
      try {
        type.decodeFillValue(fill);
      } catch (err) {
        error = err;
      }
      expect(isZarrkitError(error, "InvalidMetadata"), String(fill)).toBe(true);
      expect(String(error)).toMatch(message);
    }
    expect(() => type.fromScalar({ a: 1 })).toThrow(
      expect.objectContaining({ code: "InvalidValue" }),
    );
  });

  it("is NumPy's structured dtype in Zarr v2, with one byte order for its fields", () => {
    const parsed = parseV2Dtype([
      ["id", ">i4"],
      ["flag", "|b1"],
      [
        "where",
        [
          ["x", ">f4"],
          ["y", ">f4"],
        ],
      ],
    ]);
    expect(parsed?.endian).toBe("big");
    expect(parsed?.dataType.itemSize).toBe(13);
    expect(numpyDtypeJson(parsed!.dataType, "big")).toEqual([
      ["id", ">i4"],
      ["flag", "|b1"],
      [
        "where",
        [
          ["x", ">f4"],
          ["y", ">f4"],
        ],
      ],
    ]);
    expect(() =>
      parseV2Dtype([
        ["a", "<i4"],
        ["b", ">i4"],
      ]),
    ).toThrow(/byte order/);
    expect(() => parseV2Dtype([["a", "<f4", [3]]])).toThrow(/subarray/);
    expect(parseV2Dtype([["a", "<q9"]])).toBeUndefined();
  });
});
