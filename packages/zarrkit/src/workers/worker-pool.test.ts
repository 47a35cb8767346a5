import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { ElementArray, Extension, JsonObject, NamedConfigJson } from "zarrkit";

// With @zarrkit/native the codecs decode on libuv's thread pool and skip the workers: these
// tests are about the workers (the path without a native build), so they use none. Set before
// zarrkit loads, and inherited by the workers and child processes.
process.env.ZARRKIT_NATIVE = "0";
// The built package: workers load compiled JavaScript.
const {
  createArray,
  createContext,
  createDefaultRegistry,
  isZarrkitError,
  MemoryStore,
  openArray,
  WorkerPool,
} = await import("zarrkit");

const bytes = { name: "bytes", configuration: { endian: "little" } };
const CHAINS: [string, NamedConfigJson[]][] = [
  [
    "zstd + crc32c",
    [bytes, { name: "zstd", configuration: { level: 3, checksum: true } }, { name: "crc32c" }],
  ],
  ["gzip", [bytes, { name: "gzip", configuration: { level: 5 } }]],
  [
    "blosc",
    [
      bytes,
      {
        name: "blosc",
        configuration: {
          cname: "lz4",
          clevel: 5,
          shuffle: "bitshuffle",
          typesize: 8,
          blocksize: 0,
        },
      },
    ],
  ],
  [
    "sharded zstd",
    [
      {
        name: "sharding_indexed",
        configuration: {
          chunk_shape: [64, 64],
          codecs: [bytes, { name: "zstd", configuration: { level: 1, checksum: false } }],
          index_codecs: [bytes, { name: "crc32c" }],
          index_location: "end",
        },
      },
    ],
  ],
];

const registry = createDefaultRegistry();
// Every chunk goes to the workers, from the first byte.
const pool = new WorkerPool(registry, { threads: 2, minBytes: 0, startAfterBytes: 0 });
const context = createContext({ registry, codecRunner: pool });
afterAll(() => pool.close());

const values = Float64Array.from({ length: 256 * 256 }, (_, i) => Math.sin(i / 97) * 1000 + i);

/** A child process's script start: a pool that takes every chunk, and a gzip array `a` on it. */
const POOL_ARRAY = `
  import { createArray, createContext, createDefaultRegistry, MemoryStore, WorkerPool } from "zarrkit";
  const registry = createDefaultRegistry();
  const pool = new WorkerPool(registry, { minBytes: 0, startAfterBytes: 0 });
  const context = createContext({ registry, codecRunner: pool });
  const a = await createArray(new MemoryStore(), "", { shape: [512, 512], chunkShape: [128, 128], dataType: "float32",
    codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "gzip", configuration: { level: 1 } }], context });`;

/** Runs `script` as a module in a child node (with `flags`), without the addon. */
function runChild(script: string, flags: string[] = []) {
  // Not spawnSync: the test thread must stay responsive while the child runs.
  return promisify(execFile)(process.execPath, [...flags, "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, ZARRKIT_NATIVE: "0" },
    timeout: 20_000,
    cwd: new URL("..", import.meta.url).pathname,
  });
}

