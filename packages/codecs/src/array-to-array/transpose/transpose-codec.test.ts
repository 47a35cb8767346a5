import { type ChunkSpec, coreDataType, isZarrkitError, ndarray } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { BytesCodec } from "../../array-to-bytes/bytes/bytes-codec.js";
import { TransposeCodec } from "./transpose-codec.js";

const int8 = coreDataType("int8")!;
const spec = (shape: number[]): ChunkSpec => ({
  shape,
  dataType: int8,
  fillValue: new Uint8Array(1),
});

describe("transpose codec", () => {
  it("stores the permuted array: order [1, 0] of a 2x3 array is its column-major layout", async () => {
    const s = spec([2, 3]);
    const codec = TransposeCodec.fromConfig({ order: [1, 0] }, s);
    expect(codec.encodedSpec(s).shape).toEqual([3, 2]);
    const bytes = await BytesCodec.fromConfig(undefined, codec.encodedSpec(s)).encode(
      codec.encode(ndarray(int8, [2, 3], Int8Array.of(0, 1, 2, 3, 4, 5))),
    );
    expect(Array.from(bytes)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("decodes to a view of the stored data (no copy) with the original shape", () => {
    const s = spec([2, 3, 4]);
    const codec = TransposeCodec.fromConfig({ order: [2, 0, 1] }, s);
    const stored = ndarray(
      int8,
      [4, 2, 3],
      Int8Array.from({ length: 24 }, (_, i) => i),
    );
    const decoded = codec.decode(stored);
    expect(decoded.shape).toEqual([2, 3, 4]);
    expect(decoded.data).toBe(stored.data);
    // decoded[i][j][k] is stored[k][i][j] = 6k + 3i + j.
    const at = (i: number, j: number, k: number) =>
      decoded.data[
        decoded.offset + i * decoded.stride[0]! + j * decoded.stride[1]! + k * decoded.stride[2]!
      ];
    expect(at(1, 2, 3)).toBe(6 * 3 + 3 * 1 + 2);
    expect(at(0, 1, 2)).toBe(6 * 2 + 1);
  });

  it.each([
    [{ order: [0, 0] }],
    [{ order: [0] }],
    [{ order: [0, 2] }],
    [{}],
    [{ order: "C" }],
    [{ order: [1, 0], x: 1 }],
  ])("rejects %j", (config) => {
    expect(() => TransposeCodec.fromConfig(config, spec([2, 2]))).toThrow(
      expect.objectContaining({
        code: "InvalidMetadata",
        message: expect.stringContaining("transpose"),
      }),
    );
    try {
      TransposeCodec.fromConfig(config, spec([2, 2]));
    } catch (err) {
      expect(isZarrkitError(err, "InvalidMetadata")).toBe(true);
    }
  });
});
