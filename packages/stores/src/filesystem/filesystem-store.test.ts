import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isZarrkitError, MemoryStore } from "@zarrkit/core";
import { nativeFileIO, nativeLoadFailure } from "@zarrkit/native";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeStoreContract } from "../testing/store-contract.js";
import { FileSystemStore } from "./filesystem-store.js";
import { fileSystemStoreExtension } from "./filesystem-store-extension.js";

describeStoreContract("MemoryStore", async () => ({
  store: new MemoryStore(),
  teardown: async () => undefined,
}));
describeStoreContract(
  "FileSystemStore",
  async () => {
    const instance = await fileSystemStoreExtension.testInstance!();
    if (!(instance.store instanceof FileSystemStore)) throw new Error("expected a FileSystemStore");
    return { store: instance.store, teardown: instance.teardown };
  },
  { scatterGather: true },
);
describeStoreContract(
  "FileSystemStore on node:fs",
  async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-fs-contract-"));
    return {
      store: new FileSystemStore(root, { native: false }),
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
  { scatterGather: true },
);

// The native file I/O is @zarrkit/native's (an optional dependency, built where a compiler is).
if (nativeFileIO === undefined) {
  const reason = `@zarrkit/native did not load (${nativeLoadFailure})`;
  if (process.env.ZARRKIT_REQUIRE_PEERS === "1")
    throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
  console.warn(`\n*** FileSystemStore tests run on node:fs only: ${reason} ***\n`);
}

describe.each([
  ["native file I/O", true],
  ["node:fs", false],
])("FileSystemStore specifics (%s)", (_name, native) => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "zarrkit-fs-test-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("maps keys to files below the root", async () => {
    const store = new FileSystemStore(pathToFileURL(root), { native });
    await store.set("a/c/0/1", Uint8Array.of(7));
    expect(await readFile(join(root, "a", "c", "0", "1"))).toEqual(Buffer.of(7));
  });

  it("reads the tail of a large file by range", async () => {
    const big = new Uint8Array(8 << 20);
    big[big.length - 1] = 5;
    await writeFile(join(root, "big"), big);
    const store = new FileSystemStore(root, { native });
    expect(await store.get("big", { range: { suffix: 2 } })).toEqual(Uint8Array.of(0, 5));
    expect(await store.get("big", { range: { offset: (8 << 20) - 1, length: 1 } })).toEqual(
      Uint8Array.of(5),
    );
  });

  it("replaces values atomically and leaves no temporary files", async () => {
    const store = new FileSystemStore(root, { native });
    await store.set("k", Uint8Array.of(1));
    const values = Array.from({ length: 20 }, (_, i) => new Uint8Array(10000).fill(i));
    await Promise.all(values.map((v) => store.set("k", v)));
    const final = (await store.get("k"))!;
    expect(final.length).toBe(10000);
    expect(final.every((b) => b === final[0])).toBe(true);
    expect(await readdir(root)).toEqual(["k"]);
  });

  it("keeps the old value when a write fails", async () => {
    const store = new FileSystemStore(root, { native });
    await store.set("a/b", Uint8Array.of(1));
    // "a/b" is a file, so "a/b/c" cannot be created under it.
    await expect(store.set("a/b/c", Uint8Array.of(2))).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "StoreError") && e.key === "a/b/c",
    );
    expect(await store.get("a/b")).toEqual(Uint8Array.of(1));
    expect(await readdir(join(root, "a"))).toEqual(["b"]);
  });

  it("setMany: names the key that failed, keeps what was there, leaves no temporary file", async () => {
    const store = new FileSystemStore(root, { native });
    await store.set("a/b", Uint8Array.of(1));
    await store.set("a/d", Uint8Array.of(4));
    const failure = await store
      .setMany([
        ["a/c", Uint8Array.of(3)],
        ["a/b/c", Uint8Array.of(2)],
        ["a/d", Uint8Array.of(5)],
      ])
      .catch((e: unknown) => e);
    expect(failure).toSatisfy((e: unknown) => isZarrkitError(e, "StoreError") && e.key === "a/b/c");
    // Those before the failure are stored, the one that failed and those after it untouched.
    expect(await store.get("a/c")).toEqual(Uint8Array.of(3));
    expect(await store.get("a/b")).toEqual(Uint8Array.of(1));
    expect(await store.get("a/d")).toEqual(Uint8Array.of(4));
    expect((await readdir(join(root, "a"))).sort()).toEqual(["b", "c", "d"]);
    const readOnly = new FileSystemStore(root, { readOnly: true, native });
    await expect(readOnly.setMany([["a/c", Uint8Array.of(9)]])).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "StoreError") && e.key === "a/c",
    );
    expect(await store.get("a/c")).toEqual(Uint8Array.of(3));
  });

  it("deletePrefix removes the directories its deleted keys left, and keeps files that are not keys", async () => {
    const store = new FileSystemStore(root, { native });
    for (const key of ["a/b/c/0", "a/b/d", "a/e/1", "z"]) await store.set(key, Uint8Array.of(1));
    for (const key of ["a/b/c/0", "a/b/d", "a/e/1"]) await store.delete(key);
    await writeFile(join(root, "a", "e", `left${".zarrkit-tmp"}`), "not a key");
    await store.deletePrefix("a/");
    expect(await readdir(root)).toEqual(["a", "z"]);
    expect(await readdir(join(root, "a"))).toEqual(["e"]);
    await rm(join(root, "a", "e", "left.zarrkit-tmp"));
    await store.deletePrefix("");
    expect(await readdir(root)).toEqual(["z"]);
  });

  it("refuses writes when read-only", async () => {
    await new FileSystemStore(root, { native }).set("k", Uint8Array.of(1));
    const store = new FileSystemStore(root, { readOnly: true, native });
    expect(store.capabilities.writable).toBe(false);
    expect(await store.get("k")).toEqual(Uint8Array.of(1));
    await expect(store.set("k", Uint8Array.of(2))).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "StoreError"),
    );
    await expect(store.delete("k")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "StoreError"),
    );
    expect(await store.get("k")).toEqual(Uint8Array.of(1));
  });

  it("stops on an aborted signal", async () => {
    const store = new FileSystemStore(root, { native });
    await store.set("k", Uint8Array.of(1));
    const controller = new AbortController();
    controller.abort();
    await expect(store.get("k", { signal: controller.signal })).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "Aborted"),
    );
    await expect(store.set("k", Uint8Array.of(2), { signal: controller.signal })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "Aborted"),
    );
    expect(await store.get("k")).toEqual(Uint8Array.of(1));
  });

  it("opens through its extension, read-only unless asked", async () => {
    const store = await fileSystemStoreExtension.open(pathToFileURL(root).href, {});
    expect(store.capabilities?.writable).toBe(false);
    const writable = await fileSystemStoreExtension.open(pathToFileURL(root).href, {
      writable: true,
    });
    expect(writable.capabilities?.writable).toBe(true);
  });
});
