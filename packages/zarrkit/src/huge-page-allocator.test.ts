import { coreDataType } from "@zarrkit/core";
import { nativeMemory } from "@zarrkit/native";
import { describe, expect, it } from "vitest";
import { hugePageAllocator } from "./huge-page-allocator.js";
import { createArray, createDefaultContext, MemoryStore } from "./index.js";

describe("the huge page allocator", () => {
  it("advises results of 32 MiB or more, whole, and leaves them zero-filled", () => {
    const advised: number[] = [];
    const allocate = hugePageAllocator({
      adviseHugePages: (bytes) => {
        advised.push(bytes.byteLength);
        return true;
      },
    });
    const float32 = coreDataType("float32")!;
    const big = allocate(float32, 8 << 20);
    if (!(big instanceof Float32Array)) throw new Error("expected a Float32Array");
    expect(big.length).toBe(8 << 20);
    expect(advised).toEqual([32 << 20]);
    expect(big.every((v) => v === 0)).toBe(true);
    allocate(float32, 1000);
    expect(advised).toEqual([32 << 20]);
  });

  it("is what the default context reads large results into when asked, correctly", async () => {
    const context = createDefaultContext({ workers: false, hugePages: true });
    expect(context.allocator !== undefined).toBe(nativeMemory !== undefined);
    // Off unless asked (ZARRKIT_HUGE_PAGES=1 asks too).
    if (process.env.ZARRKIT_HUGE_PAGES !== "1")
      expect(createDefaultContext({ workers: false }).allocator).toBeUndefined();
    expect(createDefaultContext({ workers: false, hugePages: false }).allocator).toBeUndefined();
    const a = await createArray(new MemoryStore(), "", {
      shape: [4096, 2048],
      chunkShape: [1024, 2048],
      dataType: "float32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1 } },
      ],
      context,
    });
    const values = Float32Array.from({ length: 4096 * 2048 }, (_, i) => (i % 1000) / 8);
    await a.set(null, values);
    const got = await a.get(null);
    expect(got.data.length).toBe(values.length);
    expect(Buffer.compare(Buffer.from(got.data.buffer), Buffer.from(values.buffer))).toBe(0);
  });
});
