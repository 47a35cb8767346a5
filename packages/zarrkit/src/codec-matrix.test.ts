import { describe, expect, it } from "vitest";
import {
  type CodecExtension,
  createArray,
  createDefaultContext,
  type DataType,
  type ElementArray,
  isJsonObject,
  type JsonObject,
  MemoryStore,
  type NamedConfig,
  type NamedConfigJson,
  ndarray,
} from "./index.js";

// Every registered codec, with each of its sample configurations, over every data type it
// accepts: written through a real array with ragged edge chunks and read back. Expected values
// come from a per-type formula, never from the codec.
const context = createDefaultContext();
const registry = context.registry;
// Ragged in every dimension, of the rank a sample needs (transpose orders, shard chunk shapes).
const GEOMETRY: Record<number, { shape: number[]; chunks: number[]; shards: number[] }> = {
  1: { shape: [11], chunks: [4], shards: [8] },
  2: { shape: [5, 7], chunks: [2, 3], shards: [4, 6] },
  3: { shape: [5, 7, 3], chunks: [2, 3, 2], shards: [4, 6, 2] },
};
function rankOf(config: NamedConfig): number {
  const c = config.configuration ?? {};
  const list = Array.isArray(c.order) ? c.order : Array.isArray(c.chunk_shape) ? c.chunk_shape : [];
  return list.length > 0 ? list.length : 3;
}

const dataTypes: DataType[] = [
  ...new Set(registry.list("data-type").flatMap((ext) => ext.samples.map((s) => s.name))),
].map((name) => registry.get("data-type", name).fromConfig(name, undefined));

/** The i-th element's scalar for each kind of type; chosen to span signs, NaN and text. */
function scalar(dataType: DataType, i: number, nan: boolean): unknown {
  switch (dataType.kind) {
    case "bool":
      return i % 3 === 0;
    case "int":
    case "uint": {
      const bits = BigInt(dataType.itemSize * 8);
      const span = 1n << bits;
      const min = dataType.kind === "int" ? -(span >> 1n) : 0n;
      const v = ((BigInt(i) * 2654435761n + 12345n) % span) + min;
      return dataType.itemSize === 8 ? v : Number(v);
    }
    case "float":
      return i === 4 && nan ? Number.NaN : i * 0.25 - 3;
    case "complex":
      return [i * 0.5, 1 - i];
    case "raw":
      return Uint8Array.from({ length: dataType.itemSize }, (_, k) => (i * 7 + k) & 0xff);
    case "string":
      return i % 5 === 0 ? "" : `${i}: ${"ünï🧊".repeat(i % 3)}`;
    case "bytes":
      return Uint8Array.from({ length: i % 4 }, (_, k) => (i + k * 91) & 0xff);
  }
}

function values(dataType: DataType, count: number, nan: boolean): ElementArray {
  const data = dataType.allocate(count);
  if (!ArrayBuffer.isView(data)) {
    const items = Array.from({ length: count }, (_, i) => scalar(dataType, i, nan));
    return dataType.kind === "string"
      ? items.filter((x): x is string => typeof x === "string")
      : items.filter((x): x is Uint8Array => x instanceof Uint8Array);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++)
    bytes.set(dataType.fromScalar(scalar(dataType, i, nan)), i * dataType.itemSize);
  return data;
}

function accepts(ext: CodecExtension, dataType: DataType): boolean {
  if (ext.dataTypes === "all") return true;
  if (ext.dataTypes === "fixed-size") return !dataType.variableLength;
  return ext.dataTypes.includes(dataType.name);
}

/** The chain that puts `config` in its place: a serializer around it where one is needed. */
function chain(ext: CodecExtension, config: NamedConfig, dataType: DataType): NamedConfigJson[] {
  const serializer: { name: string; configuration?: JsonObject } = dataType.variableLength
    ? { name: dataType.kind === "string" ? "vlen-utf8" : "vlen-bytes" }
    : { name: "bytes", configuration: { endian: "big" } };
  const own = { name: config.name, configuration: config.configuration };
  if (
    ext.name === "sharding_indexed" &&
    dataType.variableLength &&
    isJsonObject(config.configuration)
  ) {
    // The samples' inner chains start with `bytes`; variable-length types need their vlen codec.
    const inner = config.configuration.codecs;
    const rest = Array.isArray(inner) ? inner.slice(1) : [];
    return [
      {
        name: config.name,
        configuration: { ...config.configuration, codecs: [serializer, ...rest] },
      },
    ];
  }
  if (ext.codecKind === "array_to_bytes") return [own];
  if (ext.codecKind === "array_to_array") return [own, serializer];
  return [serializer, own];
}

