import { startS3Server, type TestS3Server } from "@zarrkit/stores/testing";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArray, type NamedConfigJson, openArray } from "../index.js";

// zarrkit and tensorstore share one real S3-compatible server (moto, 127.0.0.1): each reads
// what the other wrote, plain and sharded, through s3:// locations configured the standard way
// (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
const ts = pythonWith("tensorstore", tensorstorePython());
const server = ts === undefined ? undefined : await startS3Server();
let bucket = "";
const saved = { ...process.env };
beforeAll(async () => {
  if (server === undefined) return;
  bucket = await server.createBucket();
  Object.assign(process.env, server.environment());
});
afterAll(async () => {
  process.env = saved;
  await server?.close();
});

const SHAPE = [6, 10];
const SHARDED: NamedConfigJson[] = [
  {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: [2, 5],
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 3, checksum: false } },
      ],
      index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
      index_location: "start",
    },
  },
];
const PLAIN: NamedConfigJson[] = [
  { name: "bytes", configuration: { endian: "big" } },
  { name: "gzip", configuration: { level: 5 } },
];

const PY = `
import json, sys, numpy as np, tensorstore as ts
inp = json.load(sys.stdin)
def kv(path): return {"driver": "s3", "bucket": inp["bucket"], "path": path, "endpoint": inp["endpoint"], "aws_region": "us-east-1"}
def formula(): return (np.arange(60).reshape(6, 10) * 1.25 - 30).astype("float32")
out = {}
for case in inp["cases"]:
    if inp["mode"] == "write":
        t = ts.open({"driver": "zarr3", "kvstore": kv(case["path"]), "create": True, "delete_existing": True,
            "metadata": {"shape": [6, 10], "data_type": "float32", "fill_value": -1,
              "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": case["chunks"]}}, "codecs": case["codecs"]}}).result()
        t[0:5, :].write(formula()[0:5, :]).result()
    else:
        got = ts.open({"driver": "zarr3", "kvstore": kv(case["path"]), "open": True}).result().read().result()
        want = formula(); want[5, :] = -1
        out[case["path"]] = bool(np.array_equal(got, want))
print(json.dumps(out))`;

const want = Float32Array.from({ length: 60 }, (_, i) => (i >= 50 ? -1 : i * 1.25 - 30));

describe.skipIf(server === undefined)("tensorstore and zarrkit on the same S3 server", () => {
  const s3 = server as TestS3Server;
  const cases = [
    { path: "plain.zarr/", chunks: [4, 4], codecs: PLAIN },
    { path: "sharded.zarr/", chunks: [6, 10], codecs: SHARDED },
  ];

  it("zarrkit reads what tensorstore wrote", async () => {
    const from = cases.map((c) => ({ ...c, path: `ts/${c.path}` }));
    ts!(PY, JSON.stringify({ mode: "write", bucket, endpoint: s3.endpoint, cases: from }));
    for (const c of from) {
      const array = await openArray(`s3://${bucket}/${c.path}`, "", { dataType: "float32" });
      expect(Array.from((await array.get()).data), c.path).toEqual(Array.from(want));
      // A window across chunk (and inner-chunk) boundaries.
      const window = (await array.get("1:4, 3:8")).data;
      const expected: number[] = [];
      for (let r = 1; r < 4; r++) for (let k = 3; k < 8; k++) expected.push(want[r * 10 + k]!);
      expect(Array.from(window)).toEqual(expected);
    }
  });

  it("tensorstore reads what zarrkit wrote", async () => {
    const to = cases.map((c) => ({ ...c, path: `zk/${c.path}` }));
    for (const c of to) {
      const array = await createArray(`s3://${bucket}/${c.path}`, "", {
        shape: SHAPE,
        chunkShape: c.chunks,
        dataType: "float32",
        fillValue: -1,
        codecs: c.codecs,
      });
      await array.set("0:5, :", want.subarray(0, 50));
    }
    const result = JSON.parse(
      ts!(PY, JSON.stringify({ mode: "read", bucket, endpoint: s3.endpoint, cases: to })),
    );
    expect(result).toEqual({ "zk/plain.zarr/": true, "zk/sharded.zarr/": true });
  });
});
