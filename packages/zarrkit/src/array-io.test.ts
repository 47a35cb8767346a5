import { describe, expect, it } from "vitest";
import {
  type ChunkSpec,
  type CodecExtension,
  createArray,
  createContext,
  createDefaultContext,
  createDefaultRegistry,
  expandRuns,
  isZarrkitError,
  MemoryStore,
  type NamedConfigJson,
  type NDArray,
  openArray,
  type StridedRuns,
  type StridedView,
  type ZarrArray,
} from "./index.js";
import { answersLaterStore } from "./test-support/answers-later-store.js";

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("reading into caller memory", () => {
  it("fills a caller's typed array in C order, also over a SharedArrayBuffer", async () => {
    const a = await createArray(new MemoryStore(), "", {
      shape: [4, 6],
      chunkShape: [3, 4],
      dataType: "int32",
    });
    await a.set(null, iota(24));
    const out = new Int32Array(new SharedArrayBuffer(12 * 4)).fill(-1);
    const got = await a.get("1:3, ::-1", { out });
    expect(got.data).toBe(out);
    expect(Array.from(out)).toEqual([11, 10, 9, 8, 7, 6, 17, 16, 15, 14, 13, 12]);
  });

  it("writes through any strides and offset of an NDArray view, leaving the rest untouched", async () => {
    const a = await createArray(new MemoryStore(), "", {
      shape: [2, 3],
      chunkShape: [1, 2],
      dataType: "int32",
    });
    await a.set(null, iota(6));
    // A 3x2 view of a 4x5 buffer, column-major, starting at (1, 1): out[i][j] sits at 6 + 4*j + i... see strides.
    const backing = new Int32Array(20).fill(-1);
    const view: NDArray<"int32"> = {
      data: backing,
      shape: [3, 2],
      stride: [1, 5],
      offset: 6,
      dataType: a.dataType,
    };
    await a.get("::-1, :", { out: { ...view, shape: [2, 3], stride: [5, 1] } });
    // Row r of the result is array row 1 - r.
    expect(Array.from(backing.subarray(6, 9))).toEqual([3, 4, 5]);
    expect(Array.from(backing.subarray(11, 14))).toEqual([0, 1, 2]);
    expect(backing.filter((v) => v === -1).length).toBe(20 - 6);
    expect(view.shape).toEqual([3, 2]);
  });

  it("puts results where an allocator says (per call or per context)", async () => {
    const pool = new SharedArrayBuffer(1024);
    const seen: string[] = [];
    const context = createDefaultContext({
      allocator: (dataType, count) => {
        seen.push(`${dataType.name}x${count}`);
        return dataType.view(pool, 0, count);
      },
    });
    const a = await createArray(new MemoryStore(), "", {
      shape: [10],
      chunkShape: [4],
      dataType: "float64",
      fillValue: 2.5,
      context,
    });
    const got = await a.get("2:7");
    expect(got.data.buffer).toBe(pool);
    expect(Array.from(got.data)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(seen).toEqual(["float64x5"]);
  });

  it("rejects out of the wrong type or size", async () => {
    const a = await createArray(new MemoryStore(), "x", {
      shape: [4],
      chunkShape: [2],
      dataType: "uint16",
    });
    // Plain JS callers can pass anything; the check happens at run time.
    const untyped: ZarrArray = a;
    await expect(untyped.get(null, { out: new Int16Array(4) })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidValue") && /Uint16Array/.test(e.message),
    );
    await expect(a.get(null, { out: new Uint16Array(3) })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidValue") && e.path === "x",
    );
  });

  it("rejects views whose data, strides or offset do not fit, before any I/O", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "v", {
      shape: [6, 4],
      chunkShape: [3, 2],
      dataType: "float32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1, checksum: false } },
      ],
    });
    await a.set(null, 5);
    const before = new Map(store.map);
    const view = (data: Float32Array | Int32Array, stride: number[], offset: number) => ({
      data,
      shape: [6, 4],
      stride,
      offset,
      dataType: a.dataType,
    });
    // Plain JS callers can pass anything; the check happens at run time.
    const untyped: ZarrArray = a;
    const bad = [
      view(new Float32Array(24), [4, 1], 1), // its last element is past the data
      view(new Float32Array(24), [-4, -1], 22), // its first is before it
      view(new Float32Array(100), [1e6, 1], 0),
      view(new Float32Array(24), [4, 1.5], 0),
      view(new Float32Array(24), [4, 1], -1),
      view(new Float32Array(24), [4], 0),
      view(new Int32Array(24), [4, 1], 0), // same size, other kind
    ];
    for (const v of bad) {
      const where = JSON.stringify({ stride: v.stride, offset: v.offset });
      await expect(untyped.get(null, { out: v }), where).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "InvalidValue") && e.path === "v",
      );
      await expect(untyped.set(null, v), where).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "InvalidValue") && e.path === "v",
      );
    }
    expect(store.map).toEqual(before);
    // Views that fit, however laid out, read and write the elements they address.
    const values = Float32Array.from({ length: 24 }, (_, i) => i);
    const reversed = view(Float32Array.from(values).reverse(), [-4, -1], 23);
    await untyped.set(null, reversed);
    const fortran = view(new Float32Array(30), [1, 6], 6);
    await untyped.get(null, { out: fortran });
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 4; c++) expect(fortran.data[6 + r + 6 * c]).toBe(r * 4 + c);
    expect(Array.from(fortran.data.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("resize", () => {
  it("shrinks (deleting chunks outside, clearing cut edges) and grows with fill values", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "r", {
      shape: [5, 5],
      chunkShape: [2, 2],
      dataType: "int32",
      fillValue: -1,
    });
    await a.set(null, iota(25));
    await a.resize([3, 2]);
    expect(a.shape).toEqual([3, 2]);
    expect(Array.from((await a.get()).data)).toEqual([0, 1, 5, 6, 10, 11]);
    // Only chunks inside the 2x1 grid remain.
    expect([...store.map.keys()].filter((k) => k.includes("/c/")).sort()).toEqual([
      "r/c/0/0",
      "r/c/1/0",
    ]);
    await a.resize([5, 3]);
    const reopened = await openArray(store, "r", { dataType: "int32" });
    expect(reopened.shape).toEqual([5, 3]);
    // Rows 3.. and column 2 were cut away before, so they read as the fill value now.
    expect(Array.from((await reopened.get()).data)).toEqual([
      0, 1, -1, 5, 6, -1, 10, 11, -1, -1, -1, -1, -1, -1, -1,
    ]);
  });

  it("rejects a shape of the wrong rank without changing anything", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", { shape: [4], chunkShape: [2], dataType: "uint8" });
    await a.set(null, 7);
    const before = new Map(store.map);
    await expect(a.resize([2, 2])).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidValue"),
    );
    await expect(a.resize([-1])).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidValue"),
    );
    expect(store.map).toEqual(before);
  });
});