/** Lossy codecs: how far a decoded value may be from the original. */
function tolerance(config: NamedConfig, original: number): number {
  const c = config.configuration ?? {};
  if (config.name === "numcodecs.bitround") return Math.abs(original) * 2 ** -Number(c.keepbits);
  if (config.name === "numcodecs.fixedscaleoffset")
    return (0.5 / Number(c.scale)) * (1 + 1e-6) + Math.abs(original) * 2 ** -23;
  return 0;
}

const cases: { label: string; ext: CodecExtension; config: NamedConfig; dataType: DataType }[] = [];
for (const ext of registry.list("codec")) {
  for (const sample of ext.samples) {
    const config: NamedConfig =
      sample === undefined ? { name: ext.name } : { name: ext.name, configuration: sample };
    for (const dataType of dataTypes) {
      if (accepts(ext, dataType))
        cases.push({
          label: `${ext.name} ${JSON.stringify(sample ?? {})} ${dataType.name}`,
          ext,
          config,
          dataType,
        });
    }
  }
}

describe("every codec x sample configuration x accepted data type", () => {
  it("covers every registered codec", () => {
    const covered = new Set(cases.map((c) => c.ext.name));
    expect([...covered].sort()).toEqual(
      registry
        .list("codec")
        .map((e) => e.name)
        .sort(),
    );
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.map((c) => [c.label, c] as const))("%s", async (_label, c) => {
    const { dataType, config } = c;
    const store = new MemoryStore();
    const sharded = c.ext.name === "sharding_indexed";
    const { shape, chunks, shards } = GEOMETRY[rankOf(config)]!;
    const count = shape.reduce((a, b) => a * b, 1);
    const array = await createArray(store, "a", {
      shape,
      chunkShape: sharded ? shards : chunks,
      dataType: dataType.name,
      codecs: chain(c.ext, config, dataType),
      context,
    });
    // A NaN poisons every later element of a delta's running sum (in numcodecs too).
    const input = values(dataType, count, config.name !== "numcodecs.delta");
    await array.set(null, ndarray(dataType, shape, input));
    const back = (await array.get()).data;
    const lossy = tolerance(config, 1) > 0;
    if (!lossy) {
      expect(back).toEqual(input);
      return;
    }
    if (!ArrayBuffer.isView(input) || !ArrayBuffer.isView(back)) throw new Error("lossy vlen");
    for (let i = 0; i < count; i++) {
      const want = Number(input[i]);
      const got = Number(back[i]);
      if (Number.isNaN(want)) continue;
      expect(Math.abs(got - want), `element ${i}`).toBeLessThanOrEqual(tolerance(config, want));
    }
  });

  it("transposes of rank 1 to 4 round-trip with ragged chunks", async () => {
    const int16 = registry.get("data-type", "int16").fromConfig("int16", undefined);
    for (const [shape, chunks, order] of [
      [[5], [2], [0]],
      [
        [3, 5],
        [2, 2],
        [1, 0],
      ],
      [
        [3, 4, 5],
        [2, 3, 2],
        [2, 0, 1],
      ],
      [
        [3, 2, 5, 4],
        [2, 1, 3, 3],
        [3, 1, 0, 2],
      ],
    ] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const input = Int16Array.from({ length: n }, (_, i) => i * 13 - 500);
      const array = await createArray(new MemoryStore(), "t", {
        shape: [...shape],
        chunkShape: [...chunks],
        dataType: "int16",
        codecs: [
          { name: "transpose", configuration: { order: [...order] } },
          { name: "bytes", configuration: { endian: "big" } },
        ],
        context,
      });
      await array.set(null, input);
      expect((await array.get()).data, `rank ${shape.length}`).toEqual(input);
    }
  });
});
