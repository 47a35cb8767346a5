import { isListable, isZarrkitError, type Store } from "@zarrkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

export interface ReadableStoreUnderTest {
  store: Store;
  teardown(): Promise<void>;
}

const text = (s: string) => new TextEncoder().encode(s);

/** The values every readable store is checked against. */
export const CONTRACT_FILES: ReadonlyMap<string, Uint8Array> = new Map([
  ["g/zarr.json", text("{}")],
  ["g/a/zarr.json", text('{"a":1}')],
  ["g/a/c/0/0", text("0123456789")],
  ["g/a/c/0/1", Uint8Array.from({ length: 70_000 }, (_, i) => i % 253)],
  ["top", text("t")],
]);

/**
 * The read behaviour every store shares, writable or not: `make` gets the files to hold and
 * returns a store that serves them.
 */
export function describeReadableStoreContract(
  name: string,
  make: (files: ReadonlyMap<string, Uint8Array>) => Promise<ReadableStoreUnderTest>,
): void {
  describe(`${name}: readable store contract`, () => {
    let subject: ReadableStoreUnderTest;
    beforeAll(async () => {
      subject = await make(CONTRACT_FILES);
    });
    afterAll(() => subject.teardown());

    it("reads every value whole; missing keys (and directories) are undefined", async () => {
      for (const [key, value] of CONTRACT_FILES)
        expect(await subject.store.get(key), key).toEqual(value);
      expect(await subject.store.get("g/missing")).toBeUndefined();
      expect(await subject.store.get("nothing/at/all")).toBeUndefined();
      expect(await subject.store.get("g/a")).toBeUndefined();
    });

    it("reads whole values into lent memory (or its own), where it offers getWith", async () => {
      const { store } = subject;
      if (store.getWith === undefined) return;
      for (const [key, value] of CONTRACT_FILES) {
        const backing = new Uint8Array(value.length + 10).fill(0xee);
        const got = await store.getWith(key, (size) => backing.subarray(3, 3 + size));
        expect(got, key).toEqual(value);
        // Only the lent window may change.
        expect([...backing.subarray(0, 3), ...backing.subarray(3 + value.length)], key).toEqual(
          Array(10).fill(0xee),
        );
      }
      expect(await store.getWith("g/missing", (size) => new Uint8Array(size))).toBeUndefined();
    });

    it("reads ranges and suffixes, and refuses ranges past the end", async () => {
      const { store } = subject;
      const big = CONTRACT_FILES.get("g/a/c/0/1")!;
      expect(await store.get("g/a/c/0/0", { range: { offset: 2, length: 3 } })).toEqual(
        text("234"),
      );
      expect(await store.get("g/a/c/0/0", { range: { suffix: 4 } })).toEqual(text("6789"));
      expect(await store.get("g/a/c/0/0", { range: { suffix: 40 } })).toEqual(text("0123456789"));
      expect(await store.get("g/a/c/0/0", { range: { offset: 10, length: 0 } })).toEqual(
        new Uint8Array(0),
      );
      expect(await store.get("g/a/c/0/1", { range: { offset: 65_000, length: 5000 } })).toEqual(
        big.subarray(65_000),
      );
      expect(await store.get("g/missing", { range: { suffix: 4 } })).toBeUndefined();
      await expect(store.get("g/a/c/0/0", { range: { offset: 8, length: 5 } })).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "StoreError"),
      );
    });

    it.each(["", "/abs", "a//b", "a/./b", "../up", "a\\b"])(
      "rejects the bad key %j",
      async (key) => {
        await expect(subject.store.get(key)).rejects.toSatisfy((e: unknown) =>
          isZarrkitError(e, "StoreError"),
        );
      },
    );

    it("lists what it holds, where it can list", async () => {
      const { store } = subject;
      if (!isListable(store)) return;
      expect(await store.listDir("")).toEqual({ keys: ["top"], prefixes: ["g/"] });
      expect(await store.listDir("g/a/")).toEqual({ keys: ["zarr.json"], prefixes: ["c/"] });
      const all: string[] = [];
      for await (const key of store.list("g/a/c/")) all.push(key);
      expect(all).toEqual(["g/a/c/0/0", "g/a/c/0/1"]);
    });
  });
}