describe("cancellation and concurrency", () => {
  it("an aborted set writes no partial chunk: every chunk holds all old or all new values", async () => {
    const store = new MemoryStore();
    const context = createDefaultContext({ concurrency: 2 });
    const a = await createArray(store, "", {
      shape: [64, 64],
      chunkShape: [8, 8],
      dataType: "int32",
      context,
    });
    await a.set(null, 1);
    const controller = new AbortController();
    // Abort while the writes are under way.
    const writing = a.set(null, 2, { signal: controller.signal });
    await Promise.resolve();
    controller.abort();
    await expect(writing).rejects.toSatisfy((e: unknown) => isZarrkitError(e, "Aborted"));
    const got = await a.get();
    for (let ci = 0; ci < 8; ci++) {
      for (let cj = 0; cj < 8; cj++) {
        const values = new Set<number>();
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 8; j++) values.add(got.data[(ci * 8 + i) * 64 + cj * 8 + j]!);
        expect(values.size, `chunk ${ci},${cj}`).toBe(1);
      }
    }
  });

  it("never has more chunk operations in flight than the context allows", async () => {
    let inFlight = 0;
    let peak = 0;
    const inner = new MemoryStore();
    const store = {
      get: async (key: string) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return inner.get(key);
      },
      set: (key: string, value: Uint8Array) => inner.set(key, value),
      delete: (key: string) => inner.delete(key),
    };
    const a = await createArray(store, "", {
      shape: [40, 40],
      chunkShape: [4, 4],
      dataType: "uint8",
      context: createDefaultContext({ concurrency: 3 }),
    });
    await a.set(null, 1);
    await a.get();
    expect(peak).toBe(3);
  });

  it("an aborted get rejects with Aborted", async () => {
    const a = await createArray(new MemoryStore(), "", {
      shape: [4],
      chunkShape: [2],
      dataType: "uint8",
    });
    const controller = new AbortController();
    controller.abort();
    await expect(a.get(null, { signal: controller.signal })).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "Aborted"),
    );
  });
});

