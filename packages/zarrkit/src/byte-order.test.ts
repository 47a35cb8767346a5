import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArray, FileSystemStore, type NamedConfigJson, openArray } from "./index.js";

// Big-endian chunks, written by hand (node:zlib for gzip, Buffer for the byte order): read
// whole, by window and from a shard, they are decoded into the result as little-endian ones are
// and their lanes reversed there (natively, where the addon is built). Written by zarrkit from
// views of the caller's array (gathered with their lanes reversed by the addon), their bytes
// are those Buffer's big-endian writers give.

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "zarrkit-byte-order-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** 24x40 values that use every byte of their lanes. */
const values = Float64Array.from({ length: 24 * 40 }, (_, i) => Math.sin(i) * 1e6 + i / 7);
const int16 = Int16Array.from({ length: 24 * 40 }, (_, i) => i * 37 - 16000);

/** Chunk (r, c) of 8x8 chunks of `of`, each element `lane` bytes big-endian, C order. */
function chunkBytes(of: Float64Array | Int16Array, r: number, c: number, little = false): Buffer {
  const lane = of.BYTES_PER_ELEMENT;
  const out = Buffer.alloc(64 * lane);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      const v = of[(r * 8 + y) * 40 + c * 8 + x]!;
      const at = (y * 8 + x) * lane;
      if (lane === 8) little ? out.writeDoubleLE(v, at) : out.writeDoubleBE(v, at);
      else little ? out.writeInt16LE(v, at) : out.writeInt16BE(v, at);
    }
  return out;
}

async function writeArray(
  path: string,
  dataType: string,
  codecs: NamedConfigJson[],
  chunkShape: number[],
  files: Map<string, Buffer>,
) {
  await mkdir(path, { recursive: true });
  await writeFile(
    join(path, "zarr.json"),
    JSON.stringify({
      zarr_format: 3,
      node_type: "array",
      shape: [24, 40],
      data_type: dataType,
      chunk_grid: { name: "regular", configuration: { chunk_shape: chunkShape } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: 0,
      codecs,
    }),
  );
  for (const [key, bytes] of files) {
    await mkdir(join(path, key, ".."), { recursive: true });
    await writeFile(join(path, key), bytes);
  }
}

function chunkFiles(of: Float64Array | Int16Array, encode: (b: Buffer) => Buffer) {
  const files = new Map<string, Buffer>();
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 5; c++) files.set(`c/${r}/${c}`, encode(chunkBytes(of, r, c)));
  return files;
}

const bigEndian = { name: "bytes", configuration: { endian: "big" } };

describe("big-endian chunks", () => {
  it.each([
    [
      "gzip",
      (b: Buffer) => gzipSync(b),
      [bigEndian, { name: "gzip", configuration: { level: 1 } }],
    ],
    ["uncompressed", (b: Buffer) => b, [bigEndian]],
  ] as const)("%s: whole reads and windows", async (_name, encode, codecs) => {
    for (const [dataType, of] of [
      ["float64", values],
      ["int16", int16],
    ] as const) {
      const path = join(root, `${_name}-${dataType}`);
      await writeArray(path, dataType, [...codecs], [8, 8], chunkFiles(of, encode));
      const array = await openArray(new FileSystemStore(path, { readOnly: true }));
      expect((await array.get(null)).data, dataType).toEqual(of);
      const window = await array.get("3:21, 5:37");
      const want: number[] = [];
      for (let y = 3; y < 21; y++) for (let x = 5; x < 37; x++) want.push(of[y * 40 + x]!);
      expect(window.data, dataType).toEqual(
        of.constructor === Int16Array ? Int16Array.from(want) : Float64Array.from(want),
      );
    }
  });

  it("a shard's big-endian gzip inner chunks", async () => {
    // One 24x40 shard of the 15 gzip inner chunks back to back, the index at the end.
    const inner = [...chunkFiles(values, (b) => gzipSync(b)).values()];
    const index = Buffer.alloc(15 * 16);
    let offset = 0;
    inner.forEach((bytes, i) => {
      index.writeBigUInt64LE(BigInt(offset), 16 * i);
      index.writeBigUInt64LE(BigInt(bytes.length), 16 * i + 8);
      offset += bytes.length;
    });
    const codecs: NamedConfigJson[] = [
      {
        name: "sharding_indexed",
        configuration: {
          chunk_shape: [8, 8],
          codecs: [bigEndian, { name: "gzip", configuration: { level: 1 } }],
          index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
        },
      },
    ];
    const files = new Map([["c/0/0", Buffer.concat([...inner, index])]]);
    await writeArray(join(root, "sharded"), "float64", codecs, [24, 40], files);
    const array = await openArray(new FileSystemStore(join(root, "sharded"), { readOnly: true }));
    expect((await array.get(null)).data).toEqual(values);
    const window = await array.get("9:10, 0:40");
    expect(window.data).toEqual(values.slice(9 * 40, 10 * 40));
  });
});

