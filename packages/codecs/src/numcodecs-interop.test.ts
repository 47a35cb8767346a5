import {
  type Codec,
  type CodecFactoryContext,
  coreDataType,
  createRegistry,
  isZarrkitError,
  type JsonObject,
  ndarray,
  typedArrayOf,
} from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import codecsExtension from "./index.js";

// Python's numcodecs is the reference for the codecs named after it: it decodes what zarrkit
// encodes, and zarrkit decodes what it encodes, byte for byte.
const numcodecs = pythonWith("numcodecs", tensorstorePython());
const registry = createRegistry(codecsExtension);

const values = new Float32Array(3001).map((_, i) => Math.cos(i / 30) * 100 + i / 7);
const bytes = new Uint8Array(values.buffer);
const context = (dataType = "float32"): CodecFactoryContext => ({
  registry,
  spec: {
    shape: [values.length],
    dataType: coreDataType(dataType)!,
    fillValue: new Uint8Array(coreDataType(dataType)!.itemSize),
  },
});

async function codec(name: string, configuration?: JsonObject): Promise<Codec> {
  return registry.get("codec", name).fromConfig(configuration, context());
}

async function encodeBytes(c: Codec, input: Uint8Array): Promise<Uint8Array> {
  if (c.kind !== "bytes_to_bytes") throw new Error(`${c.name} is not bytes->bytes`);
  return c.encode(input);
}

// [numcodecs id and config, zarrkit name, zarrkit configuration]
const BYTES_CODECS: [JsonObject, string, JsonObject | undefined][] = [
  [{ id: "lz4", acceleration: 1 }, "numcodecs.lz4", { acceleration: 1 }],
  [{ id: "shuffle", elementsize: 4 }, "numcodecs.shuffle", { elementsize: 4 }],
  [{ id: "adler32" }, "numcodecs.adler32", undefined],
  [{ id: "fletcher32" }, "numcodecs.fletcher32", undefined],
];

describe.skipIf(numcodecs === undefined)("numcodecs interop", () => {
  it("bytes->bytes codecs agree with numcodecs both ways", async () => {
    const ours: Record<string, string> = {};
    for (const [config, name, configuration] of BYTES_CODECS) {
      ours[String(config.id)] = Buffer.from(
        await encodeBytes(await codec(name, configuration), bytes),
      ).toString("base64");
    }
    // Odd lengths too, for the checksums' tail handling.
    const odd = bytes.subarray(0, 1001);
    for (const name of ["adler32", "fletcher32"])
      ours[`${name}-odd`] = Buffer.from(
        await encodeBytes(await codec(`numcodecs.${name}`), odd),
      ).toString("base64");
    const script = `
import sys, json, base64, numpy as np, numcodecs
from numcodecs.compat import ensure_bytes
inp = json.load(sys.stdin)
data = base64.b64decode(inp["data"])
out = {"decoded": {}, "encoded": {}}
for config in inp["configs"]:
    c = numcodecs.get_codec(dict(config))
    out["decoded"][config["id"]] = ensure_bytes(c.decode(base64.b64decode(inp["ours"][config["id"]]))) == data
    out["encoded"][config["id"]] = base64.b64encode(ensure_bytes(c.encode(data))).decode()
for name in ["adler32", "fletcher32"]:
    c = numcodecs.get_codec({"id": name})
    out["encoded"][name + "-odd"] = base64.b64encode(ensure_bytes(c.encode(data[:1001]))).decode()
print(json.dumps(out))`;
    const result: { decoded: Record<string, boolean>; encoded: Record<string, string> } =
      JSON.parse(
        numcodecs!(
          script,
          JSON.stringify({
            data: Buffer.from(bytes).toString("base64"),
            ours,
            configs: BYTES_CODECS.map(([c]) => c),
          }),
        ),
      );
    expect(result.decoded).toEqual({ lz4: true, shuffle: true, adler32: true, fletcher32: true });
    for (const [config, name, configuration] of BYTES_CODECS) {
      const theirs = new Uint8Array(Buffer.from(result.encoded[String(config.id)]!, "base64"));
      const c = await codec(name, configuration);
      if (c.kind !== "bytes_to_bytes") throw new Error("kind");
      expect(new Uint8Array(await c.decode(theirs, bytes.length)), name).toEqual(bytes);
      // Deterministic codecs write exactly numcodecs' bytes.
      if (name !== "numcodecs.lz4")
        expect(ours[String(config.id)], name).toBe(result.encoded[String(config.id)]);
    }
    for (const name of ["adler32", "fletcher32"])
      expect(ours[`${name}-odd`], name).toBe(result.encoded[`${name}-odd`]);
  });

  it("bitround rounds exactly as numcodecs does (float32 and float64)", async () => {
    const f64 = Float64Array.from(values, (v) => v * Math.PI);
    const got: Record<string, string> = {};
    for (const [dataType, data] of [
      ["float32", values],
      ["float64", f64],
    ] as const) {
      for (const keepbits of [0, 3, 10, dataType === "float32" ? 23 : 52]) {
        const c = await registry
          .get("codec", "numcodecs.bitround")
          .fromConfig({ keepbits }, context(dataType));
        if (c.kind !== "array_to_array") throw new Error("kind");
        const spec = context(dataType).spec;
        const out = await c.encode(ndarray(spec.dataType, [data.length], data), spec);
        const bits = typedArrayOf(out.data);
        got[`${dataType}-${keepbits}`] = Buffer.from(
          bits.buffer,
          bits.byteOffset,
          bits.byteLength,
        ).toString("hex");
      }
    }
    const script = `
import sys, json, numpy as np, numcodecs
inp = json.load(sys.stdin)
f32 = np.frombuffer(bytes.fromhex(inp["f32"]), dtype="<f4")
f64 = np.frombuffer(bytes.fromhex(inp["f64"]), dtype="<f8")
out = {}
for name, a, top in [("float32", f32, 23), ("float64", f64, 52)]:
    for k in [0, 3, 10, top]:
        out[f"{name}-{k}"] = np.asarray(numcodecs.BitRound(keepbits=k).encode(a)).tobytes().hex()
print(json.dumps(out))`;
    const expected = JSON.parse(
      numcodecs!(
        script,
        JSON.stringify({
          f32: Buffer.from(values.buffer).toString("hex"),
          f64: Buffer.from(f64.buffer).toString("hex"),
        }),
      ),
    );
    expect(got).toEqual(expected);
  });
});

describe("numcodecs-named codecs", () => {
  it("detect corruption and refuse bad configurations", async () => {
    for (const name of ["numcodecs.adler32", "numcodecs.fletcher32"]) {
      const c = await codec(name);
      if (c.kind !== "bytes_to_bytes") throw new Error("kind");
      const encoded = await c.encode(bytes);
      encoded[10] ^= 1;
      await expect(async () => c.decode(encoded, undefined)).rejects.toSatisfy((e: unknown) =>
        isZarrkitError(e, "ChecksumMismatch"),
      );
    }
    await expect(async () => codec("numcodecs.lz4", { acceleration: 0 })).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidMetadata"),
    );
    await expect(async () =>
      registry.get("codec", "numcodecs.bitround").fromConfig({ keepbits: 3 }, context("int32")),
    ).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidMetadata") && /float32/.test(e.message),
    );
    const lz4 = await codec("numcodecs.lz4");
    if (lz4.kind !== "bytes_to_bytes") throw new Error("kind");
    await expect(async () => lz4.decode(await lz4.encode(bytes), 100)).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "CorruptChunk"),
    );
  });
});