describe("decoding straight into the output", () => {
  it("whole chunks go through decodeInto (no intermediate array); partial ones through decode", async () => {
    const registry = createDefaultRegistry();
    const calls: string[] = [];
    const bytes = registry.get("codec", "bytes");
    // A third-party array->bytes codec whose decode refuses, so only decodeInto can succeed.
    const intoOnly: CodecExtension = {
      ...bytes,
      name: "into-only",
      aliases: [],
      async fromConfig(_configuration, context) {
        const inner = await bytes.fromConfig({ endian: "little" }, context);
        if (inner.kind !== "array_to_bytes" || inner.decodeInto === undefined)
          throw new Error("unexpected");
        const decodeInto = inner.decodeInto.bind(inner);
        return {
          ...inner,
          name: "into-only",
          encode: inner.encode.bind(inner),
          toConfig: () => ({ name: "into-only" }),
          decode: () => {
            calls.push("decode");
            throw new Error("decode was called");
          },
          decodeInto: (b: Uint8Array, spec: ChunkSpec, target: StridedView) => {
            calls.push("decodeInto");
            return decodeInto(b, spec, target);
          },
        };
      },
    };
    registry.register(intoOnly);
    const context = createContext({ registry });
    const a = await createArray(new MemoryStore(), "", {
      shape: [4, 6],
      chunkShape: [2, 3],
      dataType: "int32",
      context,
      codecs: [{ name: "transpose", configuration: { order: [1, 0] } }, { name: "into-only" }],
    });
    await a.set(null, iota(24));
    expect(Array.from((await a.get("::-1, 3:6")).data)).toEqual([
      21, 22, 23, 15, 16, 17, 9, 10, 11, 3, 4, 5,
    ]);
    expect(calls).toEqual(["decodeInto", "decodeInto"]);
    await expect(a.get("0, 0")).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "CorruptChunk") && e.key === "c/0/0",
    );
  });

  it("a bytes->bytes codec that scatters and gathers gets the rows of the caller's arrays", async () => {
    const registry = createDefaultRegistry();
    const scattered: number[][] = [];
    const gathered: number[][] = [];
    const stored = new Map<string, Uint8Array>();
    // A third-party "compressor" that stores bytes as they are and moves rows itself, as a
    // codec running on another thread would.
    const rows: CodecExtension = {
      kind: "codec",
      name: "rows",
      codecKind: "bytes_to_bytes",
      fromConfig: () => ({
        kind: "bytes_to_bytes",
        name: "rows",
        toConfig: () => ({ name: "rows" }),
        encode: (bytes: Uint8Array) => bytes.slice(),
        decode: (bytes: Uint8Array) => bytes.slice(),
        async encodeRuns(runs: readonly Uint8Array[]) {
          gathered.push(runs.map((r) => r.length));
          const out = new Uint8Array(runs.reduce((n, r) => n + r.length, 0));
          let at = 0;
          for (const run of runs) {
            out.set(run, at);
            at += run.length;
          }
          return out;
        },
        async decodeIntoRuns(bytes: Uint8Array, runs: readonly Uint8Array[]) {
          scattered.push(runs.map((r) => r.length));
          let at = 0;
          for (const run of runs) {
            run.set(bytes.subarray(at, at + run.length));
            at += run.length;
          }
        },
      }),
      samples: [{}],
      dataTypes: "all",
    };
    registry.register(rows);
    class Recording extends MemoryStore {
      override async set(key: string, value: Uint8Array) {
        stored.set(key, value.slice());
        return super.set(key, value);
      }
    }
    const a = await createArray(new Recording(), "", {
      shape: [8, 1024],
      chunkShape: [4, 256],
      dataType: "int32",
      context: createContext({ registry }),
      codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "rows" }],
    });
    await a.set(null, iota(8 * 1024));
    // 8 chunks, each gathered from its 4 rows of 256 int32 in the value: 1024 bytes apiece.
    expect(gathered).toEqual(new Array(8).fill([1024, 1024, 1024, 1024]));
    // Chunk c/1/2 holds rows 4..8, columns 512..768, in C order.
    const want = new Int32Array(4 * 256).map((_, i) => (4 + (i >> 8)) * 1024 + 512 + (i & 255));
    expect(stored.get("c/1/2")).toEqual(new Uint8Array(want.buffer));
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(8 * 1024)));
    expect(scattered).toEqual(new Array(8).fill([1024, 1024, 1024, 1024]));
    // A window cuts chunks: those decode into scratch memory and are copied as before.
    expect(Array.from((await a.get("1:3, 254:258")).data)).toEqual([
      1278, 1279, 1280, 1281, 2302, 2303, 2304, 2305,
    ]);
    expect(scattered.length).toBe(8);
  });

  it("a codec that takes strided runs gets one description per chunk, not a view per row", async () => {
    const registry = createDefaultRegistry();
    const seen: { offset: number; runBytes: number; shape: number[]; strides: number[] }[] = [];
    const record = (runs: StridedRuns) =>
      seen.push({
        offset: runs.offset,
        runBytes: runs.runBytes,
        shape: [...runs.shape],
        strides: [...runs.strides],
      });
    const strided: CodecExtension = {
      kind: "codec",
      name: "strided",
      codecKind: "bytes_to_bytes",
      fromConfig: () => ({
        kind: "bytes_to_bytes",
        name: "strided",
        toConfig: () => ({ name: "strided" }),
        encode: (bytes: Uint8Array) => bytes.slice(),
        decode: (bytes: Uint8Array) => bytes.slice(),
        async encodeStrided(runs: StridedRuns) {
          record(runs);
          return Buffer.concat(expandRuns(runs));
        },
        async decodeIntoStrided(bytes: Uint8Array, runs: StridedRuns) {
          record(runs);
          let at = 0;
          for (const run of expandRuns(runs)) {
            run.set(bytes.subarray(at, at + run.length));
            at += run.length;
          }
        },
      }),
      samples: [{}],
      dataTypes: "all",
    };
    registry.register(strided);
    const a = await createArray(new MemoryStore(), "", {
      shape: [2, 8, 1024],
      chunkShape: [2, 4, 256],
      dataType: "int32",
      context: createContext({ registry }),
      codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "strided" }],
    });
    await a.set(null, iota(2 * 8 * 1024));
    // Chunk (0, 1, 2) of the value: rows of 256 int32 (1 KiB), 4 rows 4 KiB apart in each of 2
    // planes 32 KiB apart, starting at element [0, 4, 512].
    const want = {
      offset: (4 * 1024 + 512) * 4,
      runBytes: 1024,
      shape: [2, 4],
      strides: [32768, 4096],
    };
    expect(seen.length).toBe(8);
    expect(seen).toContainEqual(want);
    seen.length = 0;
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(2 * 8 * 1024)));
    expect(seen).toContainEqual(want);
  });

  it("keeps NaN payloads bit for bit through strided and transposed reads", async () => {
    const a = await createArray(new MemoryStore(), "", {
      shape: [3, 4],
      chunkShape: [2, 3],
      dataType: "float32",
      codecs: [
        { name: "transpose", configuration: { order: [1, 0] } },
        { name: "bytes", configuration: { endian: "big" } },
      ],
    });
    // Signalling and quiet NaNs with payloads, written as bits.
    const bits = Uint32Array.from({ length: 12 }, (_, i) =>
      i % 2 ? 0x7f800001 + i : 0xffc00000 + i,
    );
    await a.set(null, new Float32Array(bits.buffer));
    const got = await a.get("::-1, 1::2");
    const gotBits = Array.from(
      new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length),
    );
    const want = [2, 1, 0].flatMap((r) => [1, 3].map((c) => bits[r * 4 + c]!));
    expect(gotBits).toEqual(want);
  });
});

