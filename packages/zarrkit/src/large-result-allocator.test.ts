import { coreDataType } from "@zarrkit/core";
import { nativeMemory } from "@zarrkit/native";
import { describe, expect, it } from "vitest";
import { createArray, createDefaultContext, MemoryStore } from "./index.js";
import { largeResultAllocator } from "./large-result-allocator.js";

/** A stand-in for @zarrkit/native's memory functions that records what it was asked. */
function recording() {
  const advised: number[] = [];
  const populated: [number, number][] = [];
  const memory = {
    adviseHugePages: (bytes: Uint8Array) => {
      advised.push(bytes.byteLength);
      return true;
    },
    populate: async (bytes: Uint8Array) => {
      populated.push([bytes.byteOffset, bytes.byteLength]);
      return true;
    },
  };
  return { memory, advised, populated };
}

describe("the large result allocator", () => {
  const float32 = coreDataType("float32")!;

  it("populates results of 32 MiB or more, whole, in two page-aligned halves", () => {
    const { memory, advised, populated } = recording();
    const allocate = largeResultAllocator(memory, { hugePages: false, populate: true });
    const big = allocate(float32, (8 << 20) + 3);
    if (!(big instanceof Float32Array)) throw new Error("expected a Float32Array");
    expect(big.length).toBe((8 << 20) + 3);
    const total = big.byteLength;
    expect(advised).toEqual([]);
    expect(populated).toHaveLength(2);
    const [[start0, length0], [start1, length1]] = populated as [
      [number, number],
      [number, number],
    ];
    expect(start0).toBe(0);
    expect(length0 % 4096).toBe(0);
    expect(start1).toBe(length0);
    expect(start1 + length1).toBe(total);
    expect(big.every((v) => v === 0)).toBe(true);
    allocate(float32, 1000);
    expect(populated).toHaveLength(2);
  });

  it("advises huge pages only when asked", () => {
    const { memory, advised, populated } = recording();
    const allocate = largeResultAllocator(memory, { hugePages: true, populate: false });
    allocate(float32, 8 << 20);
    expect(advised).toEqual([32 << 20]);
    expect(populated).toEqual([]);
    allocate(float32, 1000);
    expect(advised).toEqual([32 << 20]);
  });

  it("is what the default context reads large results into, correctly", async () => {
    const context = createDefaultContext({ workers: false });
    // On by default where the addon is built (ZARRKIT_POPULATE=0 turns it off).
    if (process.env.ZARRKIT_POPULATE !== "0")
      expect(context.allocator !== undefined).toBe(nativeMemory !== undefined);
    const off = createDefaultContext({ workers: false, hugePages: false, populate: false });
    expect(off.allocator).toBeUndefined();
    for (const options of [{}, { hugePages: true }]) {
      const a = await createArray(new MemoryStore(), "", {
        shape: [4096, 2048],
        chunkShape: [1024, 2048],
        dataType: "float32",
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "zstd", configuration: { level: 1 } },
        ],
        context: createDefaultContext({ workers: false, ...options }),
      });
      const values = Float32Array.from({ length: 4096 * 2048 }, (_, i) => (i % 1000) / 8);
      await a.set(null, values);
      const got = await a.get(null);
      expect(got.data.length).toBe(values.length);
      expect(Buffer.compare(Buffer.from(got.data.buffer), Buffer.from(values.buffer))).toBe(0);
    }
  });
});
