import {
  CorruptChunkError,
  coreDataType,
  type DataType,
  type ElementArray,
  InvalidMetadataError,
  type JsonObject,
  lowPrecisionDataType,
  ndarray,
  typedArrayOf,
} from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import { PackBitsCodec } from "./packbits-codec.js";

const typeOf = (name: string): DataType => coreDataType(name) ?? lowPrecisionDataType(name)!;
const specOf = (name: string, shape: number[]) => {
  const dataType = typeOf(name);
  return { shape, dataType, fillValue: new Uint8Array(dataType.itemSize) };
};
const codec = (name: string, shape: number[], configuration?: JsonObject) =>
  PackBitsCodec.fromConfig(configuration, specOf(name, shape));
/** The elements of decoded data, as numbers. */
const numbers = (data: ElementArray) => Array.from(typedArrayOf(data), Number);
/** An array of the type holding `values` (as its typed array takes them). */
function arrayOf(name: string, values: readonly (number | bigint)[]) {
  const dataType = typeOf(name);
  const out = ndarray(dataType, [values.length / dataType.lanes]);
  const data = typedArrayOf(out.data);
  values.forEach((v, i) => {
    data[i] = typeof data[i] === "bigint" ? BigInt(v) : Number(v);
  });
  return out;
}

describe("packbits, by the README's algorithm", () => {
  it("packs int4 from the least significant bit, padding stated last", () => {
    // 1 = 0001, -1 = 1111, 7 = 0111: bits 0001 1111 | 0111 -> bytes 0xf1, 0x07; 4 padding bits.
    const c = codec("int4", [3], { padding_encoding: "last_byte" });
    const bytes = c.encode(arrayOf("int4", [1, -1, 7]), specOf("int4", [3]));
    expect(Array.from(bytes)).toEqual([0xf1, 0x07, 4]);
    expect(numbers(c.decode(bytes, specOf("int4", [3])).data)).toEqual([1, -1, 7]);
  });

  it("keeps first_bit..last_bit, sign-extending signed integers from last_bit", () => {
    // int16 bits 4..9 of -32 (0xffe0) are 111110: decoded, bits 4..9 and then sign-extended.
    const c = codec("int16", [2], { first_bit: 4, last_bit: 9 });
    const spec = specOf("int16", [2]);
    const bytes = c.encode(arrayOf("int16", [-32, 0x0150]), spec);
    // Element 0: 111110 (bits 0-5), element 1: bits 4..9 of 0x150 = 010101 (bits 6-11).
    expect(Array.from(bytes)).toEqual([0b01_111110, 0b0101]);
    expect(numbers(c.decode(bytes, spec).data)).toEqual([-32, 0x0150]);
    // uint16 is zero-extended: the same bits decode to 0x03e0.
    const u = codec("uint16", [2], { first_bit: 4, last_bit: 9 });
    expect(numbers(u.decode(bytes, specOf("uint16", [2])).data)).toEqual([0x03e0, 0x0150]);
  });

  it("packs complex numbers as two components", () => {
    const c = codec("complex64", [1], { first_bit: 16, last_bit: 31 });
    const spec = specOf("complex64", [1]);
    const value = arrayOf("complex64", [1.5, -2]);
    // The top halves of float32 1.5 (0x3fc00000) and -2 (0xc0000000), little-endian.
    const bytes = c.encode(value, spec);
    expect(Array.from(bytes)).toEqual([0xc0, 0x3f, 0x00, 0xc0]);
    expect(numbers(c.decode(bytes, spec).data)).toEqual([1.5, -2]);
  });

  it("names what is wrong with a configuration or a chunk", () => {
    expect(() => codec("int4", [2], { first_bit: 4 })).toThrow(
      /configuration.first_bit must be a bit index 0..3 of int4, got 4/,
    );
    expect(() => codec("int32", [2], { first_bit: 9, last_bit: 3 })).toThrow(
      /last_bit \(3\) is less than first_bit \(9\)/,
    );
    expect(() => codec("int8", [2], { padding_encoding: "middle" })).toThrow(InvalidMetadataError);
    expect(() => codec("int8", [2], { pad: 1 })).toThrow(/unknown configuration field\(s\) pad/);
    expect(() =>
      PackBitsCodec.fromConfig(undefined, { ...specOf("int8", [1]), dataType: typeOf("r16") }),
    ).toThrow(/cannot serialise the data type r16/);
    const c = codec("uint2", [5], { padding_encoding: "first_byte" });
    // 10 bits: 2 bytes and 6 padding bits, stated first.
    expect(() => c.decode(Uint8Array.of(5, 0, 0), specOf("uint2", [5]))).toThrow(
      /states 5 padding bits; shape \[5\] of uint2 needs 6/,
    );
    expect(() => c.decode(Uint8Array.of(6, 0), specOf("uint2", [5]))).toThrow(CorruptChunkError);
  });

  it("writes back the configuration it was given", () => {
    expect(codec("bool", [1]).toConfig()).toEqual({ name: "packbits" });
    expect(codec("int16", [1], { first_bit: null, last_bit: 11 }).toConfig()).toEqual({
      name: "packbits",
      configuration: { last_bit: 11 },
    });
  });
});

