import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpServer, startS3Server } from "@zarrkit/stores/testing";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  createDefaultContext,
  FetchStore,
  FileSystemStore,
  MemoryStore,
  type NamedConfigJson,
  openArray,
  S3Store,
  type Store,
} from "./index.js";

// A reader keeps the shard indexes it read (the context's index cache), and decoded chunks
// when asked to (chunkCacheBytes). Another writer (a store of its own: another process, as far
// as the reader can tell) rewriting a chunk makes them stale: a shard's inner chunks move, a
// chunk's values change. The reader must then read what is stored now.
const dir = mkdtempSync(join(tmpdir(), "zarrkit-shard-rewrites-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A real S3-compatible server (moto) on 127.0.0.1.
const s3 = await startS3Server();

const sharded = (inner: NamedConfigJson[]): NamedConfigJson[] => [
  {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: [4, 4],
      codecs: inner,
      index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    },
  },
];
const bytesOnly = [{ name: "bytes", configuration: { endian: "little" } }];
const zstd = [...bytesOnly, { name: "zstd", configuration: { level: 1 } }];
/**
 * The element at (r, c) of version `v`: every write changes every element, and version 2's
 * noise compresses worse, so that compressed inner chunks move within the shard.
 */
const value = (v: number, r: number, c: number) =>
  v * 1000 + r * 16 + c + (v === 2 ? Math.sin(r * 16 + c) : 0);

/**
 * Version 1, read, version 2, read: the reading array sees version 2 where a stored inner
 * chunk moved; where one appeared, it does if the store has versions, and an array opened
 * after the write does in any case.
 */
async function rewriteAndRead(
  writer: Store,
  reader: Store,
  inner: NamedConfigJson[],
  versioned: boolean,
) {
  const array = await createArray(writer, "", {
    shape: [16, 16],
    chunkShape: [16, 16],
    dataType: "float64",
    codecs: sharded(inner),
  });
  // Version 1 stores only the top half's inner chunks, version 2 all of them: the inner
  // chunk a window of the bottom right reads moves within the shard.
  await array.set(
    "0:8, :",
    Float64Array.from({ length: 128 }, (_, i) => value(1, i >> 4, i & 15)),
  );
  // The reader's own context (caches): another process, as far as the writer can tell.
  const readerContext = createDefaultContext();
  const theirs = await openArray(reader, "", { dataType: "float64", context: readerContext });
  expect(Array.from((await theirs.get("2:4, 9:11")).data)).toEqual([
    value(1, 2, 9),
    value(1, 2, 10),
    value(1, 3, 9),
    value(1, 3, 10),
  ]);
  await array.set(
    null,
    Float64Array.from({ length: 256 }, (_, i) => value(2, i >> 4, i & 15)),
  );
  expect(Array.from((await theirs.get("2:4, 9:11")).data)).toEqual([
    value(2, 2, 9),
    value(2, 2, 10),
    value(2, 3, 9),
    value(2, 3, 10),
  ]);
  const appeared = [12, 13, 14, 15].map((c) => value(2, 13, c));
  const reopened = await openArray(reader, "", { dataType: "float64", context: readerContext });
  expect(Array.from((await reopened.get("13, 12:16")).data)).toEqual(appeared);
  if (versioned) expect(Array.from((await theirs.get("13, 12:16")).data)).toEqual(appeared);
}

/**
 * Version 1 stores every inner chunk, version 2 leaves the first one empty (not stored), so
 * the others move up by one inner chunk's bytes; uncompressed, bytes read at the old offsets
 * would decode, to another inner chunk's values. A reader of a store whose reads tell versions
 * reads the inner chunks of its index's version only, and so reads the new index.
 */
async function rewriteMovingInnerChunks(writer: Store, reader: Store) {
  const array = await createArray(writer, "", {
    shape: [16, 16],
    chunkShape: [16, 16],
    dataType: "float64",
    codecs: sharded(bytesOnly),
  });
  const all = (v: number) => Float64Array.from({ length: 256 }, (_, i) => value(v, i >> 4, i & 15));
  await array.set(null, all(1));
  const theirs = await openArray(reader, "", {
    dataType: "float64",
    context: createDefaultContext(),
  });
  const window = (v: number) => [value(v, 2, 9), value(v, 2, 10), value(v, 3, 9), value(v, 3, 10)];
  expect(Array.from((await theirs.get("2:4, 9:11")).data)).toEqual(window(1));
  await array.set(null, all(2));
  await array.set("0:4, 0:4", 0);
  expect(Array.from((await theirs.get("2:4, 9:11")).data)).toEqual(window(2));
}

describe("shards rewritten by another writer", () => {
  it("a filesystem reader reads the new index: the shard's version changed", async () => {
    for (const [label, inner] of [
      ["uncompressed", bytesOnly],
      ["zstd", zstd],
    ] as const) {
      const path = join(dir, label);
      await rewriteAndRead(new FileSystemStore(path), new FileSystemStore(path), inner, true);
    }
  });

  it("an HTTP reader reads inner chunks of its index's version only (ETag, If-Match), so it reads the new index", async () => {
    const path = join(dir, "served");
    const server = await startHttpServer(path);
    try {
      // Uncompressed inner chunks: bytes read at the old offsets would decode, to wrong values.
      await rewriteMovingInnerChunks(new FileSystemStore(path), new FetchStore(server.url));
      const pinned = server.requests.filter((r) => r.ifMatch !== undefined);
      expect(pinned.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it.skipIf(s3 === undefined)(
    "an S3 reader reads inner chunks of its index's version only (ETag, IfMatch)",
    async () => {
      if (s3 === undefined) return;
      try {
        const options = {
          bucket: await s3.createBucket(),
          endpoint: s3.endpoint,
          region: s3.region,
          credentials: s3.credentials,
        };
        await rewriteMovingInnerChunks(new S3Store(options), new S3Store(options));
      } finally {
        await s3.close();
      }
    },
  );

  it("a reader of a store without versions reads the index again when the bytes do not decode, or once reopened", async () => {
    const shared = new Map<string, Uint8Array>();
    await rewriteAndRead(new MemoryStore(shared), new MemoryStore(shared), zstd, false);
  });

  it("the filesystem store's version changes with every rewrite", async () => {
    const store = new FileSystemStore(join(dir, "versions"));
    expect(await store.version("k")).toBeUndefined();
    await store.set("k", Uint8Array.of(1, 2, 3));
    const first = await store.version("k");
    await store.set("k", Uint8Array.of(1, 2, 3));
    const second = await store.version("k");
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
    expect(await store.version("k")).toBe(second);
  });
});

describe("decoded chunks cached (chunkCacheBytes), rewritten by another writer", () => {
  const context = createDefaultContext({ chunkCacheBytes: 1 << 20 });
  const write = async (store: Store, v: number) => {
    const array = await openArray(store, "", { dataType: "int32" });
    await array.set(
      null,
      Int32Array.from({ length: 16 }, (_, i) => v * 100 + i),
    );
  };
  const create = (store: Store) =>
    createArray(store, "", {
      shape: [16],
      chunkShape: [4],
      dataType: "int32",
      codecs: zstd,
    });

  it("a filesystem reader reads a chunk again once its version changed", async () => {
    const path = join(dir, "cached");
    const writer = new FileSystemStore(path);
    await create(writer);
    await write(writer, 1);
    const reader = await openArray(new FileSystemStore(path), "", { dataType: "int32", context });
    expect(Array.from((await reader.get("5:7")).data)).toEqual([105, 106]);
    await write(writer, 2);
    expect(Array.from((await reader.get("5:7")).data)).toEqual([205, 206]);
  });

  it("a reader of a store without versions sees the chunks as they were when it was opened", async () => {
    const shared = new Map<string, Uint8Array>();
    const writer = new MemoryStore(shared);
    await create(writer);
    await write(writer, 1);
    const reader = new MemoryStore(shared);
    const before = await openArray(reader, "", { dataType: "int32", context });
    expect(Array.from((await before.get("5:7")).data)).toEqual([105, 106]);
    await write(writer, 2);
    expect(Array.from((await before.get("5:7")).data)).toEqual([105, 106]);
    const after = await openArray(reader, "", { dataType: "int32", context });
    expect(Array.from((await after.get("5:7")).data)).toEqual([205, 206]);
  });
});