/** Chunks little-endian and gzipped, for the concurrent-read tests. */
const bytesGzip: NamedConfigJson[] = [
  { name: "bytes", configuration: { endian: "little" } },
  { name: "gzip", configuration: { level: 1 } },
];

/**
 * A store whose reads answer 5 ms late (so that every concurrent reader asks before the first
 * read is back), and the keys read.
 */
function slowStore() {
  const store = answersLaterStore({ readMs: 5 });
  return { store, gets: store.reads };
}

describe("concurrent reads of one array", () => {
  it("share one read and decode of each chunk they cut, and see writes made in between", async () => {
    const { store, gets } = slowStore();
    // 24x24 int32 in 8x8 zstd chunks, fill 7; chunk (2, 2) never written (missing).
    const a = await createArray(store, "", {
      shape: [24, 24],
      chunkShape: [8, 8],
      dataType: "int32",
      fillValue: 7,
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1 } },
      ],
    });
    await a.set("0:16, :", iota(16 * 24));
    await a.set(
      "16:24, 0:16",
      iota(8 * 16).map((v) => v + 1000),
    );
    const expected = (r: number, c: number) =>
      r < 16 ? r * 24 + c : c < 16 ? 1000 + (r - 16) * 16 + c : 7;
    const windows = Array.from({ length: 30 }, (_, i) => {
      const [r0, c0] = [(i * 5) % 17, (i * 7) % 17];
      return { r0, c0, selection: `${r0}:${r0 + 7}, ${c0}:${c0 + 7}` };
    });
    gets.length = 0;
    const got = await Promise.all(windows.map((w) => a.get(w.selection)));
    // The windows cut chunks 86 times; each chunk was read once, but for the first window's
    // (up to 4), read before any other read was under way.
    const chunkReads = gets.map((r) => r.key).filter((k) => k.startsWith("c/"));
    const cuts = windows.reduce(
      (n, { r0, c0 }) =>
        n +
        (Math.floor((r0 + 6) / 8) - Math.floor(r0 / 8) + 1) *
          (Math.floor((c0 + 6) / 8) - Math.floor(c0 / 8) + 1),
      0,
    );
    expect(cuts).toBe(86);
    expect(chunkReads.length).toBeLessThanOrEqual(new Set(chunkReads).size + 4);
    windows.forEach(({ r0, c0 }, i) => {
      const want = Array.from({ length: 49 }, (_, k) =>
        expected(r0 + Math.floor(k / 7), c0 + (k % 7)),
      );
      expect(Array.from(got[i]!.data), `window ${i}`).toEqual(want);
    });
    // A write between two rounds of concurrent reads: the second round sees it.
    await a.set("3, 3", -5);
    const again = await Promise.all([a.get("2:5, 2:5"), a.get("3:4, 0:10")]);
    expect(Array.from(again[0].data)).toEqual([50, 51, 52, 74, -5, 76, 98, 99, 100]);
    expect(Array.from(again[1].data)).toEqual([72, 73, 74, -5, 76, 77, 78, 79, 80, 81]);
  });
});

