import { describe, expect, it } from "vitest";
import { KeyedLock } from "./keyed-lock.js";

/** Work that logs its start and end (name+, name-) and takes `ms`. */
const stepper = (log: string[]) => (name: string, ms: number) => async () => {
  log.push(`${name}+`);
  await new Promise((r) => setTimeout(r, ms));
  log.push(`${name}-`);
  return name;
};

describe("KeyedLock", () => {
  it("runs work on one key one at a time, in order, and other keys freely", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = stepper(log);
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

  it("shared runs overlap each other but never a run: each waits for what was queued before", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = stepper(log);
    const results = await Promise.all([
      lock.runShared("k", step("r1", 10)),
      lock.runShared("k", step("r2", 2)),
      lock.run("k", step("w1", 5)),
      lock.runShared("k", step("r3", 5)),
      lock.runShared("k", step("r4", 1)),
      lock.run("k", step("w2", 1)),
    ]);
    expect(results).toEqual(["r1", "r2", "w1", "r3", "r4", "w2"]);
    // r1 and r2 together, then w1 alone (after the slower r1), r3 and r4 together, then w2.
    expect(log).toEqual([
      "r1+",
      "r2+",
      "r2-",
      "r1-",
      "w1+",
      "w1-",
      "r3+",
      "r4+",
      "r4-",
      "r3-",
      "w2+",
      "w2-",
    ]);
  });

  it("a failed shared run does not block the run after it", async () => {
    const lock = new KeyedLock();
    const failing = lock.runShared("k", async () => Promise.reject(new Error("x")));
    const next = lock.run("k", async () => 2);
    await expect(failing).rejects.toThrow("x");
    expect(await next).toBe(2);
  });

  it("a failure does not block the next waiter", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("k", async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await lock.run("k", async () => 1)).toBe(1);
  });
});
