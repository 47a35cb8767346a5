import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import type { NamedConfigJson } from "../index.js";
import {
  access,
  type Case,
  caseBase,
  caseRoot,
  differentialTests,
  fillValue,
  LOW_PRECISION_TYPE_NAMES,
  permutation,
  type Random,
  random,
  randomShapes,
  runSettings,
  TYPE_NAMES,
  TYPES,
  type TypeName,
  writesAndReads,
} from "../test-support/differential.js";

// Randomised differential tests against tensorstore (test-support/differential.ts), Zarr v3:
// each case draws a rank, shape, chunks, data type, fill value, key encoding and codec chain
// (transposes, both byte orders, gzip/zstd/blosc/crc32c, sharding with its index at either
// end, nested shards), then writes and reads of NumPy basic-indexing selections (negative
// indices, steps of either sign, dropped dimensions, empty ranges, scalars, the fill value over
// whole chunks, values in Fortran order, halves written at once, reads into caller memory).
// ZARRKIT_DIFF_SEED and ZARRKIT_DIFF_CASES replay or widen a run; a failure names its seed.
const { seed: SEED, cases: CASES } = runSettings(120);
const root = caseRoot("zarrkit-diff-ts-");

interface V3Case extends Case {
  chunkKeyEncoding: NamedConfigJson;
  codecs: NamedConfigJson[];
}

const bytesCodec = (r: Random, type: TypeName): NamedConfigJson =>
  TYPES[type] === 1
    ? { name: "bytes" }
    : { name: "bytes", configuration: { endian: r.pick(["little", "big"]) } };

function compressors(r: Random, type: TypeName): NamedConfigJson[] {
  const out: NamedConfigJson[] = [];
  for (let n = r.pick([0, 1, 1, 1, 2]); n > 0; n--) {
    const kind = r.pick(["gzip", "zstd", "blosc", "blosc"]);
    if (kind === "gzip") out.push({ name: "gzip", configuration: { level: r.int(0, 9) } });
    else if (kind === "zstd")
      out.push({ name: "zstd", configuration: { level: r.int(-2, 6), checksum: r.chance(0.5) } });
    else
      out.push({
        name: "blosc",
        configuration: {
          cname: r.pick(["lz4", "lz4hc", "blosclz", "zstd", "zlib"]),
          clevel: r.int(0, 9),
          shuffle: r.pick(["noshuffle", "shuffle", "bitshuffle"]),
          typesize: TYPES[type],
          blocksize: r.pick([0, 0, 64, 1000, 4096]),
        },
      });
  }
  if (r.chance(0.25)) out.push({ name: "crc32c" });
  return out;
}

const transpose = (order: number[] | undefined): NamedConfigJson[] =>
  order === undefined ? [] : [{ name: "transpose", configuration: { order } }];
const maybeTranspose = (r: Random, rank: number, p: number): NamedConfigJson[] =>
  transpose(rank > 1 && r.chance(p) ? permutation(r, rank) : undefined);

/** A divisor of n, at random (inner chunks must tile their shard). */
function divisor(r: Random, n: number): number {
  const all: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) all.push(d);
  return r.pick(all);
}

function sharding(r: Random, type: TypeName, shard: number[], depth: number): NamedConfigJson {
  const inner = shard.map((n) => divisor(r, n));
  const codecs =
    depth < 1 && r.chance(0.15)
      ? [sharding(r, type, inner, depth + 1)]
      : [...maybeTranspose(r, shard.length, 0.2), bytesCodec(r, type), ...compressors(r, type)];
  return {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: inner,
      codecs,
      index_codecs: r.chance(0.5)
        ? [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }]
        : [{ name: "bytes", configuration: { endian: "little" } }],
      index_location: r.pick(["start", "end"]),
    },
  };
}

function makeCase(index: number): V3Case {
  const r = random(SEED * 7919 + index);
  const type = r.chance(0.2) ? r.pick(LOW_PRECISION_TYPE_NAMES) : r.pick(TYPE_NAMES);
  const { shape, chunkShape } = randomShapes(r);
  const rank = shape.length;
  let codecs: NamedConfigJson[];
  if (r.chance(0.35)) {
    // Sharding sees the chunk as a transpose before it has permuted it.
    const order = rank > 1 && r.chance(0.15) ? permutation(r, rank) : undefined;
    const shard = order?.map((d) => chunkShape[d]!) ?? chunkShape;
    codecs = [...transpose(order), sharding(r, type, shard, 0)];
  } else {
    codecs = [...maybeTranspose(r, rank, 0.25), bytesCodec(r, type), ...compressors(r, type)];
  }
  return {
    ...caseBase(SEED, index, root),
    shape,
    chunkShape,
    dataType: type,
    dtype: type,
    fillValue: fillValue(r, type),
    chunkKeyEncoding: r.chance(0.7)
      ? { name: "default", configuration: { separator: r.pick(["/", "."]) } }
      : { name: "v2", configuration: { separator: r.pick(["/", "."]) } },
    codecs,
    ...writesAndReads(r, shape, type),
    ...access(r, shape, chunkShape),
  };
}

differentialTests({
  peerName: "tensorstore",
  python: pythonWith("tensorstore", tensorstorePython()),
  peerScript: new URL("./tensorstore_differential.py", import.meta.url),
  cases: Array.from({ length: CASES }, (_, i) => makeCase(i)),
  format: (c) => ({
    chunkKeyEncoding: c.chunkKeyEncoding,
    codecs: c.codecs,
  }),
});
