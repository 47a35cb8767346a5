import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  FileSystemStore,
  isJsonObject,
  type JsonObject,
  type NamedConfigJson,
  openArray,
  typedArrayOf,
} from "../index.js";

// Sharded arrays between zarrkit and tensorstore, both ways: index at start and end, index
// codecs with and without crc32c, inner chains of bytes/transpose/gzip/zstd/crc32c/blosc, nested
// sharding, ragged edges, missing shards and missing inner chunks.
const ts = pythonWith("tensorstore", tensorstorePython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-ts-shard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHAPE = [20, 18];
const SHARD = [8, 6];
const bytesLE = { name: "bytes", configuration: { endian: "little" } };
const INNER: Record<string, JsonObject[]> = {
  bytes: [bytesLE],
  transpose: [
    { name: "transpose", configuration: { order: [1, 0] } },
    { name: "bytes", configuration: { endian: "big" } },
  ],
  gzip: [bytesLE, { name: "gzip", configuration: { level: 4 } }],
  zstd: [bytesLE, { name: "zstd", configuration: { level: 3, checksum: true } }],
  "zstd+crc32c": [
    bytesLE,
    { name: "zstd", configuration: { level: 2, checksum: false } },
    { name: "crc32c" },
  ],
  blosc: [
    bytesLE,
    {
      name: "blosc",
      configuration: { cname: "zstd", clevel: 3, shuffle: "shuffle", blocksize: 0 },
    },
  ],
};
const sharding = (
  chunkShape: number[],
  codecs: JsonObject[],
  location: string,
  crc: boolean,
): JsonObject => ({
  name: "sharding_indexed",
  configuration: {
    chunk_shape: chunkShape,
    codecs,
    index_codecs: crc ? [bytesLE, { name: "crc32c" }] : [bytesLE],
    index_location: location,
  },
});

interface Case {
  id: string;
  dataType: string;
  codecs: JsonObject[];
}
const CASES: Case[] = [];
for (const [innerName, inner] of Object.entries(INNER)) {
  for (const location of ["start", "end"]) {
    const crc = CASES.length % 2 === 0;
    CASES.push({
      id: `${innerName}-${location}-${crc ? "crc" : "nocrc"}`,
      dataType: CASES.length % 3 ? "int32" : "float64",
      codecs: [sharding([4, 3], inner, location, crc)],
    });
  }
}
// Nested: shards of 8x6 hold 4x6 sub-shards of 2x3 chunks.
CASES.push({
  id: "nested",
  dataType: "uint16",
  codecs: [sharding([4, 6], [sharding([2, 3], INNER.gzip!, "start", true)], "end", true)],
});

const PY = `
import json, sys, numpy as np, tensorstore as ts
mode, cases = json.load(sys.stdin)
def formula(dt):
    i = np.arange(${SHAPE[0]! * SHAPE[1]!}).reshape(${JSON.stringify(SHAPE)})
    return (i * 3 - 100).astype(dt)
def expected(dt):
    a = np.full(${JSON.stringify(SHAPE)}, 5, dtype=dt)
    # Written: rows 0..13 except the inner chunk at [4:8, 3:6], left at the fill value.
    a[0:14, :] = formula(dt)[0:14, :]
    a[4:8, 3:6] = 5
    return a
out = {}
for c in cases:
    kv = {"driver": "file", "path": c["path"]}
    if mode == "write":
        t = ts.open({"driver": "zarr3", "kvstore": kv, "create": True, "delete_existing": True,
            "metadata": {"shape": ${JSON.stringify(SHAPE)}, "data_type": c["dataType"], "fill_value": 5,
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": ${JSON.stringify(SHARD)}}},
                "chunk_key_encoding": {"name": "default"}, "codecs": c["codecs"]}}).result()
        t.write(expected(c["dataType"])).result()
        out[c["id"]] = expected(c["dataType"]).astype(np.dtype(c["dataType"]).newbyteorder("<")).tobytes().hex()
    else:
        got = ts.open({"driver": "zarr3", "kvstore": kv, "open": True}).result().read().result()
        out[c["id"]] = bool(got.tobytes() == expected(c["dataType"]).tobytes())
json.dump(out, sys.stdout)
`;

/** A codec entry as createArray takes it. */
const named = (entry: JsonObject): NamedConfigJson => {
  if (typeof entry.name !== "string") throw new Error("codec entries need a name");
  return isJsonObject(entry.configuration)
    ? { name: entry.name, configuration: entry.configuration }
    : { name: entry.name };
};

const hex = (data: ArrayBufferView) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");

describe.skipIf(ts === undefined)("sharding interop with tensorstore", () => {
  const fromTs = CASES.map((c) => ({ ...c, path: join(dir, "ts", c.id) }));
  const expected: Record<string, string> =
    ts === undefined ? {} : JSON.parse(ts!(PY, JSON.stringify(["write", fromTs])));

  for (const c of fromTs) {
    it(`zarrkit reads tensorstore's ${c.id}`, async () => {
      const array = await openArray(new FileSystemStore(c.path, { readOnly: true }));
      expect(hex(typedArrayOf((await array.get()).data))).toBe(expected[c.id]);
      // A window across shard boundaries reads the same as the whole array's slice.
      const whole = await array.get();
      const window = await array.get("3:11, 2:9");
      const want: (number | bigint)[] = [];
      for (let r = 3; r < 11; r++)
        for (let col = 2; col < 9; col++) want.push(typedArrayOf(whole.data)[r * SHAPE[1]! + col]!);
      expect(Array.from<number | bigint>(typedArrayOf(window.data))).toEqual(want);
    });
  }

  it("tensorstore reads what zarrkit wrote, for every case", async () => {
    const fromUs = CASES.map((c) => ({ ...c, path: join(dir, "zk", c.id) }));
    for (const c of fromUs) {
      const array = await createArray(new FileSystemStore(c.path), "", {
        shape: SHAPE,
        chunkShape: SHARD,
        dataType: c.dataType,
        fillValue: 5,
        codecs: c.codecs.map(named),
      });
      // Written in overlapping pieces, so shards are read, modified and written again.
      const source = await openArray(
        new FileSystemStore(join(dir, "ts", c.id), { readOnly: true }),
      );
      await array.set("0:9, :", await source.get("0:9, :"));
      await array.set("7:14, :", await source.get("7:14, :"));
    }
    const verdict: Record<string, boolean> = JSON.parse(ts!(PY, JSON.stringify(["read", fromUs])));
    for (const c of fromUs) expect([c.id, verdict[c.id]]).toEqual([c.id, true]);
  });
});
