import { gunzipSync } from "node:zlib";
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

describe("transposed chunks through the addon's gathers and scatters", () => {
  it("stores each chunk's elements in the transposed order; reads them back in place", async () => {
    // 70x150 float32 in 64x96 chunks stored in F order (transpose [1, 0]), gzip: each chunk
    // is gathered element by element from the value (or from a chunk array, for the cut
    // chunks at the edges) and scattered back on reading.
    const [rows, columns, chunkRows, chunkColumns] = [70, 150, 64, 96];
    const input = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i) * 1000);
    const store = new MemoryStore();
    const array = await createArray(store, "", {
      shape: [rows, columns],
      chunkShape: [chunkRows, chunkColumns],
      dataType: "float32",
      fillValue: -1,
      codecs: [
        { name: "transpose", configuration: { order: [1, 0] } },
        { name: "bytes", configuration: { endian: "little" } },
        { name: "gzip", configuration: { level: 1 } },
      ],
      context,
    });
    await array.set(null, input);
    for (const [r, c] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      // node:zlib, not zarrkit, decodes the stored chunk; element i of it is the chunk's
      // (i % chunkRows, i / chunkRows), the fill value past the array's edge.
      const stored = new Float32Array(
        new Uint8Array(gunzipSync(store.map.get(`c/${r}/${c}`)!)).buffer,
      );
      const expected = Float32Array.from({ length: chunkRows * chunkColumns }, (_, i) => {
        const [y, x] = [
          r * chunkRows + (i % chunkRows),
          c * chunkColumns + Math.floor(i / chunkRows),
        ];
        return y < rows && x < columns ? input[y * columns + x]! : -1;
      });
      expect(stored, `chunk ${r}/${c}`).toEqual(expected);
    }
    expect((await array.get()).data).toEqual(input);
    const window = await array.get("5:69, 90:100");
    const want: number[] = [];
    for (let y = 5; y < 69; y++) for (let x = 90; x < 100; x++) want.push(input[y * columns + x]!);
    expect(Array.from(window.data)).toEqual(want);
  });
});
