import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  type ByteRuns,
  type FileSlice,
  type NativeCodecs,
  nativeCodecs,
  nativeFileIO,
  nativeLoadFailure,
  nativeMemory,
  type StridedRuns,
} from "./index.js";

// The addon is built on install where a compiler is; CI (ZARRKIT_REQUIRE_PEERS=1) must have it.
if (nativeCodecs === undefined) {
  const reason = `the addon did not load (${nativeLoadFailure})`;
  if (process.env.ZARRKIT_REQUIRE_PEERS === "1")
    throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
  console.warn(`\n*** SKIPPING @zarrkit/native tests: ${reason} ***\n`);
}
const native = nativeCodecs as NativeCodecs;

/** Smooth float32 values with noise in the low bits, 1 MiB. */
const data = new Uint8Array(
  new Float32Array(1 << 18).map((_, i) => Math.sin(i / 700) * 50 + ((i * 7919) % 17) / 100).buffer,
);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** `length` bytes of `data` starting at `offset` inside a larger buffer (a view, not at 0). */
function viewOf(bytes: Uint8Array, offset = 13): Uint8Array {
  const backing = new Uint8Array(bytes.length + offset + 7).fill(0xee);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

/** Runs an ES module script in a child process of its own; its last line of output, parsed. */
async function inChild(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const run = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

describe.skipIf(nativeCodecs === undefined)("@zarrkit/native", () => {
  it("reports the versions of the vendored libraries", () => {
    expect(native.versions).toEqual({ blosc: "1.21.3", zstd: "1.5.4", libdeflate: "1.14" });
  });

  it("gzip and zlib: node:zlib reads what it writes, and it reads node:zlib's", async () => {
    for (const format of ["gzip", "zlib"] as const) {
      const framing = format === "zlib" ? 1 : 0;
      for (const level of [0, 1, 5, 9, 12]) {
        const stream = await native.deflate(viewOf(data), level, framing);
        const back = format === "gzip" ? gunzipSync(stream) : inflateSync(stream);
        expect(same(back, data), `${format} level ${level}`).toBe(true);
      }
      const fromNode = format === "gzip" ? gzipSync(data) : deflateSync(data);
      const target = viewOf(new Uint8Array(data.length));
      expect(await native.inflate(viewOf(fromNode), target, framing)).toBe(data.length);
      expect(same(target, data)).toBe(true);
    }
    // Level 0 stores the data (a little larger); level 9 compresses it.
    expect((await native.deflate(data, 0, 0)).length).toBeGreaterThan(data.length);
    expect((await native.deflate(data, 9, 0)).length).toBeLessThan(data.length);
  });

  it("inflate: refuses to write past the target, asks for a fallback on several members", async () => {
    const stream = gzipSync(data);
    await expect(native.inflate(stream, new Uint8Array(1000), 0)).rejects.toThrow(
      /more bytes than expected/,
    );
    await expect(
      native.inflate(stream.subarray(0, 500), new Uint8Array(data.length), 0),
    ).rejects.toThrow(/not a valid DEFLATE stream/);
    // A raw DEFLATE stream has no gzip header.
    await expect(
      native.inflate(deflateRawSync(data), new Uint8Array(data.length), 0),
    ).rejects.toThrow();
    const two = Buffer.concat([gzipSync(data.subarray(0, 100)), gzipSync(data.subarray(100, 200))]);
    expect(await native.inflate(two, new Uint8Array(200), 0)).toBe(native.NEEDS_FALLBACK);
  });

  it("zstd: a frame that declares its size and checksum, read back; damage is reported", async () => {
    const frame = await native.zstdCompress(viewOf(data), 3, 1);
    // RFC 8878: magic number, then a frame header descriptor whose bit 2 is the checksum flag.
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(frame[4]! & 0x04).toBe(0x04);
    const target = viewOf(new Uint8Array(data.length));
    expect(await native.zstdDecompress(viewOf(frame), target)).toBe(data.length);
    expect(same(target, data)).toBe(true);
    const damaged = frame.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    await expect(native.zstdDecompress(damaged, target)).rejects.toThrow(/zstd: .*checksum/i);
    await expect(native.zstdDecompress(frame, new Uint8Array(100))).rejects.toThrow(/zstd/);
  });

  it("zstd: decodes a selection of a frame's content, stopping where the selection ends", async () => {
    // `data` as a 512 x 512 float32 chunk: rows are 2048 bytes.
    const rows = (r0: number, r1: number, c0: number, c1: number) => {
      const out = new Uint8Array((r1 - r0) * (c1 - c0) * 4);
      for (let r = r0; r < r1; r++)
        out.set(data.subarray((r * 512 + c0) * 4, (r * 512 + c1) * 4), (r - r0) * (c1 - c0) * 4);
      return out;
    };
    const layout = (r0: number, r1: number, c0: number, c1: number) => ({
      offset: (r0 * 512 + c0) * 4,
      runBytes: (c1 - c0) * 4,
      shape: [r1 - r0],
      strides: [2048],
    });
    for (const checksum of [0, 1] as const) {
      const frame = await native.zstdCompress(data, 3, checksum);
      for (const [r0, r1, c0, c1] of [
        [0, 76, 464, 512],
        [488, 512, 0, 300],
        [100, 101, 5, 6],
        [0, 512, 0, 512],
      ] as const) {
        const target = viewOf(new Uint8Array((r1 - r0) * (c1 - c0) * 4));
        const written = await native.zstdDecompressSelected(
          viewOf(frame),
          data.length,
          layout(r0, r1, c0, c1),
          target,
        );
        expect(written).toBe(target.length);
        expect(same(target, rows(r0, r1, c0, c1))).toBe(true);
      }
      // Columns 10..12 of rows 3..1, backwards, scattered into strided runs 16 bytes apart.
      const spaced = new Uint8Array(3 * 16).fill(0xee);
      const from = { offset: (3 * 512 + 10) * 4, runBytes: 8, shape: [3], strides: [-2048] };
      const to = { bytes: spaced, offset: 0, runBytes: 8, shape: [3], strides: [16] };
      await native.zstdDecompressSelected(frame, data.length, from, to);
      for (const [i, r] of [3, 2, 1].entries())
        expect(same(spaced.subarray(i * 16, i * 16 + 8), rows(r, r + 1, 10, 12))).toBe(true);
      expect([...spaced.subarray(8, 16)]).toEqual(Array(8).fill(0xee));
    }
    // A frame cut short fails once the selection lies past its end, however little is asked.
    const frame = await native.zstdCompress(data, 3, 0);
    const end = { offset: data.length - 8, runBytes: 8, shape: [], strides: [] };
    await expect(
      native.zstdDecompressSelected(
        frame.subarray(0, frame.length - 100),
        data.length,
        end,
        new Uint8Array(8),
      ),
    ).rejects.toThrow(/zstd/);
    // The whole frame decoded (a checksum to verify): a damaged one is refused.
    const checked = await native.zstdCompress(data, 3, 1);
    checked[checked.length - 1]! ^= 0xff;
    const first = { offset: 0, runBytes: 8, shape: [], strides: [] };
    await expect(
      native.zstdDecompressSelected(checked, data.length, first, new Uint8Array(8)),
    ).rejects.toThrow(/checksum/i);
    // A size other than the frame's, or a selection outside it or of another length: refused.
    await expect(
      native.zstdDecompressSelected(frame, data.length + 4, end, new Uint8Array(8)),
    ).rejects.toThrow(/zstd/);
    const outside = { offset: data.length - 4, runBytes: 8, shape: [], strides: [] };
    expect(() =>
      native.zstdDecompressSelected(frame, data.length, outside, new Uint8Array(8)),
    ).toThrow(TypeError);
    expect(() =>
      native.zstdDecompressSelected(frame, data.length, first, new Uint8Array(9)),
    ).toThrow(/selects 8 bytes, the target holds 9/);
  });

  it("blosc and deflate: decode selections of a frame's content into the target", async () => {
    // Columns 100..399 of rows 10..20 and 500..511 of `data` as 512 x 512 float32, backwards.
    const expected = (rows: number[]) => {
      const out = new Uint8Array(rows.length * 1200);
      for (const [i, r] of rows.entries())
        out.set(data.subarray(r * 2048 + 400, r * 2048 + 1600), i * 1200);
      return out;
    };
    const rows = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10];
    const from = { offset: 20 * 2048 + 400, runBytes: 1200, shape: [11], strides: [-2048] };
    const tail = { offset: 500 * 2048 + 400, runBytes: 1200, shape: [12], strides: [2048] };
    const tailRows = Array.from({ length: 12 }, (_, i) => 500 + i);
    // blosc blocks of 4 KiB: only those holding the rows are decoded.
    const blosc = await native.bloscCompress(data, 5, 1, 4, 4096, "lz4");
    for (const frame of [blosc, await native.bloscCompress(data, 0, 0, 4, 0, "blosclz")]) {
      const target = viewOf(new Uint8Array(11 * 1200));
      expect(await native.bloscDecompressSelected(frame, data.length, from, target)).toBe(
        11 * 1200,
      );
      expect(same(target, expected(rows))).toBe(true);
      const end = new Uint8Array(12 * 1200);
      await native.bloscDecompressSelected(frame, data.length, tail, end);
      expect(same(end, expected(tailRows))).toBe(true);
    }
    await expect(
      native.bloscDecompressSelected(blosc, data.length - 4, from, new Uint8Array(11 * 1200)),
    ).rejects.toThrow(/holds 1048576 bytes, expected 1048572/);
    for (const zlib of [0, 1] as const) {
      const stream = await native.deflate(data, 5, zlib);
      const target = new Uint8Array(11 * 1200);
      expect(await native.inflateSelected(stream, data.length, from, target, zlib)).toBe(11 * 1200);
      expect(same(target, expected(rows))).toBe(true);
      await expect(
        native.inflateSelected(stream, data.length + 8, from, target, zlib),
      ).rejects.toThrow(/decoded 1048576 bytes, the chunk holds 1048584/);
    }
    // Two gzip members: node:zlib's to decode, as for inflate.
    const members = Buffer.concat([
      gzipSync(data.subarray(0, 1000)),
      gzipSync(data.subarray(1000)),
    ]);
    expect(await native.inflateSelected(members, data.length, from, new Uint8Array(13200), 0)).toBe(
      native.NEEDS_FALLBACK,
    );
  });

  it("decoders read their source from a file themselves: whole, a slice, or none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-"));
    const zstd = await native.zstdCompress(data, 3, 0);
    const blosc = await native.bloscCompress(data, 5, 1, 4, 0, "lz4");
    const gzip = await native.deflate(data, 5, 0);
    // Three frames in one file, 7 bytes apart, as a shard holds its inner chunks.
    const file = join(dir, "frames");
    const starts = [7, 7 + zstd.length + 7, 7 + zstd.length + 7 + blosc.length + 7];
    const packed = new Uint8Array(starts[2]! + gzip.length + 7);
    for (const [i, frame] of [zstd, blosc, gzip].entries()) packed.set(frame, starts[i]);
    await writeFile(file, packed);
    await writeFile(join(dir, "zstd"), zstd);
    const rows = { offset: 100 * 2048, runBytes: 2048, shape: [3], strides: [2048] };
    const want = data.subarray(100 * 2048, 103 * 2048);
    const target = () => new Uint8Array(3 * 2048);
    const decoders = [
      (source: FileSlice, out: Uint8Array) =>
        native.zstdDecompressSelected(source, data.length, rows, out),
      (source: FileSlice, out: Uint8Array) =>
        native.bloscDecompressSelected(source, data.length, rows, out),
      (source: FileSlice, out: Uint8Array) =>
        native.inflateSelected(source, data.length, rows, out, 0),
    ];
    const lengths = [zstd.length, blosc.length, gzip.length];
    for (const [i, decode] of decoders.entries()) {
      const out = target();
      const slice = { path: file, offset: starts[i]!, length: lengths[i]! };
      expect(await decode(slice, out)).toBe(out.length);
      expect(same(out, want)).toBe(true);
    }
    const whole = new Uint8Array(data.length);
    const all = { offset: 0, runBytes: data.length, shape: [], strides: [] };
    expect(
      await native.zstdDecompressSelected({ path: join(dir, "zstd") }, data.length, all, whole),
    ).toBe(data.length);
    expect(same(whole, data)).toBe(true);
    // Only what the selection needs is read: a blosc frame of 4 KiB blocks whose first block is
    // damaged in the file still yields rows 100..102 (blocks 50..51), not row 0.
    const blocks = await native.bloscCompress(data, 5, 1, 4, 4096, "lz4");
    const firstBlock = blocks[16]! | (blocks[17]! << 8) | (blocks[18]! << 16) | (blocks[19]! << 24);
    const damaged = blocks.slice();
    damaged.fill(0xff, firstBlock, firstBlock + 64);
    await writeFile(join(dir, "blosc"), damaged);
    const rowsOut = target();
    await native.bloscDecompressSelected({ path: join(dir, "blosc") }, data.length, rows, rowsOut);
    expect(same(rowsOut, want)).toBe(true);
    const row0 = { offset: 0, runBytes: 2048, shape: [], strides: [] };
    await expect(
      native.bloscDecompressSelected(
        { path: join(dir, "blosc") },
        data.length,
        row0,
        new Uint8Array(2048),
      ),
    ).rejects.toThrow(/c-blosc/);
    // No such file (or a path through a file): MISSING_FILE, nothing written.
    for (const path of [join(dir, "missing"), join(file, "below")])
      expect(await decoders[0]!({ path }, target())).toBe(native.MISSING_FILE);
    // A slice past the end, and a file that cannot be opened (a link to itself).
    await expect(
      decoders[0]!({ path: file, offset: packed.length - 10, length: 20 }, target()),
    ).rejects.toThrow(/past the end/);
    await symlink(join(dir, "loop"), join(dir, "loop"));
    const error = await decoders[0]!({ path: join(dir, "loop") }, target()).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ syscall: "open", path: join(dir, "loop") });
    expect(() =>
      Reflect.apply(native.zstdDecompressSelected, native, [
        { path: 7 },
        data.length,
        rows,
        target(),
      ]),
    ).toThrow(TypeError);
    await rm(dir, { recursive: true });
  });

  it("copySelected: runs of content stored as it is, from memory or read from a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-"));
    // The data 9 bytes into a file, as an uncompressed inner chunk of a shard would be.
    const file = join(dir, "chunk");
    await writeFile(file, Buffer.concat([Buffer.alloc(9, 1), data, Buffer.alloc(5, 2)]));
    // Columns 10..19 (40 bytes) of rows 5, 3 and 1 of 2048-byte rows, into a padded target.
    const from = { offset: 5 * 2048 + 40, runBytes: 40, shape: [3], strides: [-2 * 2048] };
    const want = [5, 3, 1].map((r) => data.subarray(r * 2048 + 40, r * 2048 + 80));
    const backing = new Uint8Array(3 * 64).fill(0xee);
    const to = { bytes: backing, offset: 8, runBytes: 40, shape: [3], strides: [64] };
    const slice = { path: file, offset: 9, length: data.length };
    for (const source of [data, slice]) {
      backing.fill(0xee);
      expect(await native.copySelected(source, data.length, from, to)).toBe(120);
      for (let r = 0; r < 3; r++) {
        expect(same(backing.subarray(r * 64 + 8, r * 64 + 48), want[r]!)).toBe(true);
        expect([backing[r * 64 + 7], backing[r * 64 + 48]]).toEqual([0xee, 0xee]);
      }
    }
    // Content of another size than the chunk's, a missing file, an unreadable one.
    await expect(native.copySelected({ path: file }, data.length, from, to)).rejects.toThrow(
      /holds 1048590 bytes, its shape 1048576/,
    );
    await expect(native.copySelected(data.subarray(1), data.length, from, to)).rejects.toThrow(
      /holds 1048575 bytes/,
    );
    expect(await native.copySelected({ path: join(dir, "none") }, data.length, from, to)).toBe(
      native.MISSING_FILE,
    );
    await symlink(join(dir, "loop"), join(dir, "loop"));
    await expect(
      native.copySelected({ path: join(dir, "loop") }, data.length, from, to),
    ).rejects.toMatchObject({ syscall: "open" });
    await rm(dir, { recursive: true });
  });

  it("decodeFileSelectedMany: slices of files into their places, in one call", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-"));
    // Six 16x16 float32 tiles (64-byte rows) of a 32x48 array, each a frame in one file with
    // gaps between them, in another order than the array's (as a shard may hold them).
    const tile = (t: number) =>
      Uint8Array.from({ length: 16 * 64 }, (_, i) => (t * 37 + i * 11 + (i >> 6)) % 256);
    const order = [4, 1, 5, 0, 3, 2];
    const encoders = {
      zstd: (b: Uint8Array) => native.zstdCompress(b, 3, 1),
      blosc: (b: Uint8Array) => native.bloscCompress(b, 5, 1, 4, 0, "lz4"),
      gzip: (b: Uint8Array) => native.deflate(b, 5, 0),
      zlib: (b: Uint8Array) => native.deflate(b, 5, 1),
      copy: async (b: Uint8Array) => b,
    } as const;
    // Rows 2..13, columns 4..11 of each tile (the same selection for all).
    const from = { offset: 2 * 64 + 16, runBytes: 32, shape: [12], strides: [64] };
    for (const [codec, encode] of Object.entries(encoders) as [
      keyof typeof encoders,
      (b: Uint8Array) => Promise<Uint8Array>,
    ][]) {
      const frames = await Promise.all(order.map((t) => encode(tile(t))));
      const slices: number[] = [];
      let at = 3;
      const parts: Uint8Array[] = [new Uint8Array(3)];
      for (const [k, frame] of frames.entries()) {
        const t = order[k]!;
        // Tile t's selection: output rows 12 * (t / 3 | 0).., columns 8 * (t % 3).. of a 24x24
        // float32 result (96-byte rows), 5 bytes into a padded buffer.
        slices.push(0, at, frame.length, 5 + Math.floor(t / 3) * 12 * 96 + (t % 3) * 32);
        parts.push(frame, new Uint8Array(k + 1));
        at += frame.length + k + 1;
      }
      const file = join(dir, codec);
      await writeFile(file, Buffer.concat(parts));
      const backing = new Uint8Array(5 + 24 * 96 + 5).fill(0xee);
      const to = { bytes: backing, offset: 5, runBytes: 32, shape: [12], strides: [96] };
      const written = await native.decodeFileSelectedMany(
        codec,
        [file],
        16 * 64,
        from,
        to,
        Float64Array.from(slices),
      );
      expect(written, codec).toEqual(Array(6).fill(12 * 32));
      // Each output byte from its tile, computed apart from the addon; the padding untouched.
      for (let r = 0; r < 24; r++)
        for (let c = 0; c < 96; c++) {
          const t = Math.floor(r / 12) * 3 + Math.floor(c / 32);
          const source = tile(t)[(2 + (r % 12)) * 64 + 16 + (c % 32)];
          if (backing[5 + r * 96 + c] !== source) throw new Error(`${codec}: byte ${r},${c}`);
        }
      expect([...backing.subarray(0, 5), ...backing.subarray(5 + 24 * 96)]).toEqual(
        Array(10).fill(0xee),
      );
    }
    // Targets of single elements (each row's eight float32 mirrored): kept as their layout.
    for (const codec of ["copy", "zstd"] as const) {
      const frames = await Promise.all(order.map((t) => encoders[codec](tile(t))));
      const file = join(dir, `${codec}-mirrored`);
      await writeFile(file, Buffer.concat(frames));
      const slices: number[] = [];
      let at = 0;
      for (const [k, frame] of frames.entries()) {
        const t = order[k]!;
        slices.push(0, at, frame.length, Math.floor(t / 3) * 12 * 96 + (t % 3) * 32 + 28);
        at += frame.length;
      }
      const backing = new Uint8Array(24 * 96);
      const to = { bytes: backing, offset: 28, runBytes: 4, shape: [12, 8], strides: [96, -4] };
      const written = await native.decodeFileSelectedMany(
        codec,
        [file],
        16 * 64,
        from,
        to,
        Float64Array.from(slices),
      );
      expect(written, codec).toEqual(Array(6).fill(12 * 32));
      for (let r = 0; r < 24; r++)
        for (let c = 0; c < 96; c++) {
          const t = Math.floor(r / 12) * 3 + Math.floor(c / 32);
          const mirrored = (7 - Math.floor((c % 32) / 4)) * 4 + (c % 4);
          const source = tile(t)[(2 + (r % 12)) * 64 + 16 + mirrored];
          if (backing[r * 96 + c] !== source) throw new Error(`${codec}: byte ${r},${c}`);
        }
    }
    const zstdFrames = await Promise.all([0, 1, 2].map((t) => native.zstdCompress(tile(t), 3, 0)));
    const file = join(dir, "three");
    await writeFile(file, Buffer.concat(zstdFrames));
    const ends = [0, zstdFrames[0]!.length, zstdFrames[0]!.length + zstdFrames[1]!.length];
    const backing = new Uint8Array(24 * 96);
    const to = { bytes: backing, offset: 0, runBytes: 32, shape: [12], strides: [96] };
    const quadruples = (lengths: number[]) =>
      Float64Array.from(lengths.flatMap((length, i) => [0, ends[i]!, length, i * 32]));
    const lengths = zstdFrames.map((f) => f.length);
    // A damaged slice: the error names it, those before are written.
    await expect(
      native.decodeFileSelectedMany(
        "zstd",
        [file],
        1024,
        from,
        to,
        quadruples([lengths[0]!, 5, 9]),
      ),
    ).rejects.toThrow(/^slice 1 \(bytes \d+\.\.\d+\): zstd/);
    expect(backing[2 * 96 + 3]).toBe(tile(0)[4 * 64 + 16 + 3]);
    await expect(
      native.decodeFileSelectedMany(
        "zstd",
        [file],
        1024,
        from,
        to,
        quadruples([...lengths.slice(0, 2), 1e6]),
      ),
    ).rejects.toThrow(/slice 2 .*past the end/);
    // Whole files (length -1), one per slice, one of them missing: MISSING_FILE for that one.
    const files = [0, 1, 2].map((t) => join(dir, `tile${t}`));
    await Promise.all([0, 2].map((t) => writeFile(files[t]!, zstdFrames[t]!)));
    backing.fill(0);
    const whole = Float64Array.from([0, 1, 2].flatMap((t) => [t, 0, -1, t * 32]));
    expect(await native.decodeFileSelectedMany("zstd", files, 1024, from, to, whole)).toEqual([
      384,
      native.MISSING_FILE,
      384,
    ]);
    expect(backing[2 * 96 + 64 + 3]).toBe(tile(2)[4 * 64 + 16 + 3]);
    expect(backing.subarray(32, 64).every((b) => b === 0)).toBe(true);
    // Several gzip members in a slice: NEEDS_FALLBACK for that one, the others decoded.
    const gzipFrames = await Promise.all([0, 1].map((t) => native.deflate(tile(t), 5, 0)));
    const twoMembers = Buffer.concat([
      gzipFrames[1]!,
      await native.deflate(new Uint8Array(0), 1, 0),
    ]);
    await writeFile(join(dir, "members"), Buffer.concat([gzipFrames[0]!, twoMembers]));
    const gzipSlices = Float64Array.from([
      ...[0, 0, gzipFrames[0]!.length, 0],
      ...[0, gzipFrames[0]!.length, twoMembers.length, 32],
    ]);
    expect(
      await native.decodeFileSelectedMany(
        "gzip",
        [join(dir, "members")],
        1024,
        from,
        to,
        gzipSlices,
      ),
    ).toEqual([12 * 32, native.NEEDS_FALLBACK]);
    // Checked at the call: a target moved outside its buffer, odd numbers, unknown codecs.
    const call =
      (...args: unknown[]) =>
      () =>
        Reflect.apply(native.decodeFileSelectedMany, native, args);
    expect(call("zstd", [file], 1024, from, to, Float64Array.from([0, 0, 9, 24 * 96]))).toThrow(
      /item 0: .*inside to.bytes/,
    );
    expect(call("zstd", [file], 1024, from, to, Float64Array.from([0, 0, 9.5, 0]))).toThrow(
      RangeError,
    );
    expect(call("zstd", [file], 1024, from, to, Float64Array.from([1, 0, 9, 0]))).toThrow(
      /slice 0: no path 1/,
    );
    expect(call("zstd", [file], 1024, from, to, Float64Array.from([0, 9, 0]))).toThrow(TypeError);
    expect(call("zstd", file, 1024, from, to, new Float64Array(0))).toThrow(/paths must be/);
    expect(call("lz4", [file], 1024, from, to, new Float64Array(0))).toThrow(/codec must be/);
    expect(call("zstd", [file], 1024, from, { ...to, runBytes: 31 }, new Float64Array(0))).toThrow(
      /from selects 384 bytes, to holds 372/,
    );
    await rm(dir, { recursive: true });
  });

  it("zstdCompressMany, bloscCompressMany, deflateMany: chunks laid out alike, one call", async () => {
    // A 32x48 float32 array (192-byte rows), 3 bytes into a buffer: six 16x16 tiles.
    const backing = Uint8Array.from({ length: 3 + 32 * 192 }, (_, i) => (i * 29 + (i >> 7)) % 251);
    const tileBytes = (t: number) => {
      const out = new Uint8Array(16 * 64);
      for (let r = 0; r < 16; r++) {
        const at = 3 + (Math.floor(t / 3) * 16 + r) * 192 + (t % 3) * 64;
        out.set(backing.subarray(at, at + 64), r * 64);
      }
      return out;
    };
    const source = { bytes: backing, offset: 3, runBytes: 64, shape: [16], strides: [192] };
    // Tiles 5, 0 and 4, in that order.
    const offsets = Float64Array.from(
      [5, 0, 4],
      (t) => 3 + Math.floor(t / 3) * 16 * 192 + (t % 3) * 64,
    );
    const decodeEach = async (
      [frames, sizes]: [Uint8Array, number[]],
      decode: (frame: Uint8Array, out: Uint8Array) => Promise<number>,
    ) => {
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(frames.length);
      let at = 0;
      for (const [k, t] of [5, 0, 4].entries()) {
        const out = new Uint8Array(16 * 64);
        expect(await decode(frames.subarray(at, at + sizes[k]!), out)).toBe(out.length);
        expect(same(out, tileBytes(t))).toBe(true);
        at += sizes[k]!;
      }
    };
    await decodeEach(await native.zstdCompressMany(source, offsets, 3, 1), (f, out) =>
      native.zstdDecompress(f, out),
    );
    await decodeEach(await native.bloscCompressMany(source, offsets, 5, 1, 4, 0, "lz4"), (f, out) =>
      native.bloscDecompress(f, out),
    );
    for (const zlib of [0, 1] as const)
      await decodeEach(await native.deflateMany(source, offsets, 6, zlib), (f, out) =>
        native.inflate(f, out, zlib),
      );
    // The frames are one block of the addon's memory: released at once, like encoders' output.
    const [frames, sizes] = await native.zstdCompressMany(source, new Float64Array(0), 3, 0);
    expect([frames.length, sizes]).toEqual([0, []]);
    const [more] = await native.zstdCompressMany(source, offsets, 1, 0);
    expect(native.release(more)).toBe(true);
    // Checked at the call: offsets moving the runs out of the buffer, or not whole; and a
    // library's complaint rejects.
    const call =
      (...args: unknown[]) =>
      () =>
        Reflect.apply(native.zstdCompressMany, native, args);
    expect(call(source, Float64Array.from([3 + 16 * 192 + 129]), 3, 0)).toThrow(
      /item 0: .*inside source.bytes/,
    );
    expect(call(source, Float64Array.from([0.5]), 3, 0)).toThrow(RangeError);
    expect(call(backing, offsets, 3, 0)).toThrow(TypeError);
    await expect(native.bloscCompressMany(source, offsets, 5, 1, 4, 0, "snappy")).rejects.toThrow(
      /snappy/,
    );
  });

  it("gatherMany: chunks laid out alike copied out in one call, lanes reversed or not", async () => {
    // A 12x20 array of 4-byte elements (80-byte rows), 5 bytes into a buffer: 4x5 tiles.
    const backing = Uint8Array.from({ length: 5 + 12 * 80 }, (_, i) => (i * 37 + 11) % 253);
    const source = { bytes: backing, offset: 5, runBytes: 20, shape: [4], strides: [80] };
    const start = (t: number) => 5 + Math.floor(t / 4) * 4 * 80 + (t % 4) * 20;
    const tile = (t: number, lane: number) =>
      [0, 1, 2, 3].flatMap((r) => {
        const row = backing.subarray(start(t) + r * 80, start(t) + r * 80 + 20);
        return Array.from({ length: 20 / lane }, (_, e) =>
          Array.from(row.subarray(e * lane, (e + 1) * lane)).reverse(),
        ).flat();
      });
    const order = [7, 0, 10];
    for (const lane of [1, 2, 4] as const) {
      const offsets = Float64Array.from(order, start);
      const [chunks, sizes] = await native.gatherMany(source, offsets, lane);
      expect(sizes).toEqual([80, 80, 80]);
      expect(Array.from(chunks), `lane ${lane}`).toEqual(order.flatMap((t) => tile(t, lane)));
      expect(native.release(chunks)).toBe(true);
    }
    // Runs of single elements, kept as their layout: each tile's rows read backwards, and a
    // broadcast element (stride 0) repeated; compressed the same way by zstdCompressMany.
    const reversed = {
      bytes: backing,
      offset: 5 + 16,
      runBytes: 4,
      shape: [4, 5],
      strides: [80, -4],
    };
    const mirror = (t: number) =>
      [0, 1, 2, 3].flatMap((r) =>
        [4, 3, 2, 1, 0].flatMap((e) =>
          Array.from(backing.subarray(start(t) + r * 80 + e * 4, start(t) + r * 80 + e * 4 + 4)),
        ),
      );
    const mirroredAt = Float64Array.from(order, (t) => start(t) + 16);
    const [mirrored, mirroredSizes] = await native.gatherMany(reversed, mirroredAt, 1);
    expect(mirroredSizes).toEqual([80, 80, 80]);
    expect(Array.from(mirrored)).toEqual(order.flatMap(mirror));
    const [frames, frameSizes] = await native.zstdCompressMany(reversed, mirroredAt, 3, 0);
    let at = 0;
    for (const [k, t] of order.entries()) {
      const out = new Uint8Array(80);
      await native.zstdDecompress(frames.subarray(at, at + frameSizes[k]!), out);
      expect(Array.from(out), `tile ${t}`).toEqual(mirror(t));
      at += frameSizes[k]!;
    }
    const one = { bytes: backing, offset: 9, runBytes: 4, shape: [6, 7], strides: [0, 0] };
    const [repeated] = await native.gatherMany(one, Float64Array.of(9, 13), 4);
    const element = Array.from(backing.subarray(9, 13));
    const swapped = Array.from(backing.subarray(13, 17)).reverse();
    expect(Array.from(repeated)).toEqual([
      ...Array(42).fill(element.slice().reverse()).flat(),
      ...Array(42).fill(swapped).flat(),
    ]);
    // Runs of 20 bytes are not whole 8-byte lanes; offsets that move the runs out are refused.
    expect(() => native.gatherMany(source, Float64Array.of(5), 8)).toThrow(RangeError);
    expect(() => native.gatherMany(source, Float64Array.of(5 + 9 * 80), 4)).toThrow(
      /item 0: .*inside source.bytes/,
    );
  });

  it("blosc: frames with the header c-blosc documents; ranges through getitem", async () => {
    const frame = await native.bloscCompress(viewOf(data), 5, 1, 4, 0, "lz4");
    const header = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    // c-blosc's header: version 2, flags with byte shuffle (0x01) and lz4 (1 << 5), typesize,
    // then nbytes and cbytes as little-endian int32 at 4 and 12.
    expect(frame[0]).toBe(2);
    expect(frame[2]! & 0x01).toBe(0x01);
    expect(frame[2]! >> 5).toBe(1);
    expect(frame[3]).toBe(4);
    expect(header.getInt32(4, true)).toBe(data.length);
    expect(header.getInt32(12, true)).toBe(frame.length);
    const target = viewOf(new Uint8Array(data.length));
    expect(await native.bloscDecompress(viewOf(frame), target)).toBe(data.length);
    expect(same(target, data)).toBe(true);
    const items = new Uint8Array(40);
    expect(native.bloscGetItem(frame, 1000, 10, items)).toBe(40);
    expect(same(items, data.subarray(4000, 4040))).toBe(true);
    expect(() => native.bloscGetItem(frame, data.length / 4 - 5, 10, items)).toThrow(RangeError);
    await expect(native.bloscDecompress(frame, new Uint8Array(10))).rejects.toThrow(
      /holds 1048576 bytes, expected 10/,
    );
    await expect(native.bloscDecompress(frame.subarray(0, 10), target)).rejects.toThrow(
      /not a valid blosc frame/,
    );
    await expect(native.bloscCompress(data, 5, 1, 4, 0, "snappy")).rejects.toThrow(/snappy/);
    // Refused by the addon, not by c-blosc (which would print to the process's stderr too).
    for (const [clevel, shuffle] of [
      [10, 1],
      [-1, 1],
      [5, 3],
      [5, -1],
    ] as const)
      await expect(native.bloscCompress(data, clevel, shuffle, 4, 0, "lz4")).rejects.toThrow(
        `blosc clevel must be 0..9 and shuffle 0..2 (got ${clevel} and ${shuffle})`,
      );
  });

  it("gathers an encoder's input from runs and scatters a decoder's output across them", async () => {
    // Rows of 1000 bytes at a stride of 1500 in a larger buffer, as a chunk sits in an array.
    const backing = new Uint8Array(300 * 1500).map((_, i) => (i * 31) % 253);
    const rows = Array.from({ length: 300 }, (_, r) => backing.subarray(r * 1500, r * 1500 + 1000));
    const joined = Buffer.concat(rows);
    for (const [encode, decode] of [
      [
        () => native.zstdCompress(rows, 3, 0),
        (f: Uint8Array, t: ByteRuns) => native.zstdDecompress(f, t),
      ],
      [
        () => native.bloscCompress(rows, 5, 1, 4, 0, "lz4"),
        (f: Uint8Array, t: ByteRuns) => native.bloscDecompress(f, t),
      ],
      [() => native.deflate(rows, 5, 1), (f: Uint8Array, t: ByteRuns) => native.inflate(f, t, 1)],
    ] as const) {
      const encoded = await encode();
      const whole = new Uint8Array(joined.length);
      expect(await decode(encoded, whole)).toBe(joined.length);
      expect(same(whole, joined)).toBe(true);
      const target = new Uint8Array(backing.length).fill(0xee);
      const runs = rows.map((row) => target.subarray(row.byteOffset, row.byteOffset + row.length));
      expect(await decode(encoded, runs)).toBe(joined.length);
      for (let r = 0; r < 300; r++) {
        expect(same(runs[r]!, rows[r]!)).toBe(true);
        // The gaps between the runs are untouched.
        if (r < 299)
          expect(target.subarray(r * 1500 + 1000, (r + 1) * 1500).every((b) => b === 0xee)).toBe(
            true,
          );
      }
      // Runs that hold less than the stream are refused; nothing is written past them.
      await expect(decode(encoded, runs.slice(0, 10))).rejects.toThrow();
    }
  });

  it("takes runs described by strides: 3-D, backwards, and checked against the buffer", async () => {
    // A 4x5x60-byte block inside a 6x8x100-byte array, starting at [1, 2, 10]; the middle
    // dimension walked backwards (from row 6 down to row 2).
    const backing = new Uint8Array(6 * 8 * 100).map((_, i) => (i * 37) % 251);
    const at = (i: number, j: number) => (1 + i) * 800 + (6 - j) * 100 + 10;
    const rows: Uint8Array[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 5; j++) rows.push(backing.subarray(at(i, j), at(i, j) + 60));
    const strided = (bytes: Uint8Array): StridedRuns => ({
      bytes,
      offset: at(0, 0),
      runBytes: 60,
      shape: [4, 5],
      strides: [800, -100],
    });
    const joined = Buffer.concat(rows);
    const frame = await native.zstdCompress(strided(backing), 3, 0);
    const whole = new Uint8Array(joined.length);
    await native.zstdDecompress(frame, whole);
    expect(same(whole, joined)).toBe(true);
    const target = new Uint8Array(backing.length).fill(0xee);
    expect(
      await native.bloscDecompress(
        await native.bloscCompress(rows, 5, 1, 4, 0, "lz4"),
        strided(target),
      ),
    ).toBe(joined.length);
    const inRun = new Uint8Array(target.length);
    for (const row of rows) {
      expect(same(target.subarray(row.byteOffset, row.byteOffset + 60), row)).toBe(true);
      inRun.fill(1, row.byteOffset, row.byteOffset + 60);
    }
    // Everything else in the target is untouched.
    expect(target.every((b, i) => inRun[i] === 1 || b === 0xee)).toBe(true);
    // A run that would start before the buffer or end past it is refused before any work.
    const call = (runs: StridedRuns) => () => native.zstdDecompress(frame, runs);
    expect(call({ ...strided(target), offset: 90 })).toThrow(TypeError);
    expect(call({ ...strided(target), runBytes: 10_000 })).toThrow(TypeError);
    expect(call({ ...strided(target), strides: [800] })).toThrow(TypeError);
    expect(call({ ...strided(target), shape: [4, 2 ** 40] })).toThrow(TypeError);
  });

  it("scatters into and gathers from many short runs (a transposed chunk's elements)", async () => {
    // Each layout's runs, placed by the definition of a strided layout: run i (C order over
    // shape) starts at offset + sum(index[d] * strides[d]).
    const layouts: Omit<StridedRuns, "bytes">[] = [
      // Elements of a transposed 37x29 float32 block: close along dim 0, far along dim 1.
      { offset: 8, runBytes: 4, shape: [37, 29], strides: [4, 160] },
      // Three planes of 40x23 int16, gaps between them.
      { offset: 0, runBytes: 2, shape: [3, 40, 23], strides: [40 * 23 * 2 + 6, 2, 80] },
      // Bytes walked backwards in both dimensions.
      { offset: 16 + 69 * 100, runBytes: 1, shape: [17, 70], strides: [-1, -100] },
      // 12-byte runs (tiles of 5), and runs too long to tile, and short runs already in order.
      { offset: 3, runBytes: 12, shape: [10, 9], strides: [12, 200] },
      { offset: 0, runBytes: 64, shape: [6, 5], strides: [64, 500] },
      { offset: 5, runBytes: 4, shape: [50, 3], strides: [20, 4] },
    ];
    for (const layout of layouts) {
      const starts: number[] = [];
      const walk = (d: number, at: number) => {
        if (d === layout.shape.length) starts.push(at);
        else for (let k = 0; k < layout.shape[d]!; k++) walk(d + 1, at + k * layout.strides[d]!);
      };
      walk(0, layout.offset);
      const size = Math.max(...starts) + layout.runBytes + 9;
      const content = data.subarray(0, starts.length * layout.runBytes);
      const frame = await native.zstdCompress(content, 1, 0);
      const target = new Uint8Array(size).fill(0xee);
      expect(await native.zstdDecompress(frame, { bytes: target, ...layout })).toBe(content.length);
      const inRun = new Uint8Array(size);
      starts.forEach((start, i) => {
        const run = content.subarray(i * layout.runBytes, (i + 1) * layout.runBytes);
        expect(same(target.subarray(start, start + layout.runBytes), run)).toBe(true);
        inRun.fill(1, start, start + layout.runBytes);
      });
      expect(target.every((b, i) => inRun[i] === 1 || b === 0xee)).toBe(true);
      // And gathered back out of them by an encoder, in the same order.
      const gathered = await native.zstdCompress({ bytes: target, ...layout }, 1, 0);
      const back = new Uint8Array(content.length);
      expect(await native.zstdDecompress(gathered, back)).toBe(content.length);
      expect(same(back, content)).toBe(true);
    }
  });

  it("swaps the byte order of lanes in strided runs, and nothing outside them", async () => {
    for (const lane of [2, 4, 8] as const) {
      // Rows 1..3 of a 5x6-lane array, lanes 1..4 of each, walked backwards by row.
      const bytes = Uint8Array.from({ length: 5 * 6 * lane }, (_, i) => (i * 29 + lane) % 256);
      const before = bytes.slice();
      const row = 6 * lane;
      await native.swapLanes(
        { bytes, offset: 3 * row + lane, runBytes: 4 * lane, shape: [3], strides: [-row] },
        lane,
      );
      for (let r = 0; r < 5; r++)
        for (let l = 0; l < 6; l++) {
          const at = r * row + l * lane;
          const inside = r >= 1 && r <= 3 && l >= 1 && l <= 4;
          const want = before.subarray(at, at + lane);
          expect(Array.from(bytes.subarray(at, at + lane)), `${lane}: ${r}, ${l}`).toEqual(
            inside ? Array.from(want).reverse() : Array.from(want),
          );
        }
    }
    const bytes = new Uint8Array(12);
    const runs = { bytes, offset: 0, runBytes: 6, shape: [2], strides: [6] };
    expect(() => native.swapLanes(runs, 4)).toThrow(RangeError);
    expect(() => Reflect.apply(native.swapLanes, native, [runs, 3])).toThrow(RangeError);
    expect(() => native.swapLanes({ ...runs, strides: [7] }, 2)).toThrow(TypeError);
  });

  it("reads files whole, by range and into buffers, and writes them atomically", async () => {
    const io = nativeFileIO!;
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-io-"));
    try {
      const path = join(dir, "a", "b", "c");
      await io.writeFileAtomic(path, join(dir, "a", "b", ".c.tmp"), [
        data.subarray(0, 10),
        data.subarray(10, 100),
      ]);
      expect(await readdir(join(dir, "a", "b"))).toEqual(["c"]);
      expect(same((await readFile(path)).subarray(), data.subarray(0, 100))).toBe(true);
      expect(same((await io.readFile(path))!, data.subarray(0, 100))).toBe(true);
      expect(
        same((await io.readFile(path, { offset: 90, length: 10 }))!, data.subarray(90, 100)),
      ).toBe(true);
      expect(same((await io.readFile(path, { suffix: 7 }))!, data.subarray(93, 100))).toBe(true);
      expect(same((await io.readFile(path, { suffix: 500 }))!, data.subarray(0, 100))).toBe(true);
      await expect(io.readFile(path, { offset: 95, length: 10 })).rejects.toThrow(
        /bytes 95..105 lie past the end of .* \(100 bytes\)/,
      );
      expect(await io.readFile(join(dir, "nothing"))).toBeUndefined();
      // What readFile allocated can be given back at once, like an encoder's output.
      const read = (await io.readFile(path))!;
      expect(native.release(read)).toBe(true);
      expect(read.byteLength).toBe(0);
      expect(await io.readFile(join(dir, "a"))).toBeUndefined();
      expect(await io.readFile(join(path, "under-a-file"))).toBeUndefined();
      // Into buffers: only when the size is their total; up to a buffer: when it fits.
      const parts = [new Uint8Array(30), new Uint8Array(70)];
      expect(await io.readFileInto(path, parts)).toBe(100);
      expect(same(parts[1]!, data.subarray(30, 100))).toBe(true);
      expect(await io.readFileInto(path, [new Uint8Array(99)])).toBe(100);
      expect(await io.readFileInto(join(dir, "nothing"), parts)).toBe(-1);
      // Strided targets: 100 bytes as 10 rows of 10, every 16 bytes of a larger buffer.
      const grid = new Uint8Array(170).fill(0xee);
      const rowsOf = { bytes: grid, offset: 8, runBytes: 10, shape: [10], strides: [16] };
      expect(await io.readFileInto(path, rowsOf)).toBe(100);
      for (let r = 0; r < 10; r++) {
        const row = grid.subarray(8 + r * 16, 8 + r * 16 + 10);
        expect(same(row, data.subarray(r * 10, r * 10 + 10))).toBe(true);
        expect(grid[8 + r * 16 + 10]).toBe(0xee);
      }
      // And written back from them, gathered.
      await io.writeFileAtomic(join(dir, "rows"), join(dir, ".rows.tmp"), rowsOf);
      expect(same(await readFile(join(dir, "rows")), data.subarray(0, 100))).toBe(true);
      const roomy = new Uint8Array(150).fill(0xee);
      expect(await io.readFileUpTo(path, roomy)).toBe(100);
      expect(same(roomy.subarray(0, 100), data.subarray(0, 100))).toBe(true);
      expect(roomy[100]).toBe(0xee);
      expect(await io.readFileUpTo(path, new Uint8Array(50))).toBe(100);
      // A failed write leaves the old value and no temporary file; the error is node:fs-like.
      const error = await io
        .writeFileAtomic(join(path, "d"), join(path, ".d.tmp"), [data])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ENOTDIR", syscall: "open" });
      expect(same((await readFile(path)).subarray(), data.subarray(0, 100))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes many files atomically in one job, stopping at the first that fails", async () => {
    const io = nativeFileIO!;
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-many-"));
    try {
      // Views of one block, as an encoder's batch gives them; one of them empty.
      const block = data.subarray(0, 300);
      const values = [block.subarray(0, 100), block.subarray(100, 100), block.subarray(100, 300)];
      const paths = [join(dir, "c", "0", "0"), join(dir, "c", "0", "1"), join(dir, "c", "1", "0")];
      const temps = paths.map((p, i) => join(p, "..", `.t${i}.tmp`));
      await io.writeFilesAtomic(paths, temps, values);
      for (const [i, path] of paths.entries())
        expect(same(await readFile(path), values[i]!)).toBe(true);
      expect((await readdir(join(dir, "c", "0"))).sort()).toEqual(["0", "1"]);
      // The second cannot be written (its directory is a file): the first is replaced, the
      // third left as it was, and no temporary file stays behind.
      const next = [data.subarray(300, 310), data.subarray(310, 320), data.subarray(320, 330)];
      const blocked = [paths[0]!, join(paths[1]!, "x"), paths[2]!];
      const error = await io
        .writeFilesAtomic(blocked, [temps[0]!, join(paths[1]!, ".x.tmp"), temps[2]!], next)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ENOTDIR", syscall: "open", index: 1, path: blocked[1] });
      expect(same(await readFile(paths[0]!), next[0]!)).toBe(true);
      expect(same(await readFile(paths[2]!), values[2]!)).toBe(true);
      expect((await readdir(join(dir, "c", "0"))).sort()).toEqual(["0", "1"]);
      // Lists of different lengths, or of the wrong types, are refused before any work.
      expect(() => io.writeFilesAtomic(paths, temps.slice(1), values)).toThrow(RangeError);
      expect(() => Reflect.apply(io.writeFilesAtomic, io, [[1], temps, values])).toThrow(
        /paths\[0\] must be a string/,
      );
      await io.writeFilesAtomic([], [], []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes many files from strided runs moved to each file's offset", async () => {
    const io = nativeFileIO!;
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-many-strided-"));
    try {
      // A 6x8 array of 2-byte elements; its four 3x4 blocks, each a file of 3 rows of 8 bytes.
      const bytes = Uint8Array.from({ length: 6 * 8 * 2 }, (_, i) => (i * 7 + 3) % 251);
      const row = 8 * 2;
      const runs = { bytes, offset: 0, runBytes: 4 * 2, shape: [3], strides: [row] };
      const starts = [0, 8, 3 * row, 3 * row + 8];
      const paths = starts.map((_, i) => join(dir, "c", String(i >> 1), String(i & 1)));
      const temps = paths.map((p, i) => join(p, "..", `.t${i}.tmp`));
      await io.writeFilesAtomic(paths, temps, runs, Float64Array.from(starts));
      for (const [i, start] of starts.entries()) {
        const want = [0, 1, 2].flatMap((r) =>
          Array.from(bytes.subarray(start + r * row, start + r * row + 8)),
        );
        expect(Array.from(await readFile(paths[i]!)), paths[i]).toEqual(want);
      }
      // The runs given anywhere: offsets say where each file's begin, not how far they move.
      await io.writeFilesAtomic(
        [paths[0]!],
        [temps[0]!],
        { ...runs, offset: 3 * row + 8 },
        Float64Array.of(8),
      );
      expect(same(await readFile(paths[0]!), await readFile(paths[1]!))).toBe(true);
      // A move past either end of the buffer, or offsets not matching the paths, write nothing.
      const before = await readFile(paths[3]!);
      expect(() =>
        io.writeFilesAtomic([paths[3]!], [temps[3]!], runs, Float64Array.of(3 * row + 9)),
      ).toThrow(RangeError);
      expect(() =>
        io.writeFilesAtomic([paths[3]!], [temps[3]!], { ...runs, offset: 8 }, Float64Array.of(-1)),
      ).toThrow(RangeError);
      expect(() => io.writeFilesAtomic(paths, temps, runs, Float64Array.of(0))).toThrow(RangeError);
      expect(() => Reflect.apply(io.writeFilesAtomic, io, [paths, temps, runs])).toThrow(TypeError);
      expect(same(await readFile(paths[3]!), before)).toBe(true);
      expect((await readdir(join(dir, "c", "1"))).sort()).toEqual(["0", "1"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("advises huge pages for the middle of a large buffer, which stays as it was", () => {
    const big = new Uint8Array(8 << 20);
    // Whether the kernel takes it depends on its settings; the memory must not change.
    expect(typeof nativeMemory!.adviseHugePages(big.subarray(1, big.length - 1))).toBe("boolean");
    expect(big.every((b) => b === 0)).toBe(true);
    big.fill(7);
    expect(big[big.length - 1]).toBe(7);
    // Less than one aligned 2 MiB page inside: nothing to advise.
    expect(nativeMemory!.adviseHugePages(new Uint8Array(4096))).toBe(false);
  });

  it("populates the pages of fresh memory at once, leaving its contents as they were", async () => {
    // Resident memory is the process's: measured in a child of its own, where no other test
    // allocates or frees meanwhile. 64 MiB comes fresh from mmap, untouched until populated.
    const script = `
      import { nativeMemory } from "@zarrkit/native";
      const size = 64 << 20;
      const fresh = new Uint8Array(size);
      const before = process.memoryUsage().rss;
      const populated = await nativeMemory.populate(fresh.subarray(1, size - 1));
      const grown = process.memoryUsage().rss - before;
      const zero = fresh.every((b) => b === 0);
      fresh.fill(9);
      console.log(JSON.stringify({ populated, grownMiB: grown / 1048576, zero, last: fresh[size - 1] }));`;
    const run = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      cwd: new URL("..", import.meta.url).pathname,
      timeout: 20_000,
    });
    const result = JSON.parse(run.stdout);
    expect(result.zero).toBe(true);
    expect(result.last).toBe(9);
    if (process.platform === "linux" && result.populated)
      expect(result.grownMiB).toBeGreaterThan(60);
    else
      console.warn("populate: this kernel has no MADV_POPULATE_WRITE; only checked it is harmless");
    // Less than a page inside: nothing to populate, nothing refused.
    expect(await nativeMemory!.populate(new Uint8Array(10))).toBe(true);
  });

  it("reads files into recycled memory: released reads fault no new pages", async () => {
    // 64 reads of a 1 MiB file, each released before the next: into fresh memory they would
    // fault 64 x 256 pages; recycled, about one file's worth. In a child process of its own.
    const file = join(await mkdtemp(join(tmpdir(), "zarrkit-native-")), "chunk");
    await writeFile(file, data);
    const script = `
      import { nativeCodecs, nativeFileIO } from "@zarrkit/native";
      const path = ${JSON.stringify(file)};
      const faults = () => process.resourceUsage().minorPageFault;
      nativeCodecs.release(await nativeFileIO.readFile(path));
      const before = faults();
      let same = true;
      for (let i = 0; i < 64; i++) {
        const bytes = await nativeFileIO.readFile(path, i % 2 ? undefined : { offset: 4096, length: 1000000 });
        const whole = i % 2 === 1;
        same &&= bytes.length === (whole ? ${data.length} : 1000000) && bytes[5000] === (whole ? ${data[5000]!} : ${data[4096 + 5000]!});
        nativeCodecs.release(bytes);
      }
      console.log(JSON.stringify({ faults: faults() - before, same }));`;
    const result = (await inChild(script)) as { faults: number; same: boolean };
    expect(result.same).toBe(true);
    expect(result.faults).toBeLessThan((64 * 256) / 8);
    await rm(dirname(file), { recursive: true });
  });

  it("jobs one after another reuse one workspace, whichever pool thread runs them", async () => {
    // Each job decodes the last 4 KiB of a 1 MiB chunk read from its file: zstd decodes the
    // whole frame into scratch, blosc the last block with c-blosc's temporaries. Kept per pool
    // thread, those would fault anew on each of the threads libuv wakes in turn (~256 pages
    // each for zstd); shared, the first job's pages serve the rest.
    const dir = await mkdtemp(join(tmpdir(), "zarrkit-native-"));
    await writeFile(join(dir, "zstd"), await native.zstdCompress(data, 1, 0));
    await writeFile(join(dir, "blosc"), await native.bloscCompress(data, 5, 1, 4, 0, "lz4"));
    const script = `
      import { nativeCodecs as n } from "@zarrkit/native";
      const faults = () => process.resourceUsage().minorPageFault;
      const from = { offset: ${data.length - 4096}, runBytes: 4096, shape: [], strides: [] };
      const result = {};
      for (const codec of ["zstd", "blosc"]) {
        const decode = (last) => n[codec + "DecompressSelected"](
          { path: ${JSON.stringify(dir)} + "/" + codec }, ${data.length}, from, last);
        const last = new Uint8Array(4096);
        await decode(last);
        const before = faults();
        for (let i = 0; i < 16; i++) await decode(last);
        result[codec] = { faults: faults() - before, head: Array.from(last.subarray(0, 8)) };
      }
      console.log(JSON.stringify(result));`;
    const result = (await inChild(script, { UV_THREADPOOL_SIZE: "4" })) as Record<
      "zstd" | "blosc",
      { faults: number; head: number[] }
    >;
    const head = Array.from(data.subarray(data.length - 4096, data.length - 4088));
    for (const codec of ["zstd", "blosc"] as const) {
      expect(result[codec].head).toEqual(head);
      expect(result[codec].faults).toBeLessThan(128);
    }
    await rm(dir, { recursive: true });
  });

  it("crc32c: the standard check value and RFC 3720's vectors; any length and offset", () => {
    const ascii = new TextEncoder().encode("123456789");
    expect(native.crc32c(ascii)).toBe(0xe3069283);
    expect(native.crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI), appendix B.4.
    expect(native.crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(native.crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(native.crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(native.crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    // Bit by bit from the polynomial, for every tail length and misaligned start.
    const bitwise = (bytes: Uint8Array) => {
      let crc = 0xffffffff;
      for (const b of bytes) {
        crc ^= b;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    for (let length = 0; length < 40; length++) {
      for (const offset of [0, 1, 3, 7]) {
        const bytes = viewOf(data.subarray(1000, 1000 + length), offset);
        expect(native.crc32c(bytes)).toBe(bitwise(bytes));
      }
    }
    expect(native.crc32c(data)).toBe(bitwise(data));
    expect(() => Reflect.apply(native.crc32c, native, [[1, 2]])).toThrow(
      /bytes must be a Uint8Array/,
    );
    expect(() => Reflect.apply(native.crc32c, native, [])).toThrow(TypeError);
  });

  it("crc32c: the tables CPUs without the instruction use give the same checksums", async () => {
    const script = `
      import { nativeCodecs as n } from "@zarrkit/native";
      const bytes = new Uint8Array(1 << 16).map((_, i) => (i * 2654435761) >>> 24);
      console.log(JSON.stringify([n.crc32c(new TextEncoder().encode("123456789")),
        ...[0, 1, 7, 8, 9, 4095].map((l) => n.crc32c(bytes.subarray(3, 3 + l))), n.crc32c(bytes)]));`;
    const [tables, instruction] = await Promise.all([
      inChild(script, { ZARRKIT_NATIVE_CRC32C: "tables" }),
      inChild(script),
    ]);
    expect((tables as number[])[0]).toBe(0xe3069283);
    expect(tables).toEqual(instruction);
  });

  it("rejects arguments of the wrong type synchronously, with TypeError", () => {
    const bytes = new Uint8Array(4);
    // What a JavaScript caller could pass, past the types.
    const call =
      (f: (...args: never[]) => unknown, ...args: unknown[]) =>
      () =>
        Reflect.apply(f, native, args);
    expect(call(native.zstdDecompress, [1, 2], bytes)).toThrow(TypeError);
    expect(call(native.zstdDecompress, bytes, new Uint16Array(2))).toThrow(
      /target must be a Uint8Array/,
    );
    expect(call(native.zstdDecompress, bytes, [bytes, 7])).toThrow(/target must be a Uint8Array/);
    expect(call(native.deflate, bytes, "5", 0)).toThrow(/level must be an integer/);
    expect(call(native.zstdCompress, [bytes, "x"], 3, 0)).toThrow(/source must be a Uint8Array/);
    expect(call(native.bloscCompress, bytes, 5, 1, 4, 0, 7)).toThrow(/compressor/);
    // No argument at all is as wrong as a wrong one.
    const memory = nativeMemory!;
    expect(() => Reflect.apply(memory.adviseHugePages, memory, [])).toThrow(TypeError);
    expect(() => Reflect.apply(memory.populate, memory, [])).toThrow(TypeError);
  });

  it("release detaches encoders' output only; later encoders reuse its memory correctly", async () => {
    const frame = await native.zstdCompress(data, 3, 0);
    const view = frame.subarray(4);
    expect(native.release(frame)).toBe(true);
    // Every view of that memory is now empty: nothing can read a block another encoder fills.
    expect(frame.byteLength).toBe(0);
    expect(view.byteLength).toBe(0);
    expect(native.release(frame)).toBe(false);
    const plain = new Uint8Array([1, 2, 3]);
    expect(native.release(plain)).toBe(false);
    expect([...plain]).toEqual([1, 2, 3]);
    const decoded = new Uint8Array(data.length);
    await native.zstdDecompress(await native.zstdCompress(viewOf(data), 3, 0), decoded);
    expect(native.release(decoded)).toBe(false);
    expect(decoded.byteLength).toBe(data.length);
    // Encode, release and encode again, several at once: each frame still holds its own input.
    for (let round = 0; round < 3; round++) {
      const parts = Array.from({ length: 8 }, (_, i) =>
        data.subarray(i * 131072, (i + 1) * 131072),
      );
      const frames = await Promise.all(
        parts.map((part, i) =>
          i % 2 === 0
            ? native.zstdCompress(part, 3, 0)
            : native.bloscCompress(part, 5, 1, 4, 0, "lz4"),
        ),
      );
      const back = await Promise.all(
        frames.map(async (f, i) => {
          const out = new Uint8Array(131072);
          await (i % 2 === 0 ? native.zstdDecompress(f, out) : native.bloscDecompress(f, out));
          return out;
        }),
      );
      expect(back.map((out, i) => same(out, parts[i]!))).toEqual(parts.map(() => true));
      for (const f of frames) expect(native.release(f)).toBe(true);
      // Finalizers run from the event loop: let the blocks return before the next round.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it("blosc: round trips of growing and shrinking sizes, many at once (reused temporaries)", async () => {
    // c-blosc's scratch block is kept per thread and lent to the next call: sizes that grow past
    // it, shrink below it and exceed what is kept must all come back intact.
    const big = new Uint8Array(80 << 20);
    for (let i = 0; i < big.length; i += 4096) big.set(data.subarray(0, 4096), i);
    const sizes = [1 << 20, 4 << 20, 65536, 1000, 80 << 20, 2 << 20, 3 << 20, 1 << 20];
    const results = await Promise.all(
      sizes.map(async (size, i) => {
        const input = big.subarray(i * 68, i * 68 + size);
        const frame = await native.bloscCompress(
          input,
          5,
          1 + (i % 2),
          4,
          0,
          i % 3 ? "lz4" : "zstd",
        );
        const out = new Uint8Array(input.length);
        await native.bloscDecompress(frame, out);
        return same(out, input);
      }),
    );
    expect(results).toEqual(sizes.map(() => true));
  });

  it("runs many jobs at once on the thread pool, each into its own buffer", async () => {
    const frames = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const part = data.subarray(i * 65536, (i + 1) * 65536);
        return native.zstdCompress(part, 1, 0);
      }),
    );
    const back = new Uint8Array(data.length);
    await Promise.all(
      frames.map((frame, i) =>
        native.zstdDecompress(frame, back.subarray(i * 65536, (i + 1) * 65536)),
      ),
    );
    expect(same(back, data)).toBe(true);
  });
});