describe("big-endian chunks written", () => {
  it.each([
    [
      "gzip",
      (b: Buffer) => gunzipSync(b),
      [bigEndian, { name: "gzip", configuration: { level: 1 } }],
    ],
    ["uncompressed", (b: Buffer) => b, [bigEndian]],
  ] as const)(
    "%s: whole chunks from views of the value, then a window",
    async (name, decode, codecs) => {
      for (const [dataType, of] of [
        ["float64", values],
        ["int16", int16],
      ] as const) {
        const path = join(root, `${name}-${dataType}`);
        const array = await createArray(new FileSystemStore(path), "", {
          shape: [24, 40],
          chunkShape: [8, 8],
          dataType,
          codecs: [...codecs],
        });
        await array.set(null, of);
        for (let r = 0; r < 3; r++)
          for (let c = 0; c < 5; c++) {
            const stored = decode(await readFile(join(path, "c", String(r), String(c))));
            expect(stored.equals(chunkBytes(of, r, c)), `${dataType} ${r}/${c}`).toBe(true);
          }
        // Rows 3..20, columns 5..36 set to the values mirrored: chunks cut and whole alike.
        const mirrored = of.slice().reverse();
        const window = new (of.constructor as Float64ArrayConstructor | Int16ArrayConstructor)(
          18 * 32,
        );
        for (let y = 0; y < 18; y++)
          for (let x = 0; x < 32; x++) window[y * 32 + x] = mirrored[(y + 3) * 40 + x + 5]!;
        await array.set("3:21, 5:37", window);
        const expected = of.slice();
        for (let y = 3; y < 21; y++)
          for (let x = 5; x < 37; x++) expected[y * 40 + x] = mirrored[y * 40 + x]!;
        for (let r = 0; r < 3; r++)
          for (let c = 0; c < 5; c++) {
            const stored = decode(await readFile(join(path, "c", String(r), String(c))));
            expect(stored.equals(chunkBytes(expected, r, c)), `${dataType} ${r}/${c}`).toBe(true);
          }
      }
    },
  );

  it.each([
    [
      "gzip",
      (b: Buffer) => gunzipSync(b),
      [bigEndian, { name: "gzip", configuration: { level: 1 } }],
    ],
    ["uncompressed", (b: Buffer) => b, [bigEndian]],
  ] as const)("%s: chunks of 32 KiB, gathered by one job each", async (name, decode, codecs) => {
    // 100x150 float64 in 64x64 chunks: the last row and column of chunks hang over the edge
    // (stored whole, the fill value 0 beyond the array).
    const of = Float64Array.from({ length: 100 * 150 }, (_, i) => Math.cos(i) * 1e5 - i);
    const path = join(root, `large-${name}`);
    const array = await createArray(new FileSystemStore(path), "", {
      shape: [100, 150],
      chunkShape: [64, 64],
      dataType: "float64",
      codecs: [...codecs],
    });
    await array.set(null, of);
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 3; c++) {
        const want = Buffer.alloc(64 * 64 * 8);
        for (let y = 0; y < 64; y++)
          for (let x = 0; x < 64; x++) {
            const [row, col] = [r * 64 + y, c * 64 + x];
            if (row < 100 && col < 150) want.writeDoubleBE(of[row * 150 + col]!, (y * 64 + x) * 8);
          }
        const stored = decode(await readFile(join(path, "c", String(r), String(c))));
        expect(stored.equals(want), `${r}/${c}`).toBe(true);
      }
  });

  it.each([
    ["big", (b: Buffer, v: number, at: number) => b.writeDoubleBE(v, at)],
    ["little", (b: Buffer, v: number, at: number) => b.writeDoubleLE(v, at)],
  ] as const)("a scalar set everywhere, %s-endian, in chunks of 32 KiB", async (endian, put) => {
    const path = join(root, `scalar-${endian}`);
    const array = await createArray(new FileSystemStore(path), "", {
      shape: [100, 150],
      chunkShape: [64, 64],
      dataType: "float64",
      codecs: [{ name: "bytes", configuration: { endian } }],
    });
    await array.set(null, -2.75);
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 3; c++) {
        const want = Buffer.alloc(64 * 64 * 8);
        for (let y = 0; y < 64; y++)
          for (let x = 0; x < 64; x++)
            if (r * 64 + y < 100 && c * 64 + x < 150) put(want, -2.75, (y * 64 + x) * 8);
        const stored = await readFile(join(path, "c", String(r), String(c)));
        expect(stored.equals(want), `${r}/${c}`).toBe(true);
      }
  });

  // Inner chunks are gathered from the shard's rows many per job (uncompressed ones too).
  it.each([
    ["big-endian gzip", [bigEndian, { name: "gzip", configuration: { level: 1 } }], false],
    ["big-endian", [bigEndian], false],
    ["little-endian", [{ name: "bytes", configuration: { endian: "little" } }], true],
  ] as const)("a shard's %s inner chunks", async (name, codecs, little) => {
    const path = join(root, `sharded-${name}`);
    const array = await createArray(new FileSystemStore(path), "", {
      shape: [24, 40],
      chunkShape: [24, 40],
      dataType: "float64",
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [...codecs],
            index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
          },
        },
      ],
    });
    await array.set(null, values);
    // The index (15 offset, length pairs) at the end; each inner chunk (gunzipped) is its bytes.
    const shard = await readFile(join(path, "c", "0", "0"));
    const index = shard.subarray(shard.length - 15 * 16);
    const compressed = codecs.length > 1;
    for (let i = 0; i < 15; i++) {
      const offset = Number(index.readBigUInt64LE(16 * i));
      const length = Number(index.readBigUInt64LE(16 * i + 8));
      const stored = shard.subarray(offset, offset + length);
      const inner = compressed ? gunzipSync(stored) : stored;
      const want = chunkBytes(values, Math.floor(i / 5), i % 5, little);
      expect(inner.equals(want), `inner ${i}`).toBe(true);
    }
  });
});
