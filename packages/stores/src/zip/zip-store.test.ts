import {
  isZarrkitError,
  MemoryStore,
  type ReadableStore,
  type StoreGetOptions,
} from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";
import { ZipStore } from "./zip-store.js";
import { ZipWriter } from "./zip-writer.js";

const text = (s: string) => new TextEncoder().encode(s);

/** A store holding one archive that counts the reads made of it. */
function archiveStore(archive: Uint8Array) {
  const inner = new MemoryStore();
  const reads: string[] = [];
  const store: ReadableStore = {
    get: (key: string, options?: StoreGetOptions) => {
      reads.push(JSON.stringify(options?.range ?? "whole"));
      return inner.get(key, options);
    },
  };
  return { store, reads, ready: inner.set("a.zip", archive) };
}

describe("zip archives", () => {
  it("crc32 matches the standard check value", () => {
    expect(crc32(text("123456789"))).toBe(0xcbf43926);
  });

  it("reads what ZipWriter wrote, by range reads only", async () => {
    const writer = new ZipWriter();
    await writer.set("g/zarr.json", text("{}"));
    await writer.set("g/a/c/0", text("0123456789"));
    await writer.set("top", new Uint8Array(70_000).fill(7));
    const { store, reads, ready } = archiveStore(writer.toZip());
    await ready;
    const zip = new ZipStore(store, "a.zip");
    expect(await zip.get("g/a/c/0")).toEqual(text("0123456789"));
    // Tail, central directory, local header, data.
    expect(reads.length).toBe(4);
    expect(reads.every((r) => r !== '"whole"')).toBe(true);
    expect(await zip.get("g/a/c/0", { range: { offset: 3, length: 2 } })).toEqual(text("34"));
    expect(await zip.get("g/a/c/0", { range: { suffix: 3 } })).toEqual(text("789"));
    expect(reads.length).toBe(6);
    expect((await zip.get("top"))!.length).toBe(70_000);
    expect(await zip.get("nothing")).toBeUndefined();
    expect(await zip.listDir("")).toEqual({ keys: ["top"], prefixes: ["g/"] });
    const rooted = new ZipStore(store, "a.zip", { prefix: "g" });
    expect(await rooted.get("zarr.json")).toEqual(text("{}"));
    const listed: string[] = [];
    for await (const k of rooted.list("")) listed.push(k);
    expect(listed).toEqual(["a/c/0", "zarr.json"]);
    await expect(zip.get("g/a/c/0", { range: { offset: 9, length: 5 } })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "StoreError"),
    );
  });

  it("treats a missing archive as empty and a corrupt one as an error", async () => {
    const { store, ready } = archiveStore(text("not a zip at all"));
    await ready;
    expect(await new ZipStore(store, "missing.zip").get("x")).toBeUndefined();
    await expect(new ZipStore(store, "a.zip").get("x")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "CorruptChunk"),
    );
  });
});
