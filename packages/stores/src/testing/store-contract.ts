import { isZarrkitError, type ListableStore, type WritableStore } from "@zarrkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

export interface StoreUnderTest {
  store: WritableStore & ListableStore;
  teardown(): Promise<void>;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

/**
 * The behaviour every writable, listable store must share. Each store's test file calls this
 * with a factory of fresh, empty instances.
 */
export function describeStoreContract(
  name: string,
  make: () => Promise<StoreUnderTest>,
  options: { /** The store offers `getInto` and `setParts`. */ scatterGather?: boolean } = {},
): void {
  describe(`${name}: store contract`, () => {
    let subject: StoreUnderTest;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(() => subject.teardown());

    it("round-trips values and says undefined for missing keys only", async () => {
      const { store } = subject;
      expect(await store.get("a/b/c")).toBeUndefined();
      await store.set("a/b/c", bytes(1, 2, 3));
      expect(await store.get("a/b/c")).toEqual(bytes(1, 2, 3));
      await store.set("a/b/c", bytes(4));
      expect(await store.get("a/b/c")).toEqual(bytes(4));
      expect(await store.get("a/b")).toBeUndefined();
      expect(await store.get("a/b/c/d")).toBeUndefined();
      await store.set("empty", new Uint8Array(0));
      expect(await store.get("empty")).toEqual(new Uint8Array(0));
    });

    it("writes exactly the bytes of a view, honouring its byteOffset", async () => {
      const { store } = subject;
      const backing = bytes(9, 9, 1, 2, 3, 9);
      await store.set("view", backing.subarray(2, 5));
      expect(await store.get("view")).toEqual(bytes(1, 2, 3));
    });

    it("hands out bytes the caller owns", async () => {
      const { store } = subject;
      await store.set("k", bytes(1, 2));
      const first = (await store.get("k"))!;
      first[0] = 42;
      expect(await store.get("k")).toEqual(bytes(1, 2));
    });

    it("keeps and hands out copies when values are Node Buffers", async () => {
      const { store } = subject;
      // Small Buffers are views into Node's shared pool, and their `slice` is a view too.
      const given = Buffer.from([1, 2, 3, 4, 5]);
      await store.set("buf", given);
      given[0] = 42;
      expect(await store.get("buf")).toEqual(bytes(1, 2, 3, 4, 5));
      const first = (await store.get("buf"))!;
      first[1] = 42;
      const ranged = (await store.get("buf", { range: { offset: 1, length: 3 } }))!;
      ranged[0] = 42;
      expect(await store.get("buf")).toEqual(bytes(1, 2, 3, 4, 5));
    });

    it("reads ranges and suffixes", async () => {
      const { store } = subject;
      const value = text("0123456789");
      await store.set("r", value);
      expect(await store.get("r", { range: { offset: 2, length: 3 } })).toEqual(text("234"));
      expect(await store.get("r", { range: { offset: 10, length: 0 } })).toEqual(new Uint8Array(0));
      expect(await store.get("r", { range: { suffix: 4 } })).toEqual(text("6789"));
      expect(await store.get("r", { range: { suffix: 40 } })).toEqual(value);
      expect(await store.get("missing", { range: { suffix: 4 } })).toBeUndefined();
      await expect(store.get("r", { range: { offset: 8, length: 5 } })).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "StoreError") && e.key === "r",
      );
      if (store.getRanges) {
        expect(await store.getRanges("r", [{ offset: 0, length: 1 }, { suffix: 1 }])).toEqual([
          text("0"),
          text("9"),
        ]);
      }
    });

    // Registered only for stores that offer it: a skipped test would read as a missing peer.
    if (options.scatterGather)
      it("scatter-reads and gather-writes whole values", async () => {
        const { store } = subject;
        const { getInto, setParts } = store;
        if (getInto === undefined || setParts === undefined)
          throw new Error(`${name} was said to offer getInto and setParts`);
        // More pieces than one readv/writev takes (IOV_MAX is 1024 on Linux).
        const pieces = Array.from({ length: 3000 }, (_, i) => bytes(i % 251, (i * 7) % 256, 1));
        await setParts.call(store, "g/parts", [...pieces, new Uint8Array(0)]);
        const joined = Uint8Array.from(pieces.flatMap((p) => Array.from(p)));
        expect(await store.get("g/parts")).toEqual(joined);
        // Targets are views: only their windows of the backing memory change.
        const backing = new Uint8Array(joined.length + 4).fill(0xee);
        const targets = Array.from({ length: 3000 }, (_, i) =>
          backing.subarray(2 + 3 * i, 5 + 3 * i),
        );
        expect(await getInto.call(store, "g/parts", targets)).toBe(joined.length);
        expect(backing.subarray(2, 2 + joined.length)).toEqual(joined);
        expect([...backing.subarray(0, 2), ...backing.subarray(2 + joined.length)]).toEqual([
          0xee, 0xee, 0xee, 0xee,
        ]);
        // Whole values read into lent memory (or the store's own), when the store offers that.
        if (store.getWith !== undefined) {
          const lentFrom = new Uint8Array(joined.length + 10).fill(0xee);
          const got = await store.getWith("g/parts", (size) => lentFrom.subarray(3, 3 + size));
          expect(got).toEqual(joined);
          // Only the lent window may change.
          expect([...lentFrom.subarray(0, 3), ...lentFrom.subarray(3 + joined.length)]).toEqual(
            Array(10).fill(0xee),
          );
          expect(await store.getWith("g/missing", (size) => new Uint8Array(size))).toBeUndefined();
        }
        // Strided targets, when the store takes them: 3000 runs of 3 bytes, 5 apart.
        if (store.getIntoStrided !== undefined) {
          const spaced = new Uint8Array(5 * 3000 + 7).fill(0xee);
          const runs = { bytes: spaced, offset: 4, runBytes: 3, shape: [3000], strides: [5] };
          expect(await store.getIntoStrided("g/parts", runs)).toBe(joined.length);
          for (let i = 0; i < 3000; i++) {
            expect(spaced.subarray(4 + 5 * i, 7 + 5 * i)).toEqual(pieces[i]);
            expect(spaced[7 + 5 * i]).toBe(0xee);
          }
          expect(await store.getIntoStrided("g/missing", runs)).toBeUndefined();
        }
        // Strided parts, when the store takes them: every third byte of 3000 runs of 2 is skipped.
        if (store.setPartsStrided !== undefined) {
          const spaced = Uint8Array.from({ length: 9001 }, (_, i) => (i * 13) % 256);
          const runs = { bytes: spaced, offset: 1, runBytes: 2, shape: [3000], strides: [3] };
          await store.setPartsStrided("g/strided", runs);
          const expected = Array.from({ length: 3000 }, (_, i) => [
            spaced[1 + 3 * i]!,
            spaced[2 + 3 * i]!,
          ]).flat();
          expect(await store.get("g/strided")).toEqual(Uint8Array.from(expected));
        }
        // Many values at once, when the store takes them: views of one block, one of them
        // empty, one replacing a value, in new directories and old.
        if (store.setMany !== undefined) {
          const block = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
          const entries = [
            ["g/many/0/0", block.subarray(0, 100)],
            ["g/many/0/1", block.subarray(100, 100)],
            ["g/parts", block.subarray(100, 300)],
          ] as const;
          await store.setMany(entries);
          for (const [key, value] of entries) expect(await store.get(key)).toEqual(value);
          expect(await collect(store.list("g/many/"))).toEqual(["g/many/0/0", "g/many/0/1"]);
          await expect(
            store.setMany([
              ["g/ok", bytes(1)],
              ["../out", bytes(2)],
            ]),
          ).rejects.toThrow(/\.\.\/out/);
          await store.set("g/parts", joined);
        }
        // Many values laid out alike, when the store takes them: the four 2x3 blocks of a 4x6
        // array of bytes, each the same runs moved to where its block starts.
        if (store.setManyStrided !== undefined) {
          const grid = Uint8Array.from({ length: 24 }, (_, i) => (i * 11 + 5) % 256);
          const runs = { bytes: grid, offset: 0, runBytes: 3, shape: [2], strides: [6] };
          const starts = [0, 3, 12, 15];
          const keys = ["g/alike/0/0", "g/alike/0/1", "g/alike/1/0", "g/alike/1/1"];
          await store.setManyStrided(keys, runs, Float64Array.from(starts));
          for (const [i, key] of keys.entries()) {
            const at = starts[i]!;
            const want = [...grid.subarray(at, at + 3), ...grid.subarray(at + 6, at + 9)];
            expect(Array.from((await store.get(key))!), key).toEqual(want);
          }
          await expect(
            store.setManyStrided(["g/alike/2", "../out"], runs, Float64Array.of(0, 3)),
          ).rejects.toThrow(/\.\.\/out/);
          await expect(store.setManyStrided(keys, runs, Float64Array.of(0))).rejects.toThrow(
            RangeError,
          );
        }
        // A size that does not match is reported, not read; a missing key is undefined.
        expect(await getInto.call(store, "g/parts", [new Uint8Array(5)])).toBe(joined.length);
        expect(await getInto.call(store, "g/missing", [new Uint8Array(5)])).toBeUndefined();
      });

    it("lists keys and directories", async () => {
      const { store } = subject;
      for (const key of [
        "g/zarr.json",
        "g/a/zarr.json",
        "g/a/c/0/0",
        "g/a/c/0/1",
        "g/b/zarr.json",
        "top",
      ])
        await store.set(key, bytes(0));
      expect(await collect(store.list(""))).toEqual([
        "g/a/c/0/0",
        "g/a/c/0/1",
        "g/a/zarr.json",
        "g/b/zarr.json",
        "g/zarr.json",
        "top",
      ]);
      expect(await collect(store.list("g/a/"))).toEqual([
        "g/a/c/0/0",
        "g/a/c/0/1",
        "g/a/zarr.json",
      ]);
      expect(await collect(store.list("g/a/c/0/"))).toEqual(["g/a/c/0/0", "g/a/c/0/1"]);
      expect(await collect(store.list("nothing/"))).toEqual([]);
      expect(await store.listDir("")).toEqual({ keys: ["top"], prefixes: ["g/"] });
      expect(await store.listDir("g/")).toEqual({ keys: ["zarr.json"], prefixes: ["a/", "b/"] });
      expect(await store.listDir("nothing/")).toEqual({ keys: [], prefixes: [] });
    });

    it("deletes, and deleting a missing key is fine", async () => {
      const { store } = subject;
      await store.set("x/y", bytes(1));
      await store.delete("x/y");
      expect(await store.get("x/y")).toBeUndefined();
      await store.delete("x/y");
      await store.delete("never/was");
    });

    it.each(["", "/abs", "a//b", "a/./b", "../up", "a/..", "a\\b", "a/", "C:/x"])(
      "rejects the bad key %j everywhere",
      async (key) => {
        const { store } = subject;
        const isStoreError = (e: unknown) => isZarrkitError(e, "StoreError");
        await expect(store.get(key)).rejects.toSatisfy(isStoreError);
        await expect(store.set(key, bytes(1))).rejects.toSatisfy(isStoreError);
        await expect(store.delete(key)).rejects.toSatisfy(isStoreError);
      },
    );
  });
}
