import { describe, expect, it } from "vitest";
import { KeyedLock } from "./keyed-lock.js";

describe("KeyedLock", () => {
  it("runs work on one key one at a time, in order, and other keys freely", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      lock.run("a", step("a1", 10)),
      lock.run("a", step("a2", 1)),
      lock.run("b", step("b1", 1)),
    ]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1-")).toBeLessThan(log.indexOf("a2+"));
    expect(log.indexOf("b1+")).toBeLessThan(log.indexOf("a1-"));
  });

  it("a failure does not block the next waiter", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("k", async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await lock.run("k", async () => 1)).toBe(1);
  });
});
