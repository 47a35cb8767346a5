import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeCodecs } from "@zarrkit/native";
import { describe, expect, it } from "vitest";
import {
  type CodecExtension,
  createArray,
  createContext,
  createDefaultContext,
  createDefaultRegistry,
  FileSystemStore,
  MemoryStore,
  type NamedConfigJson,
  openArray,
} from "./index.js";

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * A third-party bytes->bytes codec whose output comes from a pool of its own, as the native
 * encoders' does: `released` records what the pipeline gives back, and reclaiming it scribbles
 * over the memory, so any later read of it would see the damage.
 */
function poolCodec() {
  const ours = new Set<ArrayBufferLike>();
  const released: Uint8Array[] = [];
  const extension: CodecExtension = {
    kind: "codec",
    name: "pooled",
    codecKind: "bytes_to_bytes",
    fromConfig: () => ({
      kind: "bytes_to_bytes",
      name: "pooled",
      toConfig: () => ({ name: "pooled" }),
      encode: (bytes: Uint8Array) => {
        const out = bytes.slice();
        ours.add(out.buffer);
        return out;
      },
      decode: (bytes: Uint8Array) => bytes.slice(),
    }),
    samples: [{}],
    dataTypes: "all",
  };
  const release = (bytes: Uint8Array) => {
    released.push(bytes);
    if (ours.has(bytes.buffer)) bytes.fill(0xee);
  };
  return { extension, released, release, ours };
}

/** A store that keeps the very buffers it is given (it must never see them released). */
class KeepingStore extends MemoryStore {
  override readonly capabilities = { ...new MemoryStore().capabilities, copiesValues: false };
  override async set(key: string, value: Uint8Array): Promise<void> {
    this.map.set(key, value);
  }
}

/** A store that gathers parts into a value of its own (as the filesystem store writes them). */
class GatheringStore extends MemoryStore {
  async setParts(key: string, parts: readonly Uint8Array[]): Promise<void> {
    await this.set(key, Buffer.concat(parts));
  }
}

const pooledCodecs: NamedConfigJson[] = [
  { name: "bytes", configuration: { endian: "little" } },
  { name: "pooled" },
];

describe("encoded chunks given back once stored", () => {
  it("hands each chunk's encoder output back after a copying store has it, never the value", async () => {
    const pool = poolCodec();
    const registry = createDefaultRegistry();
    registry.register(pool.extension);
    const context = createContext({ registry, releaseEncoded: pool.release });
    const value = iota(8 * 1024);
    const a = await createArray(new MemoryStore(), "", {
      shape: [8, 1024],
      chunkShape: [4, 256],
      dataType: "int32",
      codecs: pooledCodecs,
      context,
    });
    await a.set(null, value);
    // 8 chunks, each given back once, each the codec's own output (4 KiB), scribbled over.
    expect(pool.released.length).toBe(8);
    expect(pool.released.every((b) => pool.ours.has(b.buffer) && b.length === 4096)).toBe(true);
    // The store copied before: everything reads back; the caller's value is untouched.
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(8 * 1024)));
    expect(Array.from(value)).toEqual(Array.from(iota(8 * 1024)));
    // A partial chunk write (read, modify, write) gives its new encoding back as well (the
    // reads gave back what they fetched: not the codec's).
    await a.set("0:1, 0:2", new Int32Array([-1, -2]));
    expect(pool.released.filter((b) => pool.ours.has(b.buffer)).length).toBe(9);
    expect(Array.from((await a.get("0:2, 0:3")).data)).toEqual([-1, -2, 2, 1024, 1025, 1026]);
  });

  it("gives nothing back to a store that keeps what it is given, nor the value's own memory", async () => {
    const pool = poolCodec();
    const registry = createDefaultRegistry();
    registry.register(pool.extension);
    const context = createContext({ registry, releaseEncoded: pool.release });
    const keeping = await createArray(new KeepingStore(), "", {
      shape: [8, 1024],
      chunkShape: [4, 256],
      dataType: "int32",
      codecs: pooledCodecs,
      context,
    });
    await keeping.set(null, iota(8 * 1024));
    expect(pool.released.length).toBe(0);
    expect(Array.from((await keeping.get(null)).data)).toEqual(Array.from(iota(8 * 1024)));
    // Uncompressed chunks are encoded as views of the value: those stay the caller's.
    const value = iota(8 * 1024);
    const plain = await createArray(new MemoryStore(), "", {
      shape: [8, 1024],
      chunkShape: [8, 1024],
      dataType: "int32",
      context,
    });
    await plain.set(null, value);
    expect(pool.released.every((b) => b.buffer !== value.buffer)).toBe(true);
    expect(Array.from(value)).toEqual(Array.from(iota(8 * 1024)));
  });

  it("gives back a shard's inner chunks once the shard is stored", async () => {
    const pool = poolCodec();
    const registry = createDefaultRegistry();
    registry.register(pool.extension);
    const context = createContext({ registry, releaseEncoded: pool.release });
    const a = await createArray(new GatheringStore(), "", {
      shape: [16, 16],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: pooledCodecs,
            index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
          },
        },
      ],
      context,
    });
    await a.set(null, iota(256));
    // Four inner chunks of 8x8 int32, each the codec's own output.
    expect(pool.released.filter((b) => pool.ours.has(b.buffer)).map((b) => b.length)).toEqual([
      256, 256, 256, 256,
    ]);
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(256)));
  });
});

