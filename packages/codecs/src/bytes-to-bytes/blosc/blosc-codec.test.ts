import { isZarrkitError, type JsonObject } from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import { nodeDeflate } from "../gzip/node-deflate.js";
import { BloscCodec } from "./blosc-codec.js";

const bloscWith = (name: string, configuration: JsonObject | undefined, itemSize: number) =>
  BloscCodec.fromConfig(name, configuration, itemSize, nodeDeflate);

// Python's numcodecs (c-blosc) is the reference: it must read every frame zarrkit writes, with
// the header recording the typesize and shuffle asked for, and zarrkit must read what it writes.
const numcodecs = pythonWith("numcodecs", tensorstorePython());

const floats = new Float64Array(20_000).map((_, i) => Math.sin(i / 50) * 1000);
const data = new Uint8Array(floats.buffer);
const CNAMES = ["lz4", "lz4hc", "zstd", "zlib"] as const;
const SHUFFLES = ["noshuffle", "shuffle", "bitshuffle"] as const;
// Ragged on purpose: 6172.5 two-byte elements, in 1000-byte blocks (500 elements, not a
// multiple of 8) with a short last block, so every leftover path of the shuffles runs.
const odd = new Uint8Array(12345).map((_, i) => (Math.sin(i / 90) * 100 + i / 300) & 0xff);

describe("blosc", () => {
  it("round-trips through its own encoder and the c-blosc decoder", async () => {
    for (const cname of CNAMES) {
      for (const shuffle of SHUFFLES) {
        const codec = bloscWith("blosc", { cname, clevel: 5, shuffle }, 8);
        const encoded = await codec.encode(data);
        expect(encoded[3], "typesize in the header").toBe(8);
        expect(encoded[2]! & 0x05, "shuffle flags").toBe(
          { noshuffle: 0, shuffle: 1, bitshuffle: 4 }[shuffle],
        );
        expect(await codec.decode(encoded, data.length), `${cname} ${shuffle}`).toEqual(data);
        const ragged = bloscWith(
          "blosc",
          { cname, clevel: 5, shuffle, typesize: 2, blocksize: 1000 },
          2,
        );
        expect(
          await ragged.decode(await ragged.encode(odd), odd.length),
          `${cname} ${shuffle} ragged`,
        ).toEqual(odd);
      }
    }
    expect(bloscWith("blosc", { cname: "lz4" }, 4).toConfig()).toEqual({
      name: "blosc",
      configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 4, blocksize: 0 },
    });
  });

  it("typesize 4 goes through c-blosc, with its real blosclz and lz4hc", async () => {
    for (const cname of ["blosclz", "lz4hc"] as const) {
      const codec = bloscWith("blosc", { cname, clevel: 5, shuffle: "bitshuffle" }, 4);
      const encoded = await codec.encode(data);
      expect(encoded[3], "typesize").toBe(4);
      expect(encoded[2]! & 0x04, "bitshuffle flag").toBe(4);
      expect(await codec.decode(encoded, data.length)).toEqual(data);
    }
  });

  it("shuffling helps: shuffled float64 compresses better than unshuffled", async () => {
    const plain = await bloscWith(
      "blosc",
      { cname: "zstd", clevel: 5, shuffle: "noshuffle" },
      8,
    ).encode(data);
    const shuffled = await bloscWith(
      "blosc",
      { cname: "zstd", clevel: 5, shuffle: "shuffle" },
      8,
    ).encode(data);
    expect(shuffled.length).toBeLessThan(plain.length);
  });

  it.skipIf(numcodecs === undefined)(
    "c-blosc reads zarrkit's frames, and zarrkit reads c-blosc's (every compressor and shuffle)",
    async () => {
      const ours: Record<string, string> = {};
      const oddOurs: Record<string, string> = {};
      for (const cname of CNAMES) {
        for (const shuffle of SHUFFLES) {
          ours[`${cname}-${shuffle}`] = Buffer.from(
            await bloscWith("blosc", { cname, clevel: 3, shuffle }, 8).encode(data),
          ).toString("base64");
          oddOurs[`${cname}-${shuffle}`] = Buffer.from(
            await bloscWith(
              "blosc",
              { cname, clevel: 3, shuffle, typesize: 2, blocksize: 1000 },
              2,
            ).encode(odd),
          ).toString("base64");
        }
      }
      const script = `
import sys, json, base64, numpy as np
from numcodecs import blosc
inp = json.load(sys.stdin)
data = base64.b64decode(inp["data"])
ok = {k: blosc.decompress(base64.b64decode(v)) == data for k, v in inp["ours"].items()}
odd = base64.b64decode(inp["odd"])
ok.update({"odd-" + k: blosc.decompress(base64.b64decode(v)) == odd for k, v in inp["oddOurs"].items()})
theirs = {}
for cname in ["lz4", "lz4hc", "blosclz", "zstd", "zlib"]:
    for sh in [0, 1, 2]:
        theirs[f"{cname}-{sh}"] = base64.b64encode(blosc.compress(data, cname.encode(), 5, sh, 8)).decode()
print(json.dumps({"ok": ok, "theirs": theirs}))`;
      const result: { ok: Record<string, boolean>; theirs: Record<string, string> } = JSON.parse(
        numcodecs!(
          script,
          JSON.stringify({
            data: Buffer.from(data).toString("base64"),
            ours,
            odd: Buffer.from(odd).toString("base64"),
            oddOurs,
          }),
        ),
      );
      expect(Object.entries(result.ok).filter(([, ok]) => !ok)).toEqual([]);
      expect(Object.keys(result.ok).length).toBe(24);
      const decoder = bloscWith("blosc", {}, 8);
      for (const [name, frame] of Object.entries(result.theirs)) {
        expect(
          await decoder.decode(new Uint8Array(Buffer.from(frame, "base64")), data.length),
          name,
        ).toEqual(data);
      }
    },
  );

  it("refuses what it cannot write, bad configurations and bombs", async () => {
    await expect(bloscWith("blosc", { cname: "blosclz" }, 8).encode(data)).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "UnsupportedFeature"),
    );
    await expect(bloscWith("blosc", { cname: "snappy" }, 8).encode(data)).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "UnsupportedFeature"),
    );
    const bads: JsonObject[] = [
      { cname: "brotli" },
      { clevel: 10 },
      { shuffle: 1 },
      { shuffle: "SHUFFLE" },
      { typesize: 0 },
      { blocksize: -1 },
      { level: 3 },
    ];
    for (const bad of bads) {
      expect(() => bloscWith("blosc", bad, 4)).toThrow(
        expect.objectContaining({ code: "InvalidMetadata" }),
      );
    }
    const encoded = await bloscWith("blosc", {}, 8).encode(data);
    await expect(bloscWith("blosc", {}, 8).decode(encoded, 100)).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "CorruptChunk"),
    );
    await expect(
      bloscWith("blosc", {}, 8).decode(encoded.subarray(0, 40), undefined),
    ).rejects.toSatisfy((e: unknown) => isZarrkitError(e, "CorruptChunk"));
  });
});
