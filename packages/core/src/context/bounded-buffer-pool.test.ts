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

  it("tryTake lends at once within the limit, and never ahead of a take that waits", async () => {
    const pool = new BoundedBufferPool(8, 1);
    const a = pool.tryTake();
    expect(a?.length).toBe(8);
    expect(pool.tryTake()).toBeUndefined();
    const waiting = pool.take();
    pool.giveBack(a!);
    // Given back to the waiting take, not to a caller that asks at once.
    expect(pool.tryTake()).toBeUndefined();
    expect(await waiting).toBe(a);
    pool.giveBack(a!);
    expect(pool.tryTake()).toBe(a);
    expect(pool.lent).toBe(1);
  });
});
