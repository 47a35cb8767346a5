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

  it("runAll holds every key at once; callers with overlapping keys in any order both finish", async () => {
    const lock = new KeyedLock();
    const held = new Set<string>();
    const log: string[] = [];
    const holding = (name: string, keys: string[]) => async () => {
      for (const key of keys) {
        expect(held.has(key)).toBe(false);
        held.add(key);
      }
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 5));
      for (const key of keys) held.delete(key);
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      lock.runAll(["a", "b", "c"], holding("abc", ["a", "b", "c"])),
      lock.runAll(["c", "b", "a"], holding("cba", ["c", "b", "a"])),
      lock.run("b", holding("b", ["b"])),
      lock.runAll(["d", "d"], holding("d", ["d"])),
    ]);
    expect(results).toEqual(["abc", "cba", "b", "d"]);
    // "d" shares no key with the others: it ran beside the first.
    expect(log.indexOf("d+")).toBeLessThan(log.indexOf("abc-"));
    expect(log.indexOf("abc-")).toBeLessThan(log.indexOf("cba+"));
  });

  it("a failure does not block the next waiter", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("k", async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await lock.run("k", async () => 1)).toBe(1);
  });
});