describe("concurrent reads of one array, one of them aborted", () => {
  it("the aborted read rejects; the others, sharing its chunks, finish with their values", async () => {
    const { store } = slowStore();
    const a = await createArray(store, "", {
      shape: [16, 16],
      chunkShape: [8, 8],
      dataType: "int32",
      codecs: bytesGzip,
    });
    await a.set(null, iota(256));
    const controller = new AbortController();
    const reads = Array.from({ length: 6 }, (_, i) =>
      a.get(`${i + 1}:${i + 9}, 3:11`, i === 2 ? { signal: controller.signal } : {}),
    );
    controller.abort();
    const settled = await Promise.allSettled(reads);
    expect(settled[2]!.status).toBe("rejected");
    settled.forEach((result, i) => {
      if (i === 2) return;
      expect(result.status).toBe("fulfilled");
      const want = Array.from(
        { length: 64 },
        (_, k) => (i + 1 + Math.floor(k / 8)) * 16 + 3 + (k % 8),
      );
      if (result.status === "fulfilled")
        expect(Array.from(result.value.data), `read ${i}`).toEqual(want);
    });
    // Nothing is left held: a later burst reads the same chunks afresh, right.
    const again = await Promise.all([a.get("0:2, 0:2"), a.get("14:16, 14:16"), a.get("7:9, 7:9")]);
    expect(again.map((r) => Array.from(r.data))).toEqual([
      [0, 1, 16, 17],
      [238, 239, 254, 255],
      [119, 120, 135, 136],
    ]);
  });
});

