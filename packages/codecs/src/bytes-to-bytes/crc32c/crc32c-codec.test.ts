import { coreDataType, createRegistry, isZarrkitError } from "@zarrkit/core";
import { describe, expect, it } from "vitest";
import { nativeForTests } from "../../test-support/native-for-tests.js";
import { crc32c } from "./crc32c.js";
import { Crc32cCodec, crc32cCodecExtension, createCrc32cCodecExtension } from "./crc32c-codec.js";

const addon = nativeForTests();

describe("crc32c", () => {
  it("matches the published check values", () => {
    // RFC 3720 (iSCSI) B.4 and the CRC catalogue's check value for "123456789".
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it.each([
    ["JavaScript", crc32cCodecExtension],
    ["native", addon && createCrc32cCodecExtension(addon.crc32c)],
  ])("appends the checksum little-endian and verifies it on decode (%s)", async (_, extension) => {
    if (extension === undefined) return;
    const codec = await extension.fromConfig(undefined, {
      registry: createRegistry(),
      spec: { shape: [9], dataType: coreDataType("uint8")!, fillValue: new Uint8Array(1) },
    });
    if (codec.kind !== "bytes_to_bytes") throw new Error("kind");
    const data = new TextEncoder().encode("123456789");
    const encoded = await codec.encode(data);
    expect(Array.from(encoded.subarray(9))).toEqual([0x83, 0x92, 0x06, 0xe3]);
    expect(await codec.decode(encoded, 9)).toEqual(data);
    encoded[0] ^= 1;
    await expect(async () => codec.decode(encoded, 9)).rejects.toThrow(
      expect.objectContaining({ code: "ChecksumMismatch" }),
    );
    await expect(async () => codec.decode(new Uint8Array(3), 0)).rejects.toThrow(
      expect.objectContaining({ code: "CorruptChunk" }),
    );
    try {
      Crc32cCodec.fromConfig({ x: 1 });
    } catch (err) {
      expect(isZarrkitError(err, "InvalidMetadata") && /crc32c.*x/.test(err.message)).toBe(true);
    }
  });
});
