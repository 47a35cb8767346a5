import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConsolidatedStore,
  createArray,
  createDefaultContext,
  createGroup,
  FileSystemStore,
  isZarrkitError,
  openArray,
  writeConsolidatedMetadata,
} from "./index.js";
import { loadNativeAddon } from "./native-addon.js";

/**
 * Counts the scatter reads and gather writes (listed or strided) a FileSystemStore is asked
 * for. It offers no local files, as a store that must see every read does: small chunks would
 * otherwise be read by the addon's codecs in batches, past getInto.
 */
class CountingFileSystemStore extends FileSystemStore {
  getIntos = 0;
  /** Values written gathered from strided runs (setParts, setPartsStrided, setManyStrided). */
  gatheredValues = 0;

  override localFile(): undefined {
    return undefined;
  }

  override getInto(...args: Parameters<FileSystemStore["getInto"]>) {
    this.getIntos++;
    return super.getInto(...args);
  }

  override getIntoStrided(...args: Parameters<FileSystemStore["getIntoStrided"]>) {
    this.getIntos++;
    return super.getIntoStrided(...args);
  }

  override setParts(...args: Parameters<FileSystemStore["setParts"]>) {
    this.gatheredValues++;
    return super.setParts(...args);
  }

  override setPartsStrided(...args: Parameters<FileSystemStore["setPartsStrided"]>) {
    this.gatheredValues++;
    return super.setPartsStrided(...args);
  }

  override setManyStrided(...args: Parameters<FileSystemStore["setManyStrided"]>) {
    this.gatheredValues += args[0].length;
    return super.setManyStrided(...args);
  }
}

/** A FileSystemStore whose writes each take 5 ms more: `most` is how many overlapped. */
class WatchedFileSystemStore extends FileSystemStore {
  most = 0;
  #inFlight = 0;

  async #watched<T>(write: () => Promise<T>): Promise<T> {
    this.most = Math.max(this.most, ++this.#inFlight);
    // Long enough that writes overlap however unevenly their encodes finish (a loaded machine).
    await new Promise((r) => setTimeout(r, 30));
    try {
      return await write();
    } finally {
      this.#inFlight--;
    }
  }

  override set(...args: Parameters<FileSystemStore["set"]>) {
    return this.#watched(() => super.set(...args));
  }

  override setParts(...args: Parameters<FileSystemStore["setParts"]>) {
    return this.#watched(() => super.setParts(...args));
  }