describe("the decoded-chunk cache", () => {
  it("serves repeated reads from memory, stays bounded, and sees this context's writes", async () => {
    let gets = 0;
    const inner = new MemoryStore();
    const store = {
      get: (key: string) => {
        gets++;
        return inner.get(key);
      },
      set: (key: string, value: Uint8Array) => inner.set(key, value),
      delete: (key: string) => inner.delete(key),
    };
    // Room for two 4x4 int32 chunks (64 bytes each).
    const context = createDefaultContext({ chunkCacheBytes: 128 });
    const a = await createArray(store, "", {
      shape: [4, 12],
      chunkShape: [4, 4],
      dataType: "int32",
      context,
    });
    await a.set(null, iota(48));
    gets = 0;
    await a.get(":, 0:8");
    expect(gets).toBe(2);
    await a.get("1, 0:8");
    expect(gets).toBe(2);
    await a.set("0, 0", 100);
    expect(Array.from((await a.get("0, 0:2")).data)).toEqual([100, 1]);
    await a.get(":, 8:12");
    expect(context.chunkCache.size).toBeLessThanOrEqual(128);
    expect(context.chunkCache.count).toBe(2);
  });

  it("keeps no chunk that a read cached while a write of it was under way", async () => {
    const store = answersLaterStore({ readMs: 2, writeMs: 5 });
    const a = await createArray(store, "", {
      shape: [4, 4],
      chunkShape: [4, 4],
      dataType: "int32",
      context: createDefaultContext({ chunkCacheBytes: 1 << 20 }),
    });
    await a.set(null, iota(16));
    const writing = a.set(null, 9);
    await new Promise((r) => setTimeout(r, 1));
    // Old values, or new ones if the write landed first (a slow machine): either is right.
    expect([
      [0, 1, 2, 3],
      [9, 9, 9, 9],
    ]).toContainEqual(Array.from((await a.get("0, :")).data));
    await writing;
    expect(Array.from((await a.get("0, :")).data)).toEqual([9, 9, 9, 9]);
  });

  it("reads a chunk once for many concurrent readers; a chunk larger than it is not cached", async () => {
    const { store, gets } = slowStore();
    const context = createDefaultContext({ chunkCacheBytes: 1 << 20 });
    const a = await createArray(store, "", {
      shape: [16, 16],
      chunkShape: [8, 8],
      dataType: "int32",
      codecs: bytesGzip,
      context,
    });
    await a.set(null, iota(256));
    gets.length = 0;
    // 20 windows, each across all four chunks: four reads in all.
    const windows = await Promise.all(
      Array.from({ length: 20 }, (_, i) => a.get(`${(i % 8) + 1}:${(i % 8) + 8}, 4:12`)),
    );
    expect(
      gets
        .map((r) => r.key)
        .filter((k) => k.startsWith("c/"))
        .sort(),
    ).toEqual(["c/0/0", "c/0/1", "c/1/0", "c/1/1"]);
    windows.forEach((w, i) => {
      const r0 = (i % 8) + 1;
      const want = Array.from(
        { length: 7 * 8 },
        (_, k) => (r0 + Math.floor(k / 8)) * 16 + 4 + (k % 8),
      );
      expect(Array.from(w.data), `window ${i}`).toEqual(want);
    });
    // A cache of 100 bytes cannot hold a 256-byte chunk: reads go as without one, and work.
    const small = createDefaultContext({ chunkCacheBytes: 100 });
    const b = await openArray(store, "", { context: small, dataType: "int32" });
    expect(Array.from((await b.get("3:5, 6:10")).data)).toEqual([54, 55, 56, 57, 70, 71, 72, 73]);
    expect(small.chunkCache.count).toBe(0);
  });
});

