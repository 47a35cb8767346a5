import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  createArray,
  createDefaultContext,
  FileSystemStore,
  isZarrkitError,
  MemoryStore,
  type NamedConfigJson,
  openArray,
  type StoreGetOptions,
} from "./index.js";
import { answersLaterStore } from "./test-support/answers-later-store.js";

const bytesLE = { name: "bytes", configuration: { endian: "little" } };
/**
 * The (offset, nbytes) entries of a shard's index at its end, read as the spec lays it out
 * (little-endian uint64 pairs, then 4 bytes of crc32c when `crc`); undefined for empty ones.
 */
function indexEntries(
  shard: Uint8Array,
  count: number,
  crc: boolean,
): ([bigint, bigint] | undefined)[] {
  const bytes = Buffer.from(shard);
  const index = bytes.subarray(bytes.length - 16 * count - (crc ? 4 : 0));
  return Array.from({ length: count }, (_, i) => {
    const entry: [bigint, bigint] = [
      index.readBigUInt64LE(16 * i),
      index.readBigUInt64LE(16 * i + 8),
    ];
    return entry[0] === 2n ** 64n - 1n && entry[1] === 2n ** 64n - 1n ? undefined : entry;
  });
}

/** One sharding codec of 8x8 zstd inner chunks, index with crc32c at the end. */
const shardedZstd = (level: number): NamedConfigJson[] => [
  {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: [8, 8],
      codecs: [bytesLE, { name: "zstd", configuration: { level, checksum: false } }],
      index_codecs: [bytesLE, { name: "crc32c" }],
    },
  },
];
const sharded = (location: "start" | "end", crc = true): NamedConfigJson[] => [
  {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: [8, 8],
      codecs: [bytesLE],
      index_codecs: crc ? [bytesLE, { name: "crc32c" }] : [bytesLE],
      index_location: location,
    },
  },
];

/**
 * A MemoryStore that records every read, each taking `delayMs`, and the most offset-range
 * reads it had at once.
 */
function counting(delayMs = 0) {
  const inner = new MemoryStore();
  const reads: { key: string; range: StoreGetOptions["range"]; bytes: number }[] = [];
  const ranged = { inFlight: 0, most: 0 };
  const store = {
    get: async (key: string, options?: StoreGetOptions) => {
      const isRanged = options?.range !== undefined && "offset" in options.range;
      if (isRanged) ranged.most = Math.max(ranged.most, ++ranged.inFlight);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (isRanged) ranged.inFlight--;
      const value = await inner.get(key, options);
      reads.push({ key, range: options?.range, bytes: value?.length ?? 0 });
      return value;
    },
    set: (key: string, value: Uint8Array) => inner.set(key, value),
    delete: (key: string) => inner.delete(key),
  };
  return { store, inner, reads, ranged };
}

/** A 16x16 int32 array in one shard of 8x8 zstd inner chunks, holding 0..255 in C order. */
async function oneShardOfIota(store: Parameters<typeof createArray>[0]) {
  const a = await createArray(store, "", {
    shape: [16, 16],
    chunkShape: [16, 16],
    dataType: "int32",
    codecs: shardedZstd(1),
  });
  await a.set(
    null,
    Int32Array.from({ length: 256 }, (_, i) => i),
  );
  return a;
}

/** Values for element i other than iota's, whose inner chunks encode to other sizes. */
const rewritten = (i: number) => (i * 7919) % 100_003;

/** Writes `rewritten` over the whole shard. */
const rewrite = (a: Awaited<ReturnType<typeof oneShardOfIota>>) =>
  a.set(
    null,
    Int32Array.from({ length: 256 }, (_, i) => rewritten(i)),
  );

/** Windows of three rows (which read the shard's index, unlike whole-shard reads) hold them. */
async function expectRewritten(a: Awaited<ReturnType<typeof oneShardOfIota>>) {
  for (const row of [0, 9, 15]) {
    const got = await a.get(`${row}, 2:13`);
    expect(Array.from(got.data), `row ${row}`).toEqual(
      Array.from({ length: 11 }, (_, k) => rewritten(row * 16 + 2 + k)),
    );
  }
}

