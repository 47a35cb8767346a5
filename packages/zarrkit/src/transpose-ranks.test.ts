import { describe, expect, it } from "vitest";
import { createArray, createDefaultContext, MemoryStore } from "./index.js";

// Every codec sample over every data type and key encoding is @zarrkit/conformance's matrix
// (packages/conformance); this adds transposes of every rank up to 4.
const context = createDefaultContext();

describe("transpose", () => {
  it("transposes of rank 1 to 4 round-trip with ragged chunks", async () => {
    for (const [shape, chunks, order] of [
      [[5], [2], [0]],
      [
        [3, 5],
        [2, 2],
        [1, 0],
      ],
      [
        [3, 4, 5],
        [2, 3, 2],
        [2, 0, 1],
      ],
      [
        [3, 2, 5, 4],
        [2, 1, 3, 3],
        [3, 1, 0, 2],
      ],
    ] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const input = Int16Array.from({ length: n }, (_, i) => i * 13 - 500);
      const array = await createArray(new MemoryStore(), "t", {
        shape: [...shape],
        chunkShape: [...chunks],
        dataType: "int16",
        codecs: [
          { name: "transpose", configuration: { order: [...order] } },
          { name: "bytes", configuration: { endian: "big" } },
        ],
        context,
      });
      await array.set(null, input);
      expect((await array.get()).data, `rank ${shape.length}`).toEqual(input);
    }
  });
});