describe("fetched bytes given back once decoded", () => {
  const shardedCodecs: NamedConfigJson[] = [
    {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [8, 8],
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "gzip", configuration: { level: 1 } },
        ],
        index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      },
    },
  ];

  /** A 32x32 int32 array of 16x16 shards holding 0..1023, and what was released since. */
  async function shardedIota(store: MemoryStore, release: (bytes: Uint8Array) => void) {
    const context = createContext({ registry: createDefaultRegistry(), releaseEncoded: release });
    const a = await createArray(store, "", {
      shape: [32, 32],
      chunkShape: [16, 16],
      dataType: "int32",
      codecs: shardedCodecs,
      context,
    });
    await a.set(null, iota(32 * 32));
    return a;
  }

  it("a shard's inner chunks, fetched in runs, are given back only after they are decoded", async () => {
    const released: number[] = [];
    // Scribbles over whatever it is given: a read of it afterwards would see the damage.
    const a = await shardedIota(new MemoryStore(), (bytes) => {
      released.push(bytes.length);
      bytes.fill(0xee);
    });
    released.length = 0;
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(32 * 32)));
    expect(released.length).toBeGreaterThanOrEqual(4);
    expect(Array.from((await a.get("3:20, 5:30")).data)).toEqual(
      Array.from({ length: 17 * 25 }, (_, i) => (3 + Math.floor(i / 25)) * 32 + 5 + (i % 25)),
    );
  });

  it("never gives back a view into memory the store shares with others", async () => {
    /** Hands out each value as a view into a larger buffer, as a coalescing store does. */
    class SharingStore extends MemoryStore {
      override async get(...args: Parameters<MemoryStore["get"]>) {
        const value = await super.get(...args);
        if (value === undefined) return undefined;
        const shared = new Uint8Array(value.length + 16);
        shared.set(value, 8);
        return shared.subarray(8, 8 + value.length);
      }
    }
    const released: Uint8Array[] = [];
    const a = await shardedIota(new SharingStore(), (bytes) => released.push(bytes));
    released.length = 0;
    expect(Array.from((await a.get(null)).data)).toEqual(Array.from(iota(32 * 32)));
    expect(released).toEqual([]);
  });
});

describe.skipIf(nativeCodecs === undefined)("with @zarrkit/native", () => {
  it("the default context recycles native encoders' output; every chunk reads back intact", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-release-"));
    try {
      let released = 0;
      const native = nativeCodecs!;
      const context = createDefaultContext({
        workers: false,
        releaseEncoded: (bytes) => {
          if (native.release(bytes)) released++;
        },
      });
      const value = new Float32Array(1024 * 512).map((_, i) => Math.sin(i / 300) * 100);
      const codecs: NamedConfigJson[] = [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 3, checksum: false } },
      ];
      // Chunks of 512 KiB, each encoded and stored on its own; then chunks of 64 KiB, whose
      // batch of 16 is encoded into one block of the addon's memory.
      for (const [chunkShape, outputs] of [
        [[256, 512], 4],
        [[128, 128], 2],
      ] as const) {
        released = 0;
        const path = `c${chunkShape[0]}`;
        const a = await createArray(new FileSystemStore(root), path, {
          shape: [1024, 512],
          chunkShape,
          dataType: "float32",
          codecs,
          context,
        });
        await a.set(null, value);
        expect(released).toBe(outputs);
        // Reopened with a context of its own (nothing cached): every value as written.
        const again = await openArray(new FileSystemStore(root, { readOnly: true }), path, {
          context: createDefaultContext({ workers: false }),
          dataType: "float32",
        });
        expect((await again.get(null)).data).toEqual(value);
      }
      // The default context gives outputs back by itself.
      expect(createDefaultContext({ workers: false }).releaseEncoded).toBe(native.release);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
