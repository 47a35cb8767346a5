import {
  coreDataType,
  createRegistry,
  isZarrkitError,
  type JsonObject,
  ndarray,
  parseNumpyDtype,
  type TypedArray,
  typedArrayOf,
} from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import codecsExtension from "../../index.js";

const registry = createRegistry(codecsExtension);
const numcodecs = pythonWith("numcodecs", tensorstorePython());

const n = 1000;
const smooth = (i: number) => Math.sin(i / 40) * 500 + i / 3;
// Inputs per dtype, with values that wrap (ints near their limits) and exact halves.
const INPUTS: Record<string, TypedArray> = {
  "<i4": Int32Array.from({ length: n }, (_, i) =>
    i % 97 === 5 ? 2147483647 - i : Math.round(smooth(i)),
  ),
  "<u2": Uint16Array.from({ length: n }, (_, i) => (i * 7919) % 65536),
  "|u1": Uint8Array.from({ length: n }, (_, i) => (i * 31) % 256),
  "<i8": BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 9007199254740993n - 3n),
  "<f8": Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? i / 4 : smooth(i) * 1.0001)),
  "<f4": Float32Array.from({ length: n }, (_, i) => (i % 50 === 0 ? i / 4 : smooth(i))),
};

// [numcodecs config, the input dtype]
const CASES: JsonObject[] = [
  { id: "delta", dtype: "<i4" },
  { id: "delta", dtype: "<i4", astype: "<i2" },
  { id: "delta", dtype: "<u2" },
  { id: "delta", dtype: "|u1" },
  { id: "delta", dtype: "<i8" },
  { id: "delta", dtype: "<f8" },
  { id: "delta", dtype: "<f4" },
  { id: "fixedscaleoffset", dtype: "<f8", astype: "<i4", offset: 1000, scale: 10 },
  { id: "fixedscaleoffset", dtype: "<f8", astype: "<i2", offset: -3.25, scale: 2 },
  { id: "fixedscaleoffset", dtype: "<f4", astype: "<u2", offset: -600.5, scale: 40 },
  { id: "fixedscaleoffset", dtype: "<f4", astype: "<i4", offset: 0, scale: 2 },
  { id: "fixedscaleoffset", dtype: "<i4", astype: "<i8", offset: 0.5, scale: 3 },
];

const b64 = (data: TypedArray) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");

async function codecFor(config: JsonObject) {
  const { id, ...configuration } = config;
  const ext = registry.get("codec", `numcodecs.${String(id)}`);
  const mapped = ext.fromV2?.(config) ?? { name: ext.name, configuration };
  const dataType = parseNumpyDtype(String(config.dtype))!.dataType;
  const c = await ext.fromConfig(mapped.configuration, {
    registry,
    spec: { shape: [n], dataType, fillValue: new Uint8Array(dataType.itemSize) },
  });
  if (c.kind !== "array_to_array") throw new Error("kind");
  return {
    c,
    dataType,
    spec: { shape: [n], dataType, fillValue: new Uint8Array(dataType.itemSize) },
  };
}

describe("delta and fixedscaleoffset", () => {
  it("refuse a dtype that is not the array's, and non-numeric or float16 types", async () => {
    const spec = (name: string) => ({
      shape: [4],
      dataType: coreDataType(name)!,
      fillValue: new Uint8Array(coreDataType(name)!.itemSize),
    });
    for (const [name, config, dataType] of [
      ["numcodecs.delta", { dtype: "<i4" }, "int16"],
      ["numcodecs.delta", { dtype: "<c8" }, "complex64"],
      ["numcodecs.delta", { dtype: "<i4", astype: "<U4" }, "int32"],
      ["numcodecs.fixedscaleoffset", { offset: 0, scale: 0, dtype: "<f8" }, "float64"],
      ["numcodecs.fixedscaleoffset", { offset: 0, dtype: "<f8" }, "float64"],
    ] as const) {
      await expect(
        (async () =>
          registry.get("codec", name).fromConfig(config, { registry, spec: spec(dataType) }))(),
        JSON.stringify(config),
      ).rejects.toSatisfy((err) => isZarrkitError(err, "InvalidMetadata"));
    }
  });

  it("delta is lossless for integer types, wrapping like NumPy", async () => {
    for (const config of CASES.filter(
      (c) => c.id === "delta" && c.astype === undefined && !String(c.dtype).includes("f"),
    )) {
      const { c, dataType, spec } = await codecFor(config);
      const input = INPUTS[String(config.dtype)]!;
      const encoded = await c.encode(ndarray(dataType, [n], input.slice()), spec);
      const decoded = await c.decode(encoded, spec);
      expect(Array.from<number | bigint>(typedArrayOf(decoded.data)), String(config.dtype)).toEqual(
        Array.from<number | bigint>(input),
      );
    }
  });

  describe.skipIf(numcodecs === undefined)("against Python numcodecs", () => {
    it("encodes to numcodecs' exact bytes and decodes numcodecs' output identically", async () => {
      const ours: string[] = [];
      for (const config of CASES) {
        const { c, dataType, spec } = await codecFor(config);
        const input = INPUTS[String(config.dtype)]!;
        const encoded = await c.encode(ndarray(dataType, [n], input.slice()), spec);
        ours.push(b64(typedArrayOf(encoded.data)));
      }
      const script = `
import sys, json, base64, numpy as np, numcodecs
inp = json.load(sys.stdin)
out = []
for config, data, ours in zip(inp["cases"], inp["inputs"], inp["ours"]):
    c = numcodecs.get_codec(dict(config))
    arr = np.frombuffer(base64.b64decode(data), dtype=config["dtype"])
    enc = np.ascontiguousarray(c.encode(arr))
    out.append({
        "encoded": base64.b64encode(enc.tobytes()).decode(),
        "decoded": base64.b64encode(np.ascontiguousarray(c.decode(enc)).tobytes()).decode(),
        "ours_decoded": base64.b64encode(np.ascontiguousarray(c.decode(base64.b64decode(ours))).tobytes()).decode(),
    })
print(json.dumps(out))`;
      const results: { encoded: string; decoded: string; ours_decoded: string }[] = JSON.parse(
        numcodecs!(
          script,
          JSON.stringify({
            cases: CASES,
            inputs: CASES.map((c) => b64(INPUTS[String(c.dtype)]!)),
            ours,
          }),
        ),
      );
      for (const [i, config] of CASES.entries()) {
        const label = JSON.stringify(config);
        const { c, spec } = await codecFor(config);
        expect(ours[i], `encode ${label}`).toBe(results[i]!.encoded);
        const astype = parseNumpyDtype(String(config.astype ?? config.dtype))!.dataType;
        const theirs = new Uint8Array(Buffer.from(results[i]!.encoded, "base64"));
        const decoded = await c.decode(
          ndarray(astype, [n], astype.view(theirs.buffer, theirs.byteOffset, n)),
          spec,
        );
        expect(b64(typedArrayOf(decoded.data)), `decode ${label}`).toBe(results[i]!.decoded);
        expect(results[i]!.ours_decoded, `numcodecs decodes ours ${label}`).toBe(
          results[i]!.decoded,
        );
      }
    });
  });
});
