import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache.js";

describe("LruCache", () => {
  it("evicts least recently used entries to stay within its size bound", () => {
    const cache = new LruCache<string, Uint8Array>(10, (v) => v.byteLength);
    cache.set("a", new Uint8Array(4));
    cache.set("b", new Uint8Array(4));
    expect(cache.get("a")).toBeDefined(); // a is now the most recent
    cache.set("c", new Uint8Array(4)); // 12 > 10: b goes
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    expect(cache.size).toBe(8);
    cache.set("huge", new Uint8Array(11)); // larger than the bound: not kept, evicts nothing
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.count).toBe(2);
    cache.set("a", new Uint8Array(1)); // replacing adjusts the size
    expect(cache.size).toBe(5);
    cache.delete("c");
    expect(cache.size).toBe(1);
  });

  it("holds nothing with size 0", () => {
    const cache = new LruCache<string, Uint8Array>(0, (v) => v.byteLength);
    cache.set("a", new Uint8Array(1));
    expect(cache.count).toBe(0);
  });

  it("getOrLoad: one load for concurrent callers, kept unless the key was deleted meanwhile", async () => {
    const cache = new LruCache<string, Uint8Array>(100, (v) => v.byteLength);
    let loads = 0;
    let finish: (value: Uint8Array) => void = () => undefined;
    const load = () => {
      loads++;
      return new Promise<Uint8Array>((resolve) => {
        finish = resolve;
      });
    };
    const first = cache.getOrLoad("a", load);
    const second = cache.getOrLoad("a", load);
    finish(Uint8Array.of(1, 2));
    expect(await first).toEqual(Uint8Array.of(1, 2));
    expect(await second).toBe(await first);
    expect(loads).toBe(1);
    expect(cache.get("a")).toEqual(Uint8Array.of(1, 2));
    // Held: no load at all.
    expect(await cache.getOrLoad("a", load)).toEqual(Uint8Array.of(1, 2));
    expect(loads).toBe(1);
    // A delete while "b" loads (a write to it): the stale result is returned, not kept, and the
    // next call loads afresh.
    const stale = cache.getOrLoad("b", load);
    cache.delete("b");
    finish(Uint8Array.of(9));
    expect(await stale).toEqual(Uint8Array.of(9));
    expect(cache.get("b")).toBeUndefined();
    const fresh = cache.getOrLoad("b", load);
    finish(Uint8Array.of(7));
    expect(await fresh).toEqual(Uint8Array.of(7));
    expect(loads).toBe(3);
    // A failed load is not kept: the next call tries again; undefined is not kept either.
    await expect(cache.getOrLoad("c", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await cache.getOrLoad("c", async () => undefined)).toBeUndefined();
    expect(await cache.getOrLoad("c", async () => Uint8Array.of(3))).toEqual(Uint8Array.of(3));
  });
});
