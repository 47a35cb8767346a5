import { describe, expect, it } from "vitest";
import { BoundedBufferPool } from "./bounded-buffer-pool.js";

describe("BoundedBufferPool", () => {
  it("lends at most `limit` buffers; a take beyond waits for one given back", async () => {
    const pool = new BoundedBufferPool(16, 2);
    const a = await pool.take();
    const b = await pool.take();
    expect([a.length, b.length, pool.lent]).toEqual([16, 16, 2]);
    let third: Uint8Array | undefined;
    const waiting = pool.take().then((buffer) => {
      third = buffer;
    });
    await Promise.resolve();
    expect(third).toBeUndefined();
    pool.giveBack(a);
    await waiting;
    expect(third).toBe(a);
    expect(pool.lent).toBe(2);
    // Nothing is let go while lent; once all are back, clear drops them.
    pool.clear();
    pool.giveBack(b);
    pool.giveBack(a);
    expect(pool.lent).toBe(0);
    expect(await pool.take()).toBe(a);
    pool.giveBack(a);
    pool.clear();
    const fresh = await pool.take();
    expect(fresh).not.toBe(a);
    expect(fresh).not.toBe(b);
    expect(() => new BoundedBufferPool(8, 0)).toThrow(RangeError);
  });
});