describe("the codec worker pool", () => {
  it("decodes and encodes on worker threads with the same results", async () => {
    for (const [label, codecs] of CHAINS) {
      const store = new MemoryStore();
      const array = await createArray(store, "", {
        shape: [256, 256],
        chunkShape: [128, 128],
        dataType: "float64",
        codecs,
        context,
      });
      // The first chunks run here while the workers boot; write twice so both paths are taken.
      await array.set(null, values);
      await new Promise((r) => setTimeout(r, 300));
      await array.set(null, values);
      const back = await openArray(store, "", { context, dataType: "float64" });
      expect(Array.from((await back.get()).data), label).toEqual(Array.from(values));
      // And what the workers wrote reads the same on this thread alone.
      const local = createContext({ registry });
      const again = await openArray(store, "", { context: local, dataType: "float64" });
      expect(Array.from((await again.get()).data), label).toEqual(Array.from(values));
    }
    expect(pool.jobs).toBeGreaterThan(0);
  }, 60_000);

  it("rebuilds parametrised data types in the workers from their configuration", async () => {
    const types: [string, JsonObject, ElementArray][] = [
      ["fixed_length_utf32", { length_bytes: 8 }, Uint32Array.from({ length: 512 }, (_, i) => i)],
      [
        "numpy.datetime64",
        { unit: "ms", scale_factor: 10 },
        BigInt64Array.from({ length: 256 }, (_, i) => BigInt(i) * 86_400_000n),
      ],
      ["null_terminated_bytes", { length_bytes: 3 }, Uint8Array.from({ length: 768 }, (_, i) => i)],
    ];
    for (const [dataType, dataTypeConfiguration, elements] of types) {
      const store = new MemoryStore();
      const array = await createArray(store, "", {
        shape: [256],
        chunkShape: [64],
        dataType,
        dataTypeConfiguration,
        codecs: CHAINS[1]![1],
        context,
      });
      await array.set(null, elements);
      await new Promise((r) => setTimeout(r, 300));
      const before = pool.jobs;
      await array.set(null, elements);
      expect((await array.get()).data, dataType).toEqual(elements);
      expect(pool.jobs, dataType).toBeGreaterThan(before);
    }
  }, 60_000);

  it("reports a corrupt chunk decoded on a worker as CorruptChunk, naming the key", async () => {
    const store = new MemoryStore();
    const array = await createArray(store, "a", {
      shape: [128, 128],
      chunkShape: [128, 128],
      dataType: "float64",
      codecs: CHAINS[0]![1],
      context,
    });
    await array.set(null, 1.5);
    const key = "a/c/0/0";
    const stored = store.map.get(key)!;
    stored[stored.length - 10]! ^= 0xff;
    const before = pool.jobs;
    await expect(array.get()).rejects.toSatisfy(
      (e: unknown) =>
        (isZarrkitError(e, "ChecksumMismatch") || isZarrkitError(e, "CorruptChunk")) &&
        String(e).includes(key),
    );
    expect(pool.jobs).toBeGreaterThan(before);
  });

  it("runs chains on the calling thread when an extension cannot be loaded in a worker", async () => {
    const reg = createDefaultRegistry();
    // A bundle with a codec (so workers would need it) whose module cannot be imported.
    const made: Extension = {
      name: "made-at-run-time",
      module: "file:///nowhere/made-at-run-time.js",
      codecs: [{ ...reg.get("codec", "gzip"), name: "made-at-run-time.gzip", aliases: [] }],
    };
    reg.register(made);
    const lonely = new WorkerPool(reg, { threads: 1, minBytes: 0, startAfterBytes: 0 });
    try {
      const ctx = createContext({ registry: reg, codecRunner: lonely });
      const store = new MemoryStore();
      const array = await createArray(store, "", {
        shape: [128, 128],
        chunkShape: [64, 64],
        dataType: "float64",
        codecs: CHAINS[1]![1],
        context: ctx,
      });
      for (let i = 0; i < 5; i++) {
        await array.set(null, values.subarray(0, 128 * 128));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(Array.from((await array.get()).data)).toEqual(
        Array.from(values.subarray(0, 128 * 128)),
      );
      expect(lonely.jobs).toBe(0);
    } finally {
      await lonely.close();
    }
  });

  it("never keeps a process alive once its work is done", async () => {
    const script = `${POOL_ARRAY}
      for (let i = 0; i < 50 && pool.jobs === 0; i++) { await a.set(null, 2); await new Promise((r) => setTimeout(r, 100)); }
      console.log((await a.get("0, 0")).data[0], pool.jobs > 0);`;
    const run = await runChild(script);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("2 true");
    // Done before the workers have even booted: the process still exits at once.
    const quick = await runChild(
      script.replace(
        "for (let i = 0; i < 50 && pool.jobs === 0; i++) { await a.set(null, 2); await new Promise((r) => setTimeout(r, 100)); }",
        "await a.set(null, 2);",
      ),
    );
    expect(quick.stdout.trim()).toBe("2 false");
  });

  it("starts its workers in a process run with flags that workers refuse", async () => {
    // --title is a whole process's: new Worker throws ERR_WORKER_INVALID_EXEC_ARGV
    // when handed it (it was, from process.execArgv, and every decode then failed).
    const script = `${POOL_ARRAY}
      await a.set(null, 3);
      for (let i = 0; i < 50 && pool.jobs === 0; i++) { await a.get(null); await new Promise((r) => setTimeout(r, 100)); }
      const all = (await a.get(null)).data;
      console.log(all.length, all.every((v) => v === 3), pool.jobs > 0);
      await pool.close();`;
    const run = await runChild(script, ["--title=zarrkit-pool-test"]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(`${512 * 512} true true`);
  });
});
