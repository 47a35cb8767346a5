import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonJson, pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  type ElementArray,
  FileSystemStore,
  type JsonValue,
  type NamedConfigJson,
  openArray,
  typedArrayOf,
} from "../index.js";

// The low-precision types both ways with tensorstore (every one it writes: it has no
// float8_e4m3, float6_*, uint2 or uint4): tensorstore writes values that ml_dtypes converted
// from a formula and zarrkit reads their bit patterns (integers: values); zarrkit writes those
// patterns and tensorstore reads them back. Missing chunks check the fill values.
const ts = pythonWith("tensorstore", tensorstorePython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-ts-low-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES: [string, JsonValue][] = [
  ["bfloat16", "NaN"],
  ["float8_e3m4", -1.5],
  ["float8_e4m3fn", "NaN"],
  ["float8_e4m3fnuz", "NaN"],
  ["float8_e4m3b11fnuz", 0.5],
  ["float8_e5m2", "-Infinity"],
  ["float8_e5m2fnuz", -3],
  ["float8_e8m0fnu", "NaN"],
  ["float4_e2m1fn", -6],
  ["int4", -8],
  ["int2", 1],
];
const CHAINS: NamedConfigJson[][] = [
  [{ name: "bytes", configuration: { endian: "little" } }],
  [
    { name: "transpose", configuration: { order: [1, 0] } },
    { name: "bytes", configuration: { endian: "big" } },
    { name: "zstd", configuration: { level: 1, checksum: false } },
  ],
  [
    {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [2, 2],
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "gzip", configuration: { level: 5 } },
        ],
        index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
        index_location: "start",
      },
    },
  ],
];
interface Case {
  id: string;
  dataType: string;
  fill: JsonValue;
  codecs: NamedConfigJson[];
  path: string;
}
const CASES: Case[] = TYPES.flatMap(([dataType, fill]) =>
  CHAINS.map((codecs, c) => ({
    id: `${dataType}-${c}`,
    dataType,
    fill,
    codecs,
    path: join(dir, "ts", `${dataType}-${c}`),
  })),
);
// Shape (5, 7) in chunks (4, 4): tensorstore writes [0:4, 1:7], so the chunks of row 4 and
// the first column stay the fill value.
const SHAPE = [5, 7];
const CHUNKS = [4, 4];

const PY_COMMON = `
import json, sys, numpy as np, ml_dtypes, tensorstore as ts
def dtype(name): return np.dtype(getattr(ml_dtypes, name))
def formula(name):
    i = np.arange(24, dtype=np.float64).reshape(4, 6)
    dt = dtype(name)
    if name.startswith("int"):
        info = ml_dtypes.iinfo(dt)
        return ((i.astype(np.int64) * 5 + 3) % (int(info.max) - int(info.min) + 1) + int(info.min)).astype(dt)
    x = (i - 11) * 0.37 * (1.9 ** (i % 5))
    if name == "float8_e8m0fnu": x = np.abs(x) + 2.0 ** -20
    return x.astype(dt)
def portable(name, a):
    """Integers as values; floats as their bit patterns, in the format's bits."""
    if name.startswith("int"): return a.astype(np.int64).ravel().tolist()
    bits = 16 if a.dtype.itemsize == 2 else {"float4_e2m1fn": 4, "float6_e2m3fn": 6, "float6_e3m2fn": 6}.get(name, 8)
    u = a.view(np.uint16 if a.dtype.itemsize == 2 else np.uint8).astype(np.int64)
    return (u & ((1 << bits) - 1)).ravel().tolist()
cases = json.load(sys.stdin)
`;

const TS_WRITES = `${PY_COMMON}
out = {}
for case in cases:
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": case["path"]}, "create": True, "delete_existing": True,
        "metadata": {"shape": ${JSON.stringify(SHAPE)}, "data_type": case["dataType"], "fill_value": case["fill"],
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": ${JSON.stringify(CHUNKS)}}},
            "codecs": case["codecs"]}}).result()
    region = formula(case["dataType"])
    t[0:4, 1:7].write(region).result()
    out[case["id"]] = {"region": portable(case["dataType"], region), "whole": portable(case["dataType"], t.read().result())}
json.dump(out, sys.stdout)
`;

const TS_READS = `${PY_COMMON}
out = {}
for case in cases:
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": case["path"]}, "open": True}).result()
    out[case["id"]] = portable(case["dataType"], t.read().result())
json.dump(out, sys.stdout)
`;

/** What zarrkit holds, in the peer's portable form: integers as values, floats' bit patterns. */
function portable(data: ElementArray): number[] {
  return Array.from(typedArrayOf(data), Number);
}

describe.skipIf(ts === undefined)("low-precision data types, with tensorstore", () => {
  const written: Record<string, { region: number[]; whole: number[] }> =
    ts === undefined ? {} : JSON.parse(ts(TS_WRITES, pythonJson(CASES)));

  it.each(CASES.map((c) => [c.id, c] as const))(
    "zarrkit reads what tensorstore wrote: %s",
    async (_, c) => {
      const array = await openArray(new FileSystemStore(c.path, { readOnly: true }));
      expect(array.dataType.name).toBe(c.dataType);
      expect(portable((await array.get()).data)).toEqual(written[c.id]!.whole);
      const whole = written[c.id]!.whole;
      expect(portable((await array.get("1:5, 2:7:2")).data)).toEqual(
        [1, 2, 3, 4].flatMap((r) => [2, 4, 6].map((col) => whole[r * 7 + col]!)),
      );
    },
  );

  it("tensorstore reads what zarrkit wrote, fill values included", async () => {
    const ours = CASES.map((c) => ({ ...c, path: join(dir, "zk", c.id) }));
    for (const c of ours) {
      const array = await createArray(new FileSystemStore(c.path), "", {
        shape: SHAPE,
        chunkShape: CHUNKS,
        dataType: c.dataType,
        fillValueJson: c.fill,
        codecs: c.codecs,
      });
      const values = written[c.id]!.region;
      const data = c.dataType.startsWith("int")
        ? Int8Array.from(values)
        : c.dataType === "bfloat16"
          ? Uint16Array.from(values)
          : Uint8Array.from(values);
      await array.set("0:4, 1:7", data);
    }
    const read: Record<string, number[]> = JSON.parse(ts!(TS_READS, pythonJson(ours)));
    for (const c of ours) expect(read[c.id], c.id).toEqual(written[c.id]!.whole);
  });
});
