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
});
