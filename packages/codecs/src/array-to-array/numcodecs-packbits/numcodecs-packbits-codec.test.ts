import { coreDataType, isZarrkitError, type NDArray, ndarray } from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import { NumcodecsPackBitsCodec } from "./numcodecs-packbits-codec.js";

// numcodecs' PackBits is the reference: the same bytes both ways, every padding length.
const numcodecs = pythonWith("numcodecs", tensorstorePython());
const bool = coreDataType("bool")!;
const LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 1001];
const flags = (n: number) =>
  Uint8Array.from({ length: n }, (_, i) => (((i * 7919) % 13) % 3 === 0 ? 1 : 0));
const bytesOf = (a: NDArray): number[] => {
  if (!(a.data instanceof Uint8Array)) throw new Error("expected bytes");
  return Array.from(a.data);
};
const spec = (n: number) => ({ shape: [n], dataType: bool, fillValue: new Uint8Array(1) });

describe.skipIf(numcodecs === undefined)("numcodecs.packbits against numcodecs' PackBits", () => {
  it("encodes to numcodecs' bytes and decodes them, for every padding", () => {
    const codec = NumcodecsPackBitsCodec.fromConfig(undefined, spec(1));
    const ours = LENGTHS.map((n) => bytesOf(codec.encode(ndarray(bool, [n], flags(n)))));
    const theirs: number[][] = JSON.parse(
      numcodecs!(
        `import json, sys, numpy as np, numcodecs
out = []
for n in json.load(sys.stdin):
    a = np.array([((i * 7919) % 13) % 3 == 0 for i in range(n)], dtype=bool)
    out.append(np.frombuffer(numcodecs.PackBits().encode(a), dtype="u1").tolist())
print(json.dumps(out))`,
        JSON.stringify(LENGTHS),
      ),
    );
    expect(ours).toEqual(theirs);
    for (const [i, n] of LENGTHS.entries()) {
      const decoded = codec.decode(
        ndarray(coreDataType("uint8")!, [theirs[i]!.length], Uint8Array.from(theirs[i]!)),
        spec(n),
      );
      expect(bytesOf(decoded)).toEqual(Array.from(flags(n)));
    }
  });
});

describe("numcodecs.packbits", () => {
  it("packs bool only and refuses bytes that do not hold the chunk", () => {
    expect(() =>
      NumcodecsPackBitsCodec.fromConfig(undefined, {
        ...spec(1),
        dataType: coreDataType("uint8")!,
      }),
    ).toThrow(/packs bool arrays; this one holds uint8/);
    const codec = NumcodecsPackBitsCodec.fromConfig(undefined, spec(9));
    const wrong = ndarray(coreDataType("uint8")!, [3], Uint8Array.of(6, 0xff, 0x80));
    expect(() => codec.decode(wrong, spec(9))).toThrow(
      expect.toSatisfy((e: unknown) => isZarrkitError(e, "CorruptChunk")),
    );
  });
});