describe("sharded arrays", () => {
  it("the seed's example: 16x16 int32, 16x16 shards of 8x8 blosc inner chunks, v2 keys with '.'", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "s", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "int32",
      chunkKeyEncoding: { name: "v2", configuration: { separator: "." } },
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [
              bytesLE,
              {
                name: "blosc",
                configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 },
              },
            ],
            index_codecs: [bytesLE, { name: "crc32c" }],
            index_location: "end",
          },
        },
      ],
    });
    const arange = Int32Array.from({ length: 256 }, (_, i) => i);
    await a.set(null, arange);
    const b = await openArray(store, "s", { dataType: "int32" });
    expect((await b.get()).data).toEqual(arange);
    expect([...store.map.keys()].sort()).toEqual(["s/0.0", "s/zarr.json"]);
    expect(Array.from((await b.get("7:9, 7:9")).data)).toEqual([119, 120, 135, 136]);
  });

  it.each(["start", "end"] as const)(
    "reading one inner chunk of an uncached shard costs 2 range requests (index at %s)",
    async (location) => {
      const { store, reads } = counting();
      const a = await createArray(store, "", {
        shape: [32, 32],
        chunkShape: [32, 32],
        dataType: "int32",
        codecs: sharded(location),
      });
      await a.set(
        null,
        Int32Array.from({ length: 1024 }, (_, i) => i),
      );
      const b = await openArray(store, "", { dataType: "int32", context: createDefaultContext() });
      reads.length = 0;
      expect(Array.from((await b.get("9, 10:12")).data)).toEqual([298, 299]);
      expect(reads.map((r) => r.range !== undefined)).toEqual([true, true]);
      // The index (16 entries x 16 bytes + 4) and one 8x8 int32 chunk.
      expect(reads.reduce((n, r) => n + r.bytes, 0)).toBe(16 * 16 + 4 + 256);
      // The index is cached now: another inner chunk costs one request.
      reads.length = 0;
      await b.get("30, 30");
      expect(reads.length).toBe(1);
    },
  );

  it("a read of whole shards fetches each in one request (no index first); local files in parts", async () => {
    const { store, inner, reads } = counting();
    const a = await createArray(inner, "", {
      shape: [16, 48],
      chunkShape: [16, 16],
      dataType: "int32",
      fillValue: -1,
      codecs: shardedZstd(1),
    });
    const expected = Int32Array.from({ length: 16 * 48 }, (_, i) => i * 3);
    // Inner chunk (1, 0) of shard 0 all fill (not stored); shard 2 absent altogether.
    for (let r = 8; r < 16; r++) expected.fill(-1, r * 48, r * 48 + 8);
    for (let r = 0; r < 16; r++) expected.fill(-1, r * 48 + 32, r * 48 + 48);
    await a.set(null, expected);
    expect(inner.map.has("c/0/2")).toBe(false);
    const b = await openArray(store, "", { dataType: "int32" });
    reads.length = 0;
    expect((await b.get(null)).data).toEqual(expected);
    expect(reads.map((r) => [r.key, r.range]).sort()).toEqual([
      ["c/0/0", undefined],
      ["c/0/1", undefined],
      ["c/0/2", undefined],
    ]);
    // A damaged shard read whole: CorruptChunk naming it.
    const damaged = inner.map.get("c/0/1")!.slice();
    damaged[damaged.length - 1] ^= 0xff;
    inner.map.set("c/0/1", damaged);
    const error = await b.get(null).catch((e: unknown) => e);
    expect(isZarrkitError(error) && error.key).toBe("c/0/1");
    // From local files, shards are still read in parts: no whole-shard read.
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-whole-shards-"));
    try {
      const local = await createArray(new FileSystemStore(dir), "", {
        shape: [16, 48],
        chunkShape: [16, 16],
        dataType: "int32",
        fillValue: -1,
        codecs: shardedZstd(1),
      });
      await local.set(null, expected);
      const whole: string[] = [];
      class Watched extends FileSystemStore {
        override get(key: string, options?: StoreGetOptions) {
          if (key.startsWith("c/") && options?.range === undefined) whole.push(key);
          return super.get(key, options);
        }

        override getWith(...args: Parameters<FileSystemStore["getWith"]>) {
          if (args[0].startsWith("c/")) whole.push(args[0]);
          return super.getWith(...args);
        }
      }
      const c = await openArray(new Watched(dir, { readOnly: true }), "", { dataType: "int32" });
      expect((await c.get(null)).data).toEqual(expected);
      expect(whole).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("concurrent readers fetch a shard's index once; adjacent inner chunks come in one request", async () => {
    const { store, reads } = counting();
    const a = await createArray(store, "", {
      shape: [32, 32],
      chunkShape: [32, 32],
      dataType: "uint8",
      codecs: sharded("end", false),
    });
    await a.set(null, 1);
    const b = await openArray(store, "", { context: createDefaultContext() });
    reads.length = 0;
    await Promise.all([b.get("0, 0"), b.get("1, 1"), b.get("2, 2")]);
    const indexReads = reads.filter((r) => r.range !== undefined && "suffix" in r.range);
    expect(indexReads.length).toBe(1);
    // Row 0 spans the four inner chunks of the first row, stored back to back.
    const c = await openArray(store, "", { context: createDefaultContext() });
    reads.length = 0;
    await c.get("0, :");
    expect(reads.length).toBe(2);
  });

  it("concurrent readers share a shard's index even when the reader that asked first aborts", async () => {
    // Reads answer 5 ms late and honour their signal, as a network store's would.
    const store = answersLaterStore({ readMs: 5 });
    const _a = await oneShardOfIota(store);
    const b = await openArray(store, "", { dataType: "int32", context: createDefaultContext() });
    const controller = new AbortController();
    const reads = Array.from({ length: 5 }, (_, i) =>
      b.get(`${i}, ${i}:${i + 9}`, i === 0 ? { signal: controller.signal } : {}),
    );
    controller.abort();
    const settled = await Promise.allSettled(reads);
    expect(settled[0]!.status).toBe("rejected");
    settled.slice(1).forEach((result, j) => {
      const r = j + 1;
      const want = Array.from({ length: 9 }, (_, k) => r * 16 + r + k);
      expect(result.status === "fulfilled" && Array.from(result.value.data), `read ${r}`).toEqual(
        want,
      );
    });
    const indexReads = store.reads.filter((r) => r.range !== undefined && "suffix" in r.range);
    expect(indexReads.length).toBeLessThanOrEqual(2);
  });

  it("an index read under way when the shard is rewritten is not cached for later reads", async () => {
    const store = answersLaterStore({ readMs: 5 });
    const a = await oneShardOfIota(store);
    // A read whose index load (5 ms) is under way while the whole shard is rewritten.
    const racing = a.get("0, 0:4").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 1));
    await rewrite(a);
    await racing;
    await expectRewritten(a);
  });

  it("a window read while the shard is being written leaves no old index cached", async () => {
    const store = answersLaterStore({ readMs: 2, writeMs: 5 });
    const a = await oneShardOfIota(store);
    const writing = rewrite(a);
    // Begun after the write dropped the cached index, before it lands (the read then waits
    // for the shard's lock); the index it loads must be the new one either way.
    await new Promise((r) => setTimeout(r, 1));
    await a.get("0, 0:4");
    await writing;
    await expectRewritten(a);
  });

  it("a window read while the shard is rewritten sees one version of it, never a mix", async () => {
    // The window's index read is answered before the write lands, its inner chunks after: a
    // read paired the old index with the new bytes (other sizes: CorruptChunk or wrong values).
    const store = answersLaterStore({ readMs: 10, writeMs: 5 });
    const a = await oneShardOfIota(store);
    const writing = rewrite(a);
    await new Promise((r) => setTimeout(r, 1));
    const window = Array.from((await a.get("9, 2:13")).data);
    await writing;
    const old = Array.from({ length: 11 }, (_, k) => 9 * 16 + 2 + k);
    const now = old.map(rewritten);
    expect([old, now]).toContainEqual(window);
  });

  it("fetches a window's separate runs of inner chunks at once, not one after another", async () => {
    const { store, ranged } = counting(5);
    const a = await createArray(store, "", {
      shape: [32, 32],
      chunkShape: [32, 32],
      dataType: "uint8",
      codecs: sharded("end", false),
    });
    await a.set(null, 1);
    // Column 0 crosses the four inner chunks (0,0), (1,0), (2,0), (3,0): none adjacent in the
    // shard, so four runs, 64 bytes each.
    expect(Array.from((await a.get(":, 0")).data)).toEqual(new Array(32).fill(1));
    expect(ranged.most).toBe(4);
  });

  it("leaves empty inner chunks out and does not write empty shards", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [16, 32],
      chunkShape: [16, 16],
      dataType: "int16",
      fillValue: 3,
      codecs: sharded("end"),
    });
    await a.set("0:8, 0:8", 9);
    expect([...store.map.keys()].sort()).toEqual(["c/0/0", "zarr.json"]);
    expect(store.map.get("c/0/0")!.length).toBe(128 + 4 * 16 + 4);
    expect(Array.from((await a.get("7:9, 7")).data)).toEqual([9, 3]);
    await a.set("0:8, 0:8", 3);
    expect([...store.map.keys()]).toEqual(["zarr.json"]);
  });

  it("leaves empty inner chunks out when encoding straight from the value (zstd)", async () => {
    // Inner chunks gathered from the caller's array: emptiness is each one's own, not the
    // array's (which is not all fill: its first 8x8 block is 9).
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [16, 32],
      chunkShape: [16, 16],
      dataType: "int16",
      fillValue: 3,
      codecs: shardedZstd(1),
    });
    const value = new Int16Array(16 * 32).fill(3);
    for (let r = 0; r < 8; r++) value.fill(9, r * 32, r * 32 + 8);
    await a.set(null, value);
    // The second shard is all fill: not written. The first holds one inner chunk.
    expect([...store.map.keys()].sort()).toEqual(["c/0/0", "zarr.json"]);
    const shard = store.map.get("c/0/0")!;
    const size = BigInt(shard.length - 4 * 16 - 4);
    expect(indexEntries(shard, 4, true)).toEqual([[0n, size], undefined, undefined, undefined]);
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(value));
  });

  it("a partial write re-encodes only the inner chunks it touches; the others keep their bytes", async () => {
    // One 32x32 shard of 8x8 zstd inner chunks (4x4 of them), index at the end.
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [32, 40],
      chunkShape: [32, 32],
      dataType: "int32",
      fillValue: 0,
      codecs: shardedZstd(19),
    });
    const expected = Int32Array.from({ length: 32 * 40 }, (_, i) => i + 1);
    await a.set(null, expected);
    // Reopened as written by another writer: zstd level 1. Inner chunks encoded again would
    // differ from the level-19 frames stored; kept, they are the same bytes.
    const metadata = JSON.parse(new TextDecoder().decode(store.map.get("zarr.json")));
    metadata.codecs[0].configuration.codecs[1].configuration.level = 1;
    store.map.set("zarr.json", new TextEncoder().encode(JSON.stringify(metadata)));
    const b = await openArray(store, "", { dataType: "int32" });
    /** Each inner chunk's stored bytes in shard c/0/0, by inner chunk (undefined: none). */
    const innerChunks = () => {
      const shard = Buffer.from(store.map.get("c/0/0")!);
      return indexEntries(shard, 16, true).map(
        (entry) => entry && shard.subarray(Number(entry[0]), Number(entry[0] + entry[1])),
      );
    };
    const before = innerChunks();
    const set = async (selection: string, value: Int32Array, rows: number[], columns: number[]) => {
      await b.set(selection, value);
      let k = 0;
      for (const r of rows) for (const c of columns) expected[r * 40 + c] = value[k++]!;
    };
    const range = (from: number, to: number, step = 1) =>
      Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);
    // Rows 3..12, columns 5..20: inner rows 0-1, inner columns 0-2; inner chunk (1, 1) whole.
    await set(
      "3:13, 5:21",
      Int32Array.from({ length: 160 }, (_, i) => -i),
      range(3, 13),
      range(5, 21),
    );
    // Backwards and every other column, in inner row 3: (3, 0) and (3, 1) in part.
    await set(
      "31:23:-1, 0:16:2",
      Int32Array.from({ length: 64 }, (_, i) => 5000 + i),
      range(31, 23, -1),
      range(0, 16, 2),
    );
    // Inner chunk (2, 3) set to the fill value: left out of the shard.
    await set("16:24, 24:32", new Int32Array(64), range(16, 24), range(24, 32));
    const after = innerChunks();
    const touched = new Set([0, 1, 2, 4, 5, 6, 12, 13, 11]);
    for (let i = 0; i < 16; i++) {
      if (i === 11) expect(after[i], "inner chunk 2,3").toBeUndefined();
      else if (!touched.has(i)) expect(after[i]!.equals(before[i]!), `inner chunk ${i}`).toBe(true);
      else expect(after[i]!.equals(before[i]!), `inner chunk ${i}`).toBe(false);
    }
    expect((await b.get()).data).toEqual(expected);
    // The second shard (columns 32..39) was not touched.
    expect(Array.from((await b.get("0:32, 32:40")).data)).toEqual(
      range(0, 32).flatMap((r) => range(32, 40).map((c) => r * 40 + c + 1)),
    );
  });

  it("partial writes create, empty and refuse to rewrite a damaged shard", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "uint8",
      fillValue: 9,
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [4, 4],
            codecs: [bytesLE, { name: "gzip", configuration: { level: 1 } }],
            index_codecs: [bytesLE],
          },
        },
      ],
    });
    // No shard yet: it is made with the one inner chunk touched.
    await a.set("1:3, 5:7", 1);
    const shard = store.map.get("c/0/0")!;
    const stored = indexEntries(shard, 16, false).flatMap((entry, i) => (entry ? [i] : []));
    expect(stored).toEqual([1]);
    // Back to the fill value: the shard goes.
    await a.set("0:4, 4:8", 9);
    expect(store.map.has("c/0/0")).toBe(false);
    // A damaged shard is not rewritten: CorruptChunk naming it, its bytes as they were.
    await a.set("0:16, 0:16", 3);
    const damaged = store.map.get("c/0/0")!.slice();
    damaged[damaged.length - 3] ^= 0xff;
    store.map.set("c/0/0", damaged);
    const error = await a.set("2, 2", 4).catch((e: unknown) => e);
    expect(isZarrkitError(error) && [error.code, error.key]).toEqual(["CorruptChunk", "c/0/0"]);
    expect(store.map.get("c/0/0")).toEqual(damaged);
  });

  it("many overlapping concurrent writes into one shard lose no update", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: sharded("start"),
    });
    await Promise.all(
      Array.from({ length: 16 }, (_, r) =>
        a.set(
          `${r}, :`,
          Int32Array.from({ length: 16 }, (_, c) => r * 100 + c),
        ),
      ),
    );
    await Promise.all(
      Array.from({ length: 16 }, (_, c) =>
        a.set(
          `::2, ${c}`,
          Int32Array.from({ length: 8 }, () => -c),
        ),
      ),
    );
    const got = await a.get();
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++)
        expect(got.data[r * 16 + c], `${r},${c}`).toBe(r % 2 === 0 ? 0 - c + 0 : r * 100 + c);
    }
  });

  it("corrupt indexes are CorruptChunk or ChecksumMismatch naming the shard", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "x", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: sharded("end"),
    });
    await a.set(null, 1);
    const shard = store.map.get("x/c/0/0")!;
    const broken = shard.slice();
    broken[broken.length - 10] ^= 0xff;
    store.map.set("x/c/0/0", broken);
    const fresh = () => openArray(store, "x", { context: createDefaultContext() });
    await expect((await fresh()).get()).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "ChecksumMismatch") && e.key === "x/c/0/0",
    );
    // A valid checksum over an index that points past the shard's end.
    const noCrc = await createArray(store, "y", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: sharded("end", false),
    });
    await noCrc.set(null, 1);
    const y = store.map.get("y/c/0/0")!.slice();
    new DataView(y.buffer).setBigUint64(y.length - 64, 1n << 40n, true);
    store.map.set("y/c/0/0", y);
    await expect(
      (await openArray(store, "y", { context: createDefaultContext() })).get("0:2, 0:2"),
    ).rejects.toSatisfy(
      (e: unknown) =>
        (isZarrkitError(e, "CorruptChunk") || isZarrkitError(e, "StoreError")) &&
        e.key === "y/c/0/0",
    );
    await expect(
      (await openArray(store, "y", { context: createDefaultContext() })).get(),
    ).rejects.toSatisfy(
      (e: unknown) =>
        (isZarrkitError(e, "CorruptChunk") || isZarrkitError(e, "StoreError")) &&
        e.key === "y/c/0/0",
    );
  });

  it("inner chunks read in batches from a shard's file; one that needs another decoder too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-shard-batch-"));
    try {
      // 64x32 int32 shards of 48 gzip inner chunks of 4x8: whole reads take the batched jobs.
      const values = Int32Array.from({ length: 64 * 64 }, (_, i) => i * 7 - 5000);
      const created = await createArray(new FileSystemStore(dir), "", {
        shape: [64, 64],
        chunkShape: [64, 32],
        dataType: "int32",
        codecs: [
          {
            name: "sharding_indexed",
            configuration: {
              chunk_shape: [4, 8],
              codecs: [bytesLE, { name: "gzip", configuration: { level: 1 } }],
              index_codecs: [bytesLE],
              index_location: "end",
            },
          },
        ],
      });
      await created.set(null, values);
      // Inner chunk (1, 2) of shard (0, 1) rewritten as two gzip members (valid gzip, which
      // the native decoder leaves to node:zlib), at the end of the data, its index entry moved.
      const key = join(dir, "c", "0", "1");
      const shard = await readFile(key);
      const count = 16 * 4;
      const index = Buffer.from(shard.subarray(shard.length - 16 * count));
      const elements = Buffer.alloc(4 * 8 * 4);
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 8; c++)
          elements.writeInt32LE(values[(4 + r) * 64 + 32 + 16 + c]!, (r * 8 + c) * 4);
      const members = Buffer.concat([
        gzipSync(elements.subarray(0, 50)),
        gzipSync(elements.subarray(50)),
      ]);
      const data = shard.subarray(0, shard.length - 16 * count);
      const entry = 1 * 4 + 2;
      index.writeBigUInt64LE(BigInt(data.length), 16 * entry);
      index.writeBigUInt64LE(BigInt(members.length), 16 * entry + 8);
      await writeFile(key, Buffer.concat([data, members, index]));

      const array = await openArray(new FileSystemStore(dir, { readOnly: true }), "", {
        dataType: "int32",
      });
      expect(Array.from((await array.get(null)).data)).toEqual(Array.from(values));
      // A window of whole inner chunks and cut ones.
      const window = await array.get("2:30, 30:60");
      const want: number[] = [];
      for (let r = 2; r < 30; r++) for (let c = 30; c < 60; c++) want.push(values[r * 64 + c]!);
      expect(Array.from(window.data)).toEqual(want);
      // A damaged inner chunk in a batch: CorruptChunk naming the shard.
      const damaged = Buffer.from(data);
      damaged.fill(0x55, 20, 60);
      await writeFile(key, Buffer.concat([damaged, members, index]));
      const error = await array.get(null).catch((e: unknown) => e);
      expect(isZarrkitError(error) && error.code).toBe("CorruptChunk");
      expect(String(error)).toMatch(/c\/0\/1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects configurations that cannot work, naming the field", async () => {
    const bad: [NamedConfigJson, RegExp][] = [
      [
        {
          name: "sharding_indexed",
          configuration: { chunk_shape: [5, 8], codecs: [bytesLE], index_codecs: [bytesLE] },
        },
        /chunk_shape\[0\]/,
      ],
      [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [bytesLE],
            index_codecs: [bytesLE, { name: "gzip", configuration: { level: 1 } }],
          },
        },
        /fixed encoded size/,
      ],
      [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [bytesLE],
            index_codecs: [bytesLE],
            index_location: "middle",
          },
        },
        /index_location/,
      ],
      [
        {
          name: "sharding_indexed",
          configuration: { chunk_shape: [8, 8], codecs: [], index_codecs: [bytesLE] },
        },
        /codecs/,
      ],
    ];
    for (const [codec, message] of bad) {
      await expect(
        createArray(new MemoryStore(), "", {
          shape: [16, 16],
          chunkShape: [16, 16],
          dataType: "int32",
          codecs: [codec],
        }),
      ).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "InvalidMetadata") && message.test(e.message),
      );
    }
  });
});