  override setPartsStrided(...args: Parameters<FileSystemStore["setPartsStrided"]>) {
    return this.#watched(() => super.setPartsStrided(...args));
  }
}

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** The little-endian int32 bytes of rows r0..r0+rows, columns c0..c0+cols of iota(shape). */
function chunkBytes(width: number, r0: number, rows: number, c0: number, cols: number): Buffer {
  const out = Buffer.alloc(rows * cols * 4);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out.writeInt32LE((r0 + r) * width + c0 + c, (r * cols + c) * 4);
  return out;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "zarrkit-memory-layout-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("chunk I/O without intermediate buffers", () => {
  it("writes whole chunks gathered from the value and reads them with one scatter read each", async () => {
    const store = new CountingFileSystemStore(root);
    // Rows of 640 int32: runs long enough to be worth handing to the kernel one by one.
    const a = await createArray(store, "", {
      shape: [6, 1280],
      chunkShape: [2, 640],
      dataType: "int32",
    });
    await a.set(null, iota(6 * 1280));
    expect(store.gatheredValues).toBe(6);
    // Each chunk file holds exactly its elements, little-endian, in C order.
    expect(await readFile(join(root, "c", "1", "1"))).toEqual(chunkBytes(1280, 2, 2, 640, 640));
    expect(await readFile(join(root, "c", "2", "0"))).toEqual(chunkBytes(1280, 4, 2, 0, 640));

    const reader = new CountingFileSystemStore(root, { readOnly: true });
    const b = await openArray(reader, "", { dataType: "int32" });
    expect(Array.from((await b.get(null)).data)).toEqual(Array.from(iota(6 * 1280)));
    expect(reader.getIntos).toBe(6);
    // A window covers chunk (1, 0) whole and cuts the rest: those take the usual path.
    const window = await b.get("1:5, 0:700");
    const columns = Array.from({ length: 700 }, (_, c) => c);
    const expected = [1, 2, 3, 4].flatMap((r) => columns.map((c) => r * 1280 + c));
    expect(Array.from(window.data)).toEqual(expected);
    expect(reader.getIntos).toBe(7);
  });

  it("reads into a caller's SharedArrayBuffer and a strided window of it", async () => {
    const store = new CountingFileSystemStore(root);
    const a = await createArray(store, "", {
      shape: [4, 256],
      chunkShape: [2, 256],
      dataType: "int32",
    });
    await a.set(null, iota(4 * 256));
    // The 4x256 result placed in the middle columns of a 4x260 shared buffer.
    const backing = new Int32Array(new SharedArrayBuffer(4 * 260 * 4)).fill(-1);
    await a.get(null, {
      out: { data: backing, shape: [4, 256], stride: [260, 1], offset: 2, dataType: a.dataType },
    });
    expect(store.getIntos).toBe(2);
    for (let r = 0; r < 4; r++) {
      const row = Array.from(backing.subarray(r * 260, r * 260 + 260));
      expect(row.slice(0, 2)).toEqual([-1, -1]);
      expect(row.slice(2, 258)).toEqual(Array.from({ length: 256 }, (_, c) => r * 256 + c));
      expect(row.slice(258)).toEqual([-1, -1]);
    }
  });

  it("scatter-reads through a consolidated view of the directory", async () => {
    const store = new CountingFileSystemStore(root);
    await createGroup(store, "");
    const a = await createArray(store, "a", {
      shape: [2, 256],
      chunkShape: [1, 256],
      dataType: "int32",
    });
    await a.set(null, iota(512));
    await writeConsolidatedMetadata(store);
    const consolidated = await ConsolidatedStore.open(store);
    const b = await openArray(consolidated!, "a", { dataType: "int32" });
    expect(Array.from((await b.get(null)).data)).toEqual(Array.from(iota(512)));
    expect(store.getIntos).toBe(2);
    // Metadata comes from the consolidated document, copied into the targets or lent memory.
    const doc = (await consolidated!.get("a/zarr.json"))!;
    const target = new Uint8Array(doc.length);
    expect(await consolidated!.getInto("a/zarr.json", [target])).toBe(doc.length);
    expect(target).toEqual(doc);
    const lent = new Uint8Array(doc.length + 5);
    const got = await consolidated!.getWith("a/zarr.json", (size) => lent.subarray(5, 5 + size));
    expect(got?.buffer).toBe(lent.buffer);
    expect(got).toEqual(doc);
    // Chunks are read by the directory store into the lent memory.
    const chunk = await consolidated!.getWith("a/c/1/0", (size) => new Uint8Array(size));
    expect(chunk).toEqual(new Uint8Array(iota(512).buffer, 256 * 4, 256 * 4));
  });

  it("reads a window of partly covered chunks as one byte range per chunk", async () => {
    const a = await createArray(new FileSystemStore(root), "", {
      shape: [8, 1024],
      chunkShape: [4, 512],
      dataType: "int32",
    });
    await a.set(null, iota(8 * 1024));
    const asked: { key: string; bytes: number }[] = [];
    // A store that must see every read offers no local files: with the addon, windows of
    // local files are read by one job instead (region-decode.test.ts).
    class RangeCountingStore extends FileSystemStore {
      override localFile(): undefined {
        return undefined;
      }
      override async get(...args: Parameters<FileSystemStore["get"]>) {
        const value = await super.get(...args);
        asked.push({ key: args[0], bytes: value?.byteLength ?? 0 });
        return value;
      }
    }
    const b = await openArray(new RangeCountingStore(root, { readOnly: true }), "", {
      dataType: "int32",
    });
    asked.length = 0;
    // Rows 2..5 (backwards), columns 500..529: four chunks, each touched in part.
    const window = await b.get("5:1:-1, 500:530");
    const expected = [5, 4, 3, 2].flatMap((r) =>
      Array.from({ length: 30 }, (_, c) => r * 1024 + 500 + c),
    );
    expect(Array.from(window.data)).toEqual(expected);
    expect(asked.map((r) => r.key).sort()).toEqual(["c/0/0", "c/0/1", "c/1/0", "c/1/1"]);
    // From the first to the last selected element of each chunk: 2 rows + 12 elements in
    // chunk (0, 0), not its 8 KiB.
    expect(asked.find((r) => r.key === "c/0/0")!.bytes).toBe((512 + 12) * 4);
    expect(asked.every((r) => r.bytes < 4 * 512 * 4)).toBe(true);
  });

  it.each([
    ["node:fs", false],
    ["the native addon", true],
  ])("reads compressed chunks into recycled memory, correctly (%s)", async (_, native) => {
    const lentSizes: number[] = [];
    class LendingStore extends FileSystemStore {
      override getWith(...[key, lend, options]: Parameters<FileSystemStore["getWith"]>) {
        return super.getWith(
          key,
          (size) => {
            lentSizes.push(size);
            return lend(size);
          },
          options,
        );
      }
    }
    const store = new LendingStore(root, { native });
    const a = await createArray(store, "", {
      shape: [64, 64],
      chunkShape: [8, 8],
      dataType: "int32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1 } },
      ],
      fillValue: 3,
    });
    // Every chunk but the last row of chunks is written; those read as the fill value.
    await a.set("0:56, :", iota(56 * 64));
    const got = Array.from((await a.get(null)).data);
    expect(got.slice(0, 56 * 64)).toEqual(Array.from(iota(56 * 64)));
    expect(got.slice(56 * 64)).toEqual(new Array(8 * 64).fill(3));
    // node:fs reads each stored chunk into memory the read lends (reused chunk after chunk);
    // the addon reads into its own, recycled across reads, and borrows none.
    const addon = (await loadNativeAddon())?.nativeFileIO;
    expect(lentSizes.length).toBe(native && addon !== undefined ? 0 : 56);
    // A chunk that does not decode fails naming it, and the read after it is still right.
    await writeFile(join(root, "c", "2", "2"), Buffer.alloc(40, 7));
    const error = await a.get(null).catch((e: unknown) => e);
    expect(isZarrkitError(error, "CorruptChunk") && error.key).toBe("c/2/2");
    expect(Array.from((await a.get("0:8, :")).data)).toEqual(Array.from(iota(8 * 64)));
  });

  it("writes at most the store's writeConcurrency chunks at once", async () => {
    const store = new WatchedFileSystemStore(root);
    // 4 on node:fs, 8 with the native addon's one-job writes.
    const limit = store.capabilities.writeConcurrency;
    expect([4, 8]).toContain(limit);
    // 16 chunks of 512 KiB: too large to go in batches (one setMany for several).
    const a = await createArray(store, "", {
      shape: [2048, 1024],
      chunkShape: [256, 512],
      dataType: "int32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1 } },
      ],
      context: createDefaultContext({ concurrency: 16 }),
    });
    await a.set(null, iota(2048 * 1024));
    expect(store.most).toBe(limit);
    expect((await a.get(null)).data).toEqual(iota(2048 * 1024));
  });

  it("writes fewer shards at once, as each encodes 4 inner chunks at a time", async () => {
    const store = new WatchedFileSystemStore(root);
    const limit = store.capabilities.writeConcurrency ?? 16;
    const a = await createArray(store, "", {
      shape: [64, 64],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [4, 4],
            codecs: [
              { name: "bytes", configuration: { endian: "little" } },
              { name: "zstd", configuration: { level: 1 } },
            ],
            index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
          },
        },
      ],
      context: createDefaultContext({ concurrency: 16 }),
    });
    await a.set(null, iota(64 * 64));
    // 16 shards; the store's limit counts encodes in flight: 8 -> 2 shards, 4 -> 1.
    expect(store.most).toBe(limit / 4);
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(64 * 64)));
  });

  it("writes a shard as its parts, gathered by the store, in ZEP2's layout", async () => {
    const store = new CountingFileSystemStore(root);
    const a = await createArray(store, "", {
      shape: [64, 64],
      chunkShape: [32, 32],
      dataType: "int32",
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [16, 16],
            codecs: [{ name: "bytes", configuration: { endian: "little" } }],
            index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
            index_location: "end",
          },
        },
      ],
    });
    await a.set(null, iota(64 * 64));
    // 4 shards, each one gather write (4 inner chunks and the index), never joined in memory.
    expect(store.gatheredValues).toBe(4);
    // ZEP2: inner chunks in C order, then the index of (offset, nbytes) uint64 pairs.
    const shard = await readFile(join(root, "c", "1", "0"));
    const inner = 16 * 16 * 4;
    expect(shard.length).toBe(4 * inner + 4 * 16);
    expect(shard.subarray(inner, 2 * inner)).toEqual(chunkBytes(64, 32, 16, 16, 16));
    expect(shard.readBigUInt64LE(4 * inner + 16)).toBe(BigInt(inner));
    expect(shard.readBigUInt64LE(4 * inner + 24)).toBe(BigInt(inner));
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(64 * 64)));
  });

  it("keeps float32 NaN payloads bit for bit", async () => {
    const a = await createArray(new FileSystemStore(root), "", {
      shape: [2, 128],
      chunkShape: [1, 128],
      dataType: "float32",
    });
    const bits = Uint32Array.from({ length: 256 }, (_, i) => 0x7f800001 + i * 4099);
    await a.set(null, new Float32Array(bits.buffer));
    const got = (await a.get(null)).data;
    expect(Array.from(new Uint32Array(got.buffer, got.byteOffset, 256))).toEqual(Array.from(bits));
  });

  it("leaves big-endian chunks, edge chunks and missing chunks to the usual path, correctly", async () => {
    const store = new CountingFileSystemStore(root);
    const big = await createArray(store, "big", {
      shape: [2, 256],
      chunkShape: [1, 256],
      dataType: "int32",
      codecs: [{ name: "bytes", configuration: { endian: "big" } }],
    });
    await big.set(null, iota(512));
    expect(store.gatheredValues).toBe(0);
    expect(await readFile(join(root, "big", "c", "1", "0"))).toEqual(
      Buffer.from(chunkBytes(256, 1, 1, 0, 256).swap32()),
    );
    expect(Array.from((await big.get(null)).data)).toEqual(Array.from(iota(512)));
    expect(store.getIntos).toBe(0);

    // Chunks of 200 columns: the last one sticks out of the array's 500.
    const edged = await createArray(store, "edged", {
      shape: [2, 500],
      chunkShape: [1, 200],
      dataType: "int32",
      fillValue: 7,
    });
    await edged.set("0, :", iota(500));
    const got = Array.from((await edged.get(null)).data);
    expect(got.slice(0, 500)).toEqual(Array.from(iota(500)));
    // Row 1 was never written: its chunks are missing and read as the fill value.
    expect(got.slice(500)).toEqual(new Array(500).fill(7));
    expect(existsSync(join(root, "edged", "c", "1", "0"))).toBe(false);
  });

  it("deletes a chunk written as all fill values instead of storing it", async () => {
    const a = await createArray(new FileSystemStore(root), "", {
      shape: [2, 256],
      chunkShape: [1, 256],
      dataType: "int32",
      fillValue: 5,
    });
    await a.set(null, iota(512));
    expect(existsSync(join(root, "c", "0", "0"))).toBe(true);
    await a.set("0, :", new Int32Array(256).fill(5));
    expect(existsSync(join(root, "c", "0", "0"))).toBe(false);
    expect(existsSync(join(root, "c", "1", "0"))).toBe(true);
  });

  it("refuses a chunk file of the wrong size, naming its key, and leaves it as it was", async () => {
    const a = await createArray(new FileSystemStore(root), "", {
      shape: [2, 256],
      chunkShape: [1, 256],
      dataType: "int32",
    });
    await a.set(null, iota(512));
    const file = join(root, "c", "1", "0");
    await writeFile(file, Buffer.alloc(1000, 1));
    const error = await a.get(null).catch((e: unknown) => e);
    expect(isZarrkitError(error, "CorruptChunk") && error.key).toBe("c/1/0");
    expect(String(error)).toContain("holds 1000 bytes");
    expect(await readFile(file)).toEqual(Buffer.alloc(1000, 1));
  });
});
