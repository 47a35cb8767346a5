import { describe, expect, it } from "vitest";
import { ByteBufferPool } from "./byte-buffer-pool.js";

describe("ByteBufferPool", () => {
  it("lends views of exactly the size asked and reuses memory given back", () => {
    const pool = new ByteBufferPool(2);
    const a = pool.lend(1000);
    expect(a.length).toBe(1000);
    expect(a.byteOffset).toBe(0);
    pool.giveBack(a);
    // A smaller or equal request fits the returned buffer; a bigger one needs a new buffer.
    const b = pool.lend(900);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(900);
    const c = pool.lend(a.buffer.byteLength + 1);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it("keeps at most maxFree buffers and ignores memory it did not lend", () => {
    const pool = new ByteBufferPool(1);
    const [x, y] = [pool.lend(10), pool.lend(10)];
    pool.giveBack(x);
    pool.giveBack(y);
    pool.giveBack(new Uint8Array(10));
    pool.giveBack(x);
    expect(pool.lend(10).buffer).toBe(x.buffer);
    expect([x.buffer, y.buffer]).not.toContain(pool.lend(10).buffer);
  });

  it("ignores a buffer that was transferred away", () => {
    const pool = new ByteBufferPool(4);
    const lent = pool.lend(64);
    const { buffer } = lent;
    if (!(buffer instanceof ArrayBuffer)) throw new Error("lent memory is an ArrayBuffer");
    structuredClone(buffer, { transfer: [buffer] });
    pool.giveBack(lent);
    expect(pool.lend(64).buffer.byteLength).toBeGreaterThan(0);
  });
});
