import { isZarrkitError, type JsonObject } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { nativeForTests } from "../../test-support/native-for-tests.js";
import { wasmZstd, type ZstdBackend } from "./zstd-backend.js";
import { ZstdCodec } from "./zstd-codec.js";
import { zstdFrameContentSize } from "./zstd-frame.js";
import { nativeZstd } from "./zstd-native.js";

const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) % 256);

// The native addon is an optional dependency: built on install where a compiler is (CI).
const addon = nativeForTests();
const native = addon && nativeZstd(addon);
const backends: [string, ZstdBackend | undefined][] = [
  ["WASM", wasmZstd],
  ["native", native],
];

it.skipIf(native === undefined)("native and WASM zstd read each other's frames", async () => {
  for (const checksum of [false, true]) {
    const fromNative = await native!.encode(data, 3, checksum);
    const fromWasm = await wasmZstd.encode(data, 3, checksum);
    expect(await wasmZstd.decode(fromNative, data.length)).toEqual(data);
    expect(await native!.decode(fromWasm, data.length)).toEqual(data);
  }
});

describe.each(backends)("zstd codec (%s)", (_name, backend) => {
  const fromConfig = (configuration: JsonObject): ZstdCodec =>
    ZstdCodec.fromConfig("zstd", configuration, backend ?? wasmZstd);
  if (backend === undefined) return;
  it("round-trips at positive and negative levels, and records both settings", async () => {
    for (const level of [-5, 1, 3, 19]) {
      const codec = fromConfig({ level, checksum: false });
      const encoded = await codec.encode(data);
      expect(encoded.length).toBeLessThan(data.length);
      expect(await codec.decode(encoded, data.length)).toEqual(data);
      expect(codec.toConfig()).toEqual({ name: "zstd", configuration: { level, checksum: false } });
    }
  });

  it("reads the declared content size from the frame header and refuses bombs", async () => {
    const codec = fromConfig({ level: 3, checksum: false });
    const encoded = await codec.encode(data);
    expect(zstdFrameContentSize(encoded)).toBe(data.length);
    await expect(codec.decode(encoded, 1000)).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "CorruptChunk") && /200000/.test(e.message),
    );
    await expect(
      codec.decode(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 1, 2), 10),
    ).rejects.toSatisfy((e: unknown) => isZarrkitError(e, "CorruptChunk"));
  });

  it("decodes into a target of exactly the chunk's size, and refuses any other", async () => {
    const codec = fromConfig({ level: 3, checksum: false });
    const encoded = await codec.encode(data);
    const backing = new Uint8Array(data.length + 8).fill(0xee);
    await codec.decodeInto(encoded, backing.subarray(4, 4 + data.length));
    expect(backing.subarray(4, 4 + data.length)).toEqual(data);
    expect([...backing.subarray(0, 4), ...backing.subarray(4 + data.length)]).toEqual(
      new Array(8).fill(0xee),
    );
    for (const size of [data.length - 1, data.length + 1])
      await expect(codec.decodeInto(encoded, new Uint8Array(size))).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "CorruptChunk"),
      );
    await expect(
      codec.decodeInto(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 1, 2), new Uint8Array(10)),
    ).rejects.toSatisfy((e: unknown) => isZarrkitError(e, "CorruptChunk"));
  });

  it("writes the frame checksum with checksum: true, and decoding verifies it", async () => {
    const codec = fromConfig({ level: 1, checksum: true });
    const framed = await codec.encode(data);
    const plain = await fromConfig({ level: 1, checksum: false }).encode(data);
    // Same frame plus the flag (header descriptor bit 2) and 4 checksum bytes.
    expect(framed.length).toBe(plain.length + 4);
    expect(framed[4]! & 0x04).toBe(0x04);
    expect(await codec.decode(framed.slice(), data.length)).toEqual(data);
    const broken = framed.slice();
    broken[broken.length - 1]! ^= 0xff;
    await expect(codec.decode(broken, data.length)).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "CorruptChunk"),
    );
  });

  it("validates its configuration", async () => {
    const bads: JsonObject[] = [
      { level: 23 },
      { level: 1.5 },
      { checksum: "yes" },
      { level: 1, window: 3 },
    ];
    for (const bad of bads) {
      expect(() => fromConfig(bad)).toThrow(expect.objectContaining({ code: "InvalidMetadata" }));
    }
  });
});
