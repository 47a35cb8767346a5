import {
  type ChunkSpec,
  coreDataType,
  isZarrkitError,
  type NDArray,
  ndarray,
  typedArrayOf,
} from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { nativeForTests } from "../../test-support/native-for-tests.js";
import { BytesCodec } from "./bytes-codec.js";
import { nativeStoredRuns } from "./stored-runs-reader.js";

const native = nativeForTests();

const spec = (name: string, shape: number[]): ChunkSpec => {
  const dataType = coreDataType(name)!;
  return { shape, dataType, fillValue: new Uint8Array(dataType.itemSize) };
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("bytes codec", () => {
  it.each([
    ["JavaScript", undefined],
    ["the addon", native === undefined ? undefined : nativeStoredRuns(native)],
  ])("writes C-order elements in the configured byte order (swapped by %s)", async (_, reader) => {
    const codec = (endian: string, of: ChunkSpec) => BytesCodec.fromConfig({ endian }, of, reader);
    const s = spec("int32", [2]);
    const chunk = ndarray(s.dataType, s.shape, Int32Array.of(1, 258));
    expect(hex(await codec("little", s).encode(chunk))).toBe("0100000002010000");
    expect(hex(await codec("big", s).encode(chunk))).toBe("0000000100000102");
    // The caller's values stay as they were.
    expect(chunk.data).toEqual(Int32Array.of(1, 258));
    // Complex numbers swap each component separately; 8-byte lanes, from a strided view.
    const c = spec("complex64", [1]);
    const complex = ndarray(c.dataType, [1], Float32Array.of(1, -2));
    expect(hex(await codec("big", c).encode(complex))).toBe("3f800000c0000000");
    const f = spec("float64", [2]);
    const every = { ...ndarray(f.dataType, [2], Float64Array.of(1, 9, -2)), stride: [2] };
    expect(hex(await codec("big", f).encode(every))).toBe("3ff0000000000000c000000000000000");
  });

  it("decodes big-endian data and does not disturb the caller's buffer beyond its window", () => {
    const s = spec("uint16", [3]);
    const backing = Uint8Array.of(0xee, 0x00, 0x01, 0x01, 0x00, 0xff, 0xff, 0xee);
    const decoded = BytesCodec.fromConfig({ endian: "big" }, s).decode(backing.subarray(1, 7), s);
    expect(Array.from<number | bigint>(typedArrayOf(decoded.data))).toEqual([1, 256, 65535]);
    expect(backing[0]).toBe(0xee);
    expect(backing[7]).toBe(0xee);
  });

  it("copies a misaligned little-endian view instead of failing", () => {
    const s = spec("float64", [1]);
    const backing = new Uint8Array(9);
    new DataView(backing.buffer).setFloat64(1, 2.5, true);
    expect(
      Array.from<number | bigint>(
        typedArrayOf(
          BytesCodec.fromConfig({ endian: "little" }, s).decode(backing.subarray(1), s).data,
        ),
      ),
    ).toEqual([2.5]);
  });

  it("makes strided input contiguous", async () => {
    const s = spec("uint8", [2, 2]);
    const transposed: NDArray = {
      ...ndarray(s.dataType, [2, 2], Uint8Array.of(1, 2, 3, 4)),
      stride: [1, 2],
    };
    expect(
      Array.from<number | bigint>(await BytesCodec.fromConfig(undefined, s).encode(transposed)),
    ).toEqual([1, 3, 2, 4]);
  });

  it("refuses chunks of the wrong size as CorruptChunk", () => {
    const s = spec("int16", [4]);
    expect(() =>
      BytesCodec.fromConfig({ endian: "little" }, s).decode(new Uint8Array(7), s),
    ).toThrow(expect.objectContaining({ code: "CorruptChunk" }));
  });

  it("validates its configuration, naming the codec and field", () => {
    const check = (
      config: Parameters<typeof BytesCodec.fromConfig>[0],
      name: string,
      pattern: RegExp,
    ) => {
      let error: unknown;
      try {
        BytesCodec.fromConfig(config, spec(name, [1]));
      } catch (err) {
        error = err;
      }
      expect(isZarrkitError(error, "InvalidMetadata")).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    };
    check({ endian: "middle" }, "int32", /bytes.*endian/);
    check(undefined, "int32", /bytes.*endian.*required/);
    check({ endian: "little", extra: 1 }, "int8", /bytes.*extra/);
    expect(BytesCodec.fromConfig(undefined, spec("uint8", [1])).toConfig()).toEqual({
      name: "bytes",
    });
  });
});
