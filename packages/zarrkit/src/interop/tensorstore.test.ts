import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpServer } from "@zarrkit/stores/testing";
import { pythonJson, pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  createDefaultRegistry,
  FileSystemStore,
  type JsonValue,
  type NamedConfigJson,
  openArray,
  type Store,
  typedArrayOf,
  ZipWriter,
} from "../index.js";

// Interop with tensorstore, both ways: tensorstore writes arrays that zarrkit reads, and zarrkit
// writes arrays that tensorstore reads, for every core data type tensorstore supports (raw r*
// types crash tensorstore), ragged edges, chunks left unwritten (fill value), both chunk-key
// encodings with both separators, and bytes/transpose chains. numpy computes every expected
// element from a formula; zarrkit's results are compared byte for byte.
const ts = pythonWith("tensorstore", tensorstorePython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-ts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES: [string, JsonValue][] = [
  ["bool", true],
  ["int8", -5],
  ["int16", 7],
  ["int32", -2147483648],
  ["int64", -9223372036854775808n],
  ["uint8", 255],
  ["uint16", 3],
  ["uint32", 4294967295],
  ["uint64", 18446744073709551615n],
  ["float16", "NaN"],
  ["float32", "-Infinity"],
  ["float64", -0.5],
  ["complex64", [1.5, "NaN"]],
  ["complex128", ["Infinity", -2]],
];
const KEYS: NamedConfigJson[] = [
  { name: "default", configuration: { separator: "/" } },
  { name: "default", configuration: { separator: "." } },
  { name: "v2", configuration: { separator: "." } },
  { name: "v2", configuration: { separator: "/" } },
];
const CHAINS: NamedConfigJson[][] = [
  [{ name: "bytes", configuration: { endian: "little" } }],
  [
    { name: "transpose", configuration: { order: [2, 0, 1] } },
    { name: "bytes", configuration: { endian: "big" } },
  ],
  [
    { name: "bytes", configuration: { endian: "little" } },
    { name: "gzip", configuration: { level: 5 } },
    { name: "crc32c" },
  ],
  [
    { name: "transpose", configuration: { order: [1, 2, 0] } },
    { name: "bytes", configuration: { endian: "little" } },
    { name: "zstd", configuration: { level: 3, checksum: false } },
  ],
  [
    { name: "bytes", configuration: { endian: "little" } },
    { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", blocksize: 0 } },
  ],
  [
    { name: "bytes", configuration: { endian: "big" } },
    { name: "zstd", configuration: { level: 1, checksum: true } },
  ],
];

interface Case {
  id: string;
  dataType: string;
  fill: JsonValue;
  keys: NamedConfigJson;
  codecs: NamedConfigJson[];
}
// Every type meets every key encoding and every chain at least once, without the full product.
const CASES: Case[] = TYPES.flatMap(([dataType, fill], t) =>
  CHAINS.map((codecs, c) => ({
    id: `${dataType}-${c}`,
    dataType,
    fill,
    keys: KEYS[(t + c) % KEYS.length]!,
    codecs,
  })),
);

// Shape (5, 7, 3) in chunks (2, 3, 2): ragged in every dimension. Only [0:4, 1:7, :] is written,
// so chunks of row 4 and column 0 stay unwritten (the fill value).
const SHAPE = [5, 7, 3];
const CHUNKS = [2, 3, 2];
const PY_COMMON = `
import json, sys, os, base64, numpy as np, tensorstore as ts
def fill_of(case, dt):
    f = case["fill"]
    enc = lambda v: {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}.get(v, v) if isinstance(v, str) else v
    if isinstance(f, list): return np.array(complex(enc(f[0]), enc(f[1])), dtype=dt)
    return np.array(enc(f), dtype=dt)
def formula(dt, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if dt.kind == "b": return (i % 3 == 0)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        span = int(info.max) - int(info.min) + 1
        return ((i * 2654435761 + 12345) % span + int(info.min)).astype(dt) if span < 2**63 else (i * 2654435761 - 12345).astype(dt)
    if dt.kind == "f":
        a = (i * 0.25 - 7).astype(dt); a.flat[3] = np.nan; a.flat[5] = -0.0; return a
    a = (i * 0.5 + 1j * (i - 10) / 4).astype(dt); a.flat[2] = complex(np.inf, -0.0); return a
def expected(case):
    dt = np.dtype(case["dataType"])
    full = np.full(${JSON.stringify(SHAPE)}, fill_of(case, dt), dtype=dt)
    full[0:4, 1:7, :] = formula(dt, (4, 6, 3))
    return full
def le(a): return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes().hex()
cases = json.load(sys.stdin)
`;

const TS_WRITES = `${PY_COMMON}
out = {}
for case in cases:
    dt = case["dataType"]
    spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": case["path"]}, "create": True, "delete_existing": True,
        "metadata": {"shape": ${JSON.stringify(SHAPE)}, "data_type": dt, "fill_value": case["fill"],
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": ${JSON.stringify(CHUNKS)}}},
            "chunk_key_encoding": case["keys"], "codecs": case["codecs"],
            "dimension_names": ["z", None, "x"], "attributes": {"writer": "tensorstore"}}}
    t = ts.open(spec).result()
    t[0:4, 1:7, :].write(formula(np.dtype(dt), (4, 6, 3))).result()
    out[case["id"]] = {"expected": le(expected(case)), "keys": sorted(os.path.relpath(os.path.join(r, f), case["path"]) for r, _, fs in os.walk(case["path"]) for f in fs)}
json.dump(out, sys.stdout)
`;

const TS_READS = `${PY_COMMON}
out = {}
for case in cases:
    kv = case.get("kvstore") or {"driver": "file", "path": case["path"]}
    t = ts.open({"driver": "zarr3", "kvstore": kv, "open": True}).result()
    got = t.read().result()
    want = expected(case)
    same = got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()
    out[case["id"]] = {"same": bool(same), "dims": list(t.domain.labels), "region": le(formula(np.dtype(case["dataType"]), (4, 6, 3)))}
json.dump(out, sys.stdout)
`;

const toJson = pythonJson;

/**
 * zarrkit writes a case: the same metadata, and the region tensorstore wrote (its values came
 * from numpy's formula), copied from tensorstore's array.
 */
async function writeCase(store: Store, path: string, c: Case): Promise<void> {
  const array = await createArray(store, path, {
    shape: SHAPE,
    chunkShape: CHUNKS,
    dataType: c.dataType,
    fillValueJson: c.fill,
    chunkKeyEncoding: c.keys,
    codecs: c.codecs,
    dimensionNames: ["z", null, "x"],
  });
  const source = await openArray(new FileSystemStore(join(dir, "ts", c.id), { readOnly: true }));
  await array.set("0:4, 1:7, :", await source.get("0:4, 1:7, :"));
}

const hex = (data: ArrayBufferView) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");

describe.skipIf(ts === undefined)("tensorstore interop", () => {
  const fromTs = CASES.map((c) => ({ ...c, path: join(dir, "ts", c.id) }));
  const written: Record<string, { expected: string; keys: string[] }> =
    ts === undefined ? {} : JSON.parse(ts(TS_WRITES, toJson(fromTs)));

  describe("zarrkit reads what tensorstore wrote", () => {
    for (const c of fromTs) {
      it(`${c.id} (${JSON.stringify(c.keys)})`, async () => {
        const array = await openArray(new FileSystemStore(c.path, { readOnly: true }));
        expect(array.dataType.name).toBe(c.dataType);
        expect(array.dimensionNames).toEqual(["z", null, "x"]);
        expect(array.attributes).toEqual({ writer: "tensorstore" });
        expect(hex(typedArrayOf((await array.get()).data))).toBe(written[c.id]!.expected);
        // Every chunk tensorstore stored is where zarrkit's key encoding says it is.
        const keys = written[c.id]!.keys.filter((k) => k !== "zarr.json");
        const ours = new Set<string>();
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++)
            for (let k = 0; k < 2; k++) ours.add(array.chunkKey([i, j, k]));
        for (const key of keys) expect(ours.has(key), key).toBe(true);
      });
    }
  });

  describe("zarrkit reads what tensorstore wrote over HTTP, by URL through the registry", () => {
    it("every case reads the same as from disk", async () => {
      const server = await startHttpServer(join(dir, "ts"));
      try {
        const registry = createDefaultRegistry();
        for (const c of fromTs) {
          const url = `${server.url}${c.id}/`;
          const store = await registry.get("store", "http").open(url, {});
          const array = await openArray(store);
          expect(hex(typedArrayOf((await array.get()).data)), c.id).toBe(written[c.id]!.expected);
        }
        // Missing chunks were asked for and answered 404, and read as the fill value.
        expect(
          server.requests.some((r) => r.path.endsWith("/0/0") || r.path.endsWith(".0.0")),
        ).toBe(true);
      } finally {
        await server.close();
      }
    });
  });

  describe("zip archives", () => {
    it("zarrkit reads tensorstore's arrays from a zip (deflated and stored entries), on disk and over HTTP", async () => {
      // Python's zipfile packs tensorstore's output, deflating every other entry.
      ts!(
        `import zipfile, os, sys
root = sys.stdin.read().strip()
with zipfile.ZipFile(root + ".zip", "w") as z:
    for i, (r, _, fs) in enumerate(sorted(os.walk(root))):
        for j, f in enumerate(sorted(fs)):
            full = os.path.join(r, f)
            z.write(full, os.path.relpath(full, root), zipfile.ZIP_DEFLATED if (i + j) % 2 else zipfile.ZIP_STORED)`,
        join(dir, "ts"),
      );
      const registry = createDefaultRegistry();
      const server = await startHttpServer(dir);
      try {
        for (const c of fromTs) {
          for (const location of [
            `zip:${join(dir, "ts.zip")}#${c.id}`,
            `zip:${server.url}ts.zip#${c.id}`,
          ]) {
            const store = await registry.get("store", "zip").open(location, {});
            const array = await openArray(store);
            expect(hex(typedArrayOf((await array.get()).data)), location).toBe(
              written[c.id]!.expected,
            );
          }
        }
      } finally {
        await server.close();
      }
    });

    it("tensorstore reads a zip archive that zarrkit wrote", async () => {
      const writer = new ZipWriter();
      const picked = CASES.filter((_, i) => i % 5 === 0);
      for (const c of picked) {
        await writeCase(writer, c.id, c);
      }
      const archive = join(dir, "zk.zip");
      writeFileSync(archive, writer.toZip());
      const cases = picked.map((c) => ({
        ...c,
        kvstore: { driver: "zip", base: `file://${archive}`, path: `${c.id}/` },
      }));
      const verdict: Record<string, { same: boolean }> = JSON.parse(ts!(TS_READS, toJson(cases)));
      for (const c of picked) expect([c.id, verdict[c.id]!.same]).toEqual([c.id, true]);
    });
  });

  describe("tensorstore reads what zarrkit wrote", () => {
    it("every case, values and dimension names", async () => {
      const fromUs = CASES.map((c) => ({ ...c, path: join(dir, "zk", c.id) }));
      for (const c of fromUs) {
        await writeCase(new FileSystemStore(c.path), "", c);
      }
      const verdict: Record<string, { same: boolean; dims: string[] }> = JSON.parse(
        ts!(TS_READS, toJson(fromUs)),
      );
      for (const c of fromUs)
        expect([c.id, verdict[c.id]!.same, verdict[c.id]!.dims], c.id).toEqual([
          c.id,
          true,
          ["z", "", "x"],
        ]);
    });
  });
});
