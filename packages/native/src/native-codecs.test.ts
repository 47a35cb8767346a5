import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type NativeCodecs, nativeCodecs, nativeLoadFailure } from "./index.js";

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

describe.skipIf(nativeCodecs === undefined)("@zarrkit/native", () => {
  it("reports the versions of the vendored libraries", () => {
    expect(native.versions).toEqual({ blosc: "1.21.3", zstd: "1.5.4", libdeflate: "1.14" });
  });

  it("gzip and zlib: node:zlib reads what it writes, and it reads node:zlib's", async () => {
    for (const format of ["gzip", "zlib"] as const) {
      const framing = format === "zlib" ? 1 : 0;
      for (const level of [0, 1, 5, 9, 12]) {
        const out = new Uint8Array(native.compressBound(format, data.length));
        const written = await native.deflate(viewOf(data), out, level, framing);
        const stream = out.subarray(0, written);
        const back = format === "gzip" ? gunzipSync(stream) : inflateSync(stream);
        expect(same(back, data), `${format} level ${level}`).toBe(true);
      }
      const fromNode = format === "gzip" ? gzipSync(data) : deflateSync(data);
      const target = viewOf(new Uint8Array(data.length));
      expect(await native.inflate(viewOf(fromNode), target, framing)).toBe(data.length);
      expect(same(target, data)).toBe(true);
    }
    // Level 9 compresses this smooth data well; level 0 stores it (a little larger).
    const stored = new Uint8Array(native.compressBound("gzip", data.length));
    expect(await native.deflate(data, stored, 0, 0)).toBeGreaterThan(data.length);
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
    const out = new Uint8Array(native.compressBound("zstd", data.length));
    const written = await native.zstdCompress(viewOf(data), out, 3, 1);
    const frame = out.slice(0, written);
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

  it("blosc: frames with the header c-blosc documents; ranges through getitem", async () => {
    const out = new Uint8Array(native.compressBound("blosc", data.length));
    const written = await native.bloscCompress(viewOf(data), out, 5, 1, 4, 0, "lz4");
    const frame = out.slice(0, written);
    const header = new DataView(frame.buffer);
    // c-blosc's header: version 2, flags with byte shuffle (0x01) and lz4 (1 << 5), typesize,
    // then nbytes and cbytes as little-endian int32 at 4 and 12.
    expect(frame[0]).toBe(2);
    expect(frame[2]! & 0x01).toBe(0x01);
    expect(frame[2]! >> 5).toBe(1);
    expect(frame[3]).toBe(4);
    expect(header.getInt32(4, true)).toBe(data.length);
    expect(header.getInt32(12, true)).toBe(written);
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
    await expect(native.bloscCompress(data, out, 5, 1, 4, 0, "snappy")).rejects.toThrow(/snappy/);
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
    expect(call(native.deflate, bytes, bytes, "5", 0)).toThrow(/level must be an integer/);
    expect(call(native.compressBound, "lzma", 10)).toThrow(TypeError);
    expect(call(native.zstdCompress, bytes, [bytes], 3, 0)).toThrow(/target must be a Uint8Array/);
  });

  it("runs many jobs at once on the thread pool, each into its own buffer", async () => {
    const frames = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const part = data.subarray(i * 65536, (i + 1) * 65536);
        const out = new Uint8Array(native.compressBound("zstd", part.length));
        return out.subarray(0, await native.zstdCompress(part, out, 1, 0));
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