describe("stores that answer with views at any offset", () => {
  /** A MemoryStore whose reads answer Node Buffers one byte into their memory (unaligned). */
  const unalignedStore = () => {
    const inner = new MemoryStore();
    return Object.assign(Object.create(inner) as MemoryStore, {
      get: async (...args: Parameters<MemoryStore["get"]>) => {
        const value = await inner.get(...args);
        return value === undefined ? undefined : Buffer.concat([Buffer.of(0), value]).subarray(1);
      },
      set: (key: string, value: Uint8Array) => inner.set(key, value),
    });
  };
  const bytes = (endian: string): NamedConfigJson => ({ name: "bytes", configuration: { endian } });
  const values = BigUint64Array.from({ length: 48 }, (_, i) => (BigInt(i) << 40n) + 7n);

  it("takes Node Buffers as uint8 values and as out", async () => {
    const a = await createArray(new MemoryStore(), "", {
      shape: [4, 4],
      chunkShape: [2, 2],
      dataType: "uint8",
    });
    const value = Buffer.from(Array.from({ length: 16 }, (_, i) => i * 3));
    await a.set(null, value);
    const out = Buffer.alloc(16);
    expect((await a.get(null, { out })).data).toBe(out);
    expect([...out]).toEqual([...value]);
  });

  const chains: [string, NamedConfigJson[]][] = [
    ["uncompressed chunks", [bytes("little")]],
    ["big-endian chunks", [bytes("big")]],
    [
      "shards (their index is uint64 too)",
      [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [2, 2],
            codecs: [bytes("little")],
            index_codecs: [bytes("little")],
            index_location: "end",
          },
        },
      ],
    ],
  ];
  it.each(chains)("reads %s of uint64", async (_what, codecs) => {
    const store = unalignedStore();
    const a = await createArray(store, "", {
      shape: [6, 8],
      chunkShape: [4, 4],
      dataType: "uint64",
      codecs,
    });
    await a.set(null, values);
    expect(Array.from((await a.get()).data)).toEqual(Array.from(values));
    expect(Array.from((await a.get("1:3, 2:5")).data)).toEqual(
      [10, 11, 12, 18, 19, 20].map((i) => values[i]),
    );
  });
});
