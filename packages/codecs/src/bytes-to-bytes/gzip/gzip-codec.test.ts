import { gunzipSync, gzipSync, inflateSync } from "node:zlib";
import {
  type CodecFactoryContext,
  coreDataType,
  createRegistry,
  isZarrkitError,
} from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { nativeForTests } from "../../test-support/native-for-tests.js";
import type { DeflateBackend } from "./deflate-backend.js";
import { deflateCodecExtensions } from "./gzip-codec.js";
import { nativeDeflate } from "./native-deflate.js";
import { nodeDeflate } from "./node-deflate.js";
import { webDeflate } from "./web-deflate.js";

const addon = nativeForTests();
const libdeflate = addon && nativeDeflate(addon, nodeDeflate);
const backends: [string, DeflateBackend | undefined][] = [
  ["node:zlib", nodeDeflate],
  ["libdeflate", libdeflate],
];

const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251);
const context = (): CodecFactoryContext => ({
  registry: createRegistry(),
  spec: { shape: [data.length], dataType: coreDataType("uint8")!, fillValue: new Uint8Array(1) },
});

describe.each(backends)("gzip and zlib codecs (%s)", (_name, backend) => {
  if (backend === undefined) return;
  const { gzip: gzipCodecExtension, zlib: zlibCodecExtension } = deflateCodecExtensions(backend);
  it("write gzip/zlib streams any inflater reads, and read any gzip stream", async () => {
    const gzip = await gzipCodecExtension.fromConfig({ level: 5 }, context());
    if (gzip.kind !== "bytes_to_bytes") throw new Error("kind");
    const encoded = await gzip.encode(data);
    expect(encoded[0]).toBe(0x1f);
    expect(new Uint8Array(gunzipSync(encoded))).toEqual(data);
    expect(new Uint8Array(await gzip.decode(gzipSync(data, { level: 9 }), data.length))).toEqual(
      data,
    );
    const zlib = await zlibCodecExtension.fromConfig({ level: 1 }, context());
    if (zlib.kind !== "bytes_to_bytes") throw new Error("kind");
    expect(new Uint8Array(inflateSync(await zlib.encode(data)))).toEqual(data);
  });

  it("refuses to inflate beyond the chunk's size (decompression bombs) and corrupt streams", async () => {
    const gzip = await gzipCodecExtension.fromConfig({ level: 1 }, context());
    if (gzip.kind !== "bytes_to_bytes") throw new Error("kind");
    const bomb = gzipSync(new Uint8Array(64 << 20));
    expect(bomb.length).toBeLessThan(100_000);
    await expect(gzip.decode(bomb, 1000)).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "CorruptChunk"),
    );
    await expect(gzip.decode(Uint8Array.of(1, 2, 3), 10)).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "CorruptChunk"),
    );
  });

  it("decode into the caller's buffer when the backend can, of exactly the chunk's size", async () => {
    const gzip = await gzipCodecExtension.fromConfig({ level: 5 }, context());
    if (gzip.kind !== "bytes_to_bytes") throw new Error("kind");
    if (gzip.decodeInto === undefined) return;
    const target = new Uint8Array(data.length);
    await gzip.decodeInto(gzipSync(data), target);
    expect(target).toEqual(data);
    // Concatenated members (as `cat a.gz b.gz` makes) are one stream to gzip readers.
    const halves = Buffer.concat([gzipSync(data.subarray(0, 5000)), gzipSync(data.subarray(5000))]);
    target.fill(0);
    await gzip.decodeInto(halves, target);
    expect(target).toEqual(data);
    expect(new Uint8Array(await gzip.decode(halves, data.length))).toEqual(data);
    for (const size of [data.length - 1, data.length + 1]) {
      await expect(gzip.decodeInto(gzipSync(data), new Uint8Array(size))).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "CorruptChunk") && /gzip/.test(e.message),
      );
    }
  });

  it.each([[{}], [{ level: 10 }], [{ level: -1 }], [{ level: "5" }], [{ level: 5, x: 1 }]])(
    "gzip rejects %j",
    async (config) => {
      await expect(async () => gzipCodecExtension.fromConfig(config, context())).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "InvalidMetadata") && /gzip/.test(e.message),
      );
    },
  );

  it("maps numcodecs (v2) configurations", () => {
    expect(gzipCodecExtension.fromV2!({ id: "gzip", level: 3 })).toEqual({
      name: "gzip",
      configuration: { level: 3 },
    });
    expect(zlibCodecExtension.fromV2!({ id: "zlib" })).toEqual({
      name: "numcodecs.zlib",
      configuration: { level: 1 },
    });
  });
});

describe("Compression Streams backend (the browser entry's DEFLATE)", () => {
  const data = new Uint8Array(200_000).map((_, i) => (Math.sin(i / 300) * 90 + i / 5000) & 0xff);
  for (const format of ["gzip", "zlib"] as const) {
    it(`${format}: what one backend writes the other reads`, async () => {
      const fromWeb = await webDeflate.encode(format, data, 5);
      const fromNode = await nodeDeflate.encode(format, data, 5);
      expect(
        new Uint8Array(await nodeDeflate.decode(format, format, fromWeb, data.length)),
      ).toEqual(data);
      expect(await webDeflate.decode(format, format, fromNode, data.length)).toEqual(data);
    });

    it(`${format}: refuses to inflate past the chunk's size, and corrupt streams`, async () => {
      const bomb = await nodeDeflate.encode(format, new Uint8Array(5_000_000), 9);
      await expect(webDeflate.decode(format, "c", bomb, 1000)).rejects.toSatisfy((e: unknown) =>
        isZarrkitError(e, "CorruptChunk"),
      );
      const broken = (await nodeDeflate.encode(format, data, 5)).slice(0, 100);
      await expect(webDeflate.decode(format, "c", broken, data.length)).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "CorruptChunk"),
      );
    });
  }
});
