import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isZarrkitError, MemoryStore, type StoreGetOptions } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { FileSystemStore } from "../filesystem/filesystem-store.js";
import { FetchStore } from "../http/node-fetch-store.js";
import { startHttpServer } from "../testing/http-server.js";
import { CachingStore } from "./caching-store.js";
import { CoalescingStore } from "./coalescing-store.js";

const data = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);

function counted() {
  const inner = new MemoryStore();
  const calls: string[] = [];
  const store = {
    get: (key: string, options?: StoreGetOptions) => {
      calls.push(`${key} ${JSON.stringify(options?.range ?? null)}`);
      return inner.get(key, options);
    },
    set: (key: string, value: Uint8Array) => inner.set(key, value),
    delete: (key: string) => inner.delete(key),
  };
  return { store, calls, inner };
}

describe("CoalescingStore", () => {
  it("merges nearby concurrent ranges into one request and slices each answer", async () => {
    const { store, calls, inner } = counted();
    await inner.set("shard", data);
    const coalescing = new CoalescingStore(store, { maxGap: 100 });
    const ranges = [
      { offset: 1000, length: 10 },
      { offset: 1050, length: 20 },
      { offset: 1010, length: 5 },
      { offset: 50_000, length: 4 },
    ];
    const got = await Promise.all(ranges.map((range) => coalescing.get("shard", { range })));
    for (const [i, bytes] of got.entries()) {
      const { offset, length } = ranges[i]!;
      expect(bytes).toEqual(data.subarray(offset, offset + length));
    }

    expect(calls).toEqual([
      'shard {"offset":1000,"length":70}',
      'shard {"offset":50000,"length":4}',
    ]);
    expect(await coalescing.get("missing", { range: { offset: 0, length: 1 } })).toBeUndefined();
    expect(await coalescing.get("shard", { range: { suffix: 2 } })).toEqual(data.subarray(-2));
  });
});

describe("CachingStore", () => {
  it("answers repeated reads from memory, forgets on write, and stays bounded", async () => {
    const { store, calls, inner } = counted();
    await inner.set("a", data.subarray(0, 100));
    const cache = new CachingStore(store, { maxBytes: 250 });
    expect(await cache.get("a")).toEqual(data.subarray(0, 100));
    expect(await cache.get("a")).toEqual(data.subarray(0, 100));
    expect(await cache.get("nope")).toBeUndefined();
    expect(await cache.get("nope")).toBeUndefined();
    expect(calls.length).toBe(2);
    const copy = (await cache.get("a"))!;
    copy[0] = 99;
    expect((await cache.get("a"))![0]).toBe(0);
    await cache.set("a", Uint8Array.of(5));
    expect(await cache.get("a")).toEqual(Uint8Array.of(5));
    expect(calls.length).toBe(3);
    await inner.set("b", data.subarray(0, 200));
    await inner.set("c", data.subarray(0, 200));
    await cache.get("b");
    await cache.get("c");
    await cache.get("b");
    // b was evicted by c (250 bytes hold one of them).
    expect(calls.filter((c) => c.startsWith("b")).length).toBe(2);
  });
});

describe("CachingStore under concurrent writes", () => {
  it("keeps no value that a read fetched while the key was being written", async () => {
    // The wrapped store answers reads 5 ms after taking the value, and writes after 5 ms.
    const inner = new MemoryStore();
    const later = () => new Promise((r) => setTimeout(r, 5));
    const store = {
      get: async (key: string, options?: StoreGetOptions) => {
        const value = await inner.get(key, options);
        await later();
        return value;
      },
      set: async (key: string, value: Uint8Array) => {
        await later();
        await inner.set(key, value);
      },
      delete: (key: string) => inner.delete(key),
    };
    const cache = new CachingStore(store, { maxBytes: 1 << 20 });
    await inner.set("k", Uint8Array.of(1));
    // A read under way (it has taken the old value) when the key is written.
    const before = cache.get("k");
    await cache.set("k", Uint8Array.of(2));
    expect(await before).toEqual(Uint8Array.of(1));
    expect(await cache.get("k")).toEqual(Uint8Array.of(2));
    // A read that starts while a write is under way (it takes the old value, then the write lands).
    const writing = cache.set("k", Uint8Array.of(3));
    const during = cache.get("k");
    await writing;
    await during;
    expect(await cache.get("k")).toEqual(Uint8Array.of(3));
    // And a delete.
    const reading = cache.get("k");
    await cache.delete("k");
    await reading;
    expect(await cache.get("k")).toBeUndefined();
  });
});

describe("versioned reads through the wrappers (a real HTTP server's ETags)", () => {
  it("CachingStore answers a read of one version only with that version's bytes; CoalescingStore merges reads of one version", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-wrappers-"));
    const server = await startHttpServer(root);
    try {
      const files = new FileSystemStore(root);
      await files.set("k", data);
      const http = new FetchStore(server.url, { versionedReads: true });
      const caching = new CachingStore(http, { maxBytes: 1 << 20 });
      const versions: string[] = [];
      const onVersion = (v: string) => versions.push(v);
      const range = { offset: 10, length: 5 };
      await caching.get("k", { range, onVersion });
      await caching.get("k", { range, onVersion });
      // The second answer came from memory, with the version it was read as.
      expect(server.requests.length).toBe(1);
      expect(versions).toHaveLength(2);
      expect(versions[1]).toBe(versions[0]);
      await files.set(
        "k",
        data.map((b) => 255 - b),
      );
      const pinned = await caching.get("k", { range, ifVersion: versions[0]! });
      expect(pinned).toEqual(data.subarray(10, 15));
      // Asked for another version than it holds: the wrapped store answers (and refuses).
      const stale = await caching.get("k", { range, ifVersion: '"another"' }).catch((e) => e);
      expect(isZarrkitError(stale, "ValueChanged")).toBe(true);

      const coalescing = new CoalescingStore(http, { maxGap: 100 });
      const seen: string[] = [];
      const [a, b, c] = await Promise.all([
        coalescing.get("k", { range: { offset: 0, length: 2 }, onVersion: (v) => seen.push(v) }),
        coalescing.get("k", { range: { offset: 4, length: 2 }, onVersion: (v) => seen.push(v) }),
        coalescing
          .get("k", { range: { offset: 8, length: 2 }, ifVersion: versions[0]! })
          .catch((e: unknown) => e),
      ]);
      expect([a, b]).toEqual([
        data.subarray(0, 2).map((x) => 255 - x),
        data.subarray(4, 6).map((x) => 255 - x),
      ]);
      expect(seen).toHaveLength(2);
      expect(seen[0]).not.toBe(versions[0]);
      // The read of the old version went on its own, and was refused.
      expect(isZarrkitError(c, "ValueChanged")).toBe(true);
      expect(coalescing.requests).toBe(2);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