// numpy's packbits(bitorder="little") of each component's bits computes the expected bytes.
// numcodecs' PackBits (bool, padding stated first), which the README names as what
// first_byte is compatible with, packs the first element into the *most* significant bit
// (numpy's default bit order): the README's bit numbering (element i in bits i*k..) and
// zarrs read bit j of the sequence as bit j % 8 of byte j / 8, and so does zarrkit.
const peer = pythonWith("numcodecs", tensorstorePython());

describe.skipIf(peer === undefined)("packbits against numpy (and numcodecs' bit order)", () => {
  it("bool with first_byte padding is numcodecs' PackBits with each byte's bits reversed", () => {
    const reverse = (b: number) =>
      Number.parseInt(b.toString(2).padStart(8, "0").split("").reverse().join(""), 2);
    for (const n of [0, 1, 7, 8, 9, 30]) {
      const values = Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
      const want: { numcodecs: string; little: string } = JSON.parse(
        peer!(
          `import sys, json, numpy as np, numcodecs
v = np.array(json.load(sys.stdin), dtype=bool)
json.dump({"numcodecs": numcodecs.PackBits().encode(v).tobytes().hex(),
           "little": np.packbits(v, bitorder="little").tobytes().hex()}, sys.stdout)`,
          JSON.stringify(values),
        ),
      );
      const spec = specOf("bool", [n]);
      const c = codec("bool", [n], { padding_encoding: "first_byte" });
      const bytes = c.encode(arrayOf("bool", values), spec);
      const numcodecs = Buffer.from(want.numcodecs, "hex");
      expect(bytes[0], `${n} elements: padding`).toBe(numcodecs[0]);
      expect(Buffer.from(bytes.subarray(1)).toString("hex"), `${n} elements`).toBe(want.little);
      expect(Array.from(bytes.subarray(1)), `${n} elements`).toEqual(
        Array.from(numcodecs.subarray(1), reverse),
      );
      expect(numbers(c.decode(bytes, spec).data)).toEqual(values);
    }
  });

  const CASES: [string, number[], JsonObject | undefined][] = [
    ["int4", Array.from({ length: 13 }, (_, i) => (i % 16) - 8), undefined],
    ["uint2", Array.from({ length: 11 }, (_, i) => i % 4), undefined],
    ["float6_e3m2fn", Array.from({ length: 9 }, (_, i) => (i * 11) % 64), undefined],
    ["uint8", Array.from({ length: 10 }, (_, i) => (i * 37) % 256), { first_bit: 1, last_bit: 5 }],
    [
      "int32",
      Array.from({ length: 7 }, (_, i) => (i - 3) * 123457),
      { first_bit: 3, last_bit: 22 },
    ],
    ["uint64", Array.from({ length: 5 }, (_, i) => i * 1_000_003), { first_bit: 8, last_bit: 39 }],
    ["float32", [1.5, -2, 3.25, 1e-3], { first_bit: 16, last_bit: 31 }],
    ["int16", Array.from({ length: 6 }, (_, i) => (i - 3) * 1000), undefined],
  ];
  it.each(CASES)("%s %j", (name, values, configuration) => {
    const dataType = typeOf(name);
    const n = dataType.valueBits ?? dataType.laneSize * 8;
    const first = Number(configuration?.first_bit ?? 0);
    const last = Number(configuration?.last_bit ?? n - 1);
    const expected: { bytes: string; decoded: number[] } = JSON.parse(
      peer!(
        `import sys, json, numpy as np
name, values, n, first, last, lane = json.load(sys.stdin)
raw = np.array(values, dtype=np.float32).view(np.uint8) if name == "float32" else None
# Each component as an n-bit unsigned pattern.
if name == "float32":
    comps = [int.from_bytes(bytes(raw[i*4:(i+1)*4]), "little") for i in range(len(values))]
else:
    comps = [int(v) % (1 << n) for v in values]
b = last - first + 1
bits = np.array([[(c >> (first + j)) & 1 for j in range(b)] for c in comps], dtype=np.uint8).ravel()
packed = np.packbits(bits, bitorder="little").tobytes()
decoded = []
for c in comps:
    v = ((c >> first) & ((1 << b) - 1)) << first
    if name.startswith("int") and (v >> last) & 1: v -= 1 << (last + 1)
    decoded.append(v)
if name == "float32":
    decoded = np.array(decoded, dtype=np.uint32).view(np.float32).astype(float).tolist()
elif name.startswith("u") or name == "float6_e3m2fn":
    decoded = [int(v) for v in decoded]
json.dump({"bytes": packed.hex(), "decoded": decoded}, sys.stdout)`,
        JSON.stringify([name, values, n, first, last, dataType.laneSize]),
      ),
    );
    const spec = specOf(name, [values.length]);
    const c = codec(name, [values.length], configuration);
    const bytes = c.encode(arrayOf(name, values), spec);
    expect(Buffer.from(bytes).toString("hex")).toBe(expected.bytes);
    const decoded = numbers(c.decode(Buffer.from(expected.bytes, "hex"), spec).data);
    expect(decoded).toEqual(expected.decoded);
  });
});
