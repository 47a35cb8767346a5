import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonWith, tensorstorePython, zarrPython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { formatBytes, progressLine } from "./progress.js";
import { runCli } from "./test-support/run-cli.js";

// zarr-python 2.13 writes a v2 hierarchy; the CLI inspects it (tree, info), imports into v2
// (zarr-python reads it) and copies v2 -> sharded v3 (tensorstore reads the same values) and
// v3 -> v2 (zarr-python reads them). numpy formulas give every expected value.
const zarr = pythonWith("zarr", zarrPython());
const ts = pythonWith("tensorstore", tensorstorePython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-cli-v2-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

// The v2 hierarchy: arrays with F order, big-endian, strings, '/' keys, filters, a missing chunk.
const MAKE_V2 = `
import sys, numpy as np, zarr, numcodecs
path, strings = sys.stdin.read().split()
root = zarr.open_group(path, mode="w")
root.attrs["title"] = "survey"
t = root.create("temperature", shape=(40, 30), chunks=(16, 16), dtype=">f4", order="F", fill_value=-999.0,
    compressor=numcodecs.Blosc("zstd", 3, numcodecs.Blosc.SHUFFLE))
t[:, :] = (np.arange(1200).reshape(40, 30) * 0.5 - 100).astype(">f4")
t[32:, 16:] = -999.0
t.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
t.attrs["units"] = "K"
g = root.create_group("stations")
if strings == "yes":
    n = g.create("names", shape=(5,), chunks=(2,), dtype=object, object_codec=numcodecs.VLenUTF8(), fill_value="")
    n[:] = np.array(["Ås", "Bergen", "", "Tromsø", "Oslo"], dtype=object)
    lab = g.create("labels", shape=(4,), chunks=(3,), dtype=">U4", fill_value="", order="C")
    lab[:] = np.array(["a", "Ås🧊", "", "long"], dtype=">U4")
    tm = g.create("times", shape=(5,), chunks=(2,), dtype="<M8[s]", fill_value=np.datetime64("NaT"))
    tm[:4] = np.array(["2020-01-01T00:00:00", "NaT", "1969-12-31T23:59:59", "2038-01-19T03:14:08"], dtype="M8[s]")
    cd = g.create("codes", shape=(3,), chunks=(2,), dtype="|S3", fill_value=b"")
    cd[:] = np.array([b"AB", b"", b"x\\x00y"], dtype="S3")
c = g.create("counts", shape=(7, 3), chunks=(3, 2), dtype="<i8", compressor=numcodecs.Zlib(4),
    filters=[numcodecs.Delta("<i8")], dimension_separator="/", fill_value=0)
c[:5, :] = np.arange(15).reshape(5, 3) * 1000003 - 7
`;

const EXPECTED = `
import numpy as np
temperature = (np.arange(1200).reshape(40, 30) * 0.5 - 100).astype("<f4"); temperature[32:, 16:] = -999.0
counts = np.zeros((7, 3), dtype="<i8"); counts[:5, :] = np.arange(15).reshape(5, 3) * 1000003 - 7
names = ["Ås", "Bergen", "", "Tromsø", "Oslo"]
`;

describe.skipIf(zarr === undefined)("the CLI on Zarr v2", () => {
  const v2 = join(dir, "survey.zarr");
  // The same without the string array, for a conversion to what tensorstore reads.
  const numeric = join(dir, "numeric.zarr");
  if (zarr !== undefined) {
    zarr(MAKE_V2, `${v2} yes`);
    zarr(MAKE_V2, `${numeric} no`);
  }

  it("tree shows the v2 hierarchy with shapes, types and codecs", async () => {
    const { status, stdout } = await run("tree", v2);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`${v2}  group v2  {"title":"survey"}`);
    expect(lines[1]).toBe("├── stations  group v2");
    expect(lines[2]).toMatch(
      /^│ {3}├── codes {2}array v2 \(3,\) null_terminated_bytes chunks \(2,\) \[bytes -> blosc\]$/,
    );
    expect(lines[3]).toMatch(
      /^│ {3}├── counts {2}array v2 \(7, 3\) int64 chunks \(3, 2\) \[numcodecs\.delta -> bytes -> numcodecs\.zlib\]$/,
    );
    expect(lines[4]).toMatch(
      /^│ {3}├── labels {2}array v2 \(4,\) fixed_length_utf32 chunks \(3,\) \[bytes -> blosc\]$/,
    );
    expect(lines[5]).toMatch(
      /^│ {3}├── names {2}array v2 \(5,\) string chunks \(2,\) \[vlen-utf8 -> blosc\]$/,
    );
    expect(lines[6]).toMatch(
      /^│ {3}└── times {2}array v2 \(5,\) numpy\.datetime64 chunks \(2,\) \[bytes -> blosc\]$/,
    );
    expect(lines[7]).toMatch(
      /^└── temperature {2}array v2 \(40, 30\) float32 chunks \(16, 16\) \[transpose -> bytes -> blosc\]$/,
    );
  });

  it("info shows a structured v2 array's fields, its .zarray dtype and its fill value", async () => {
    const path = join(dir, "records.zarr");
    zarr!(
      `import sys, numpy as np, zarr
dt = np.dtype([("id", ">i4"), ("where", [("x", ">f4")]), ("tag", "S2")])
fill = np.zeros((), dtype=dt); fill["id"] = -1; fill["tag"] = b"na"
zarr.create(store=zarr.DirectoryStore(sys.stdin.read().strip()), shape=(3,), chunks=(2,), dtype=dt,
    fill_value=fill.tobytes())`,
      path,
    );
    const { status, stdout } = await run("info", path);
    expect(status).toBe(0);
    expect(stdout).toContain(
      'data type   struct {"fields":[{"name":"id","data_type":"int32"},{"name":"where","data_type":{"name":"struct","configuration":{"fields":[{"name":"x","data_type":"float32"}]}}},{"name":"tag","data_type":{"name":"null_terminated_bytes","configuration":{"length_bytes":2}}}]}\n',
    );
    expect(stdout).toContain('fill value  {"id":-1,"where":{"x":0},"tag":"bmE="}\n');
    expect(stdout).toContain(
      'v2 dtype    [["id",">i4"],["where",[["x",">f4"]]],["tag","|S2"]]  order C\n',
    );
  });

  it("info --json gives .zarray with .zattrs as attributes; --zarr-format 3 does not find v2", async () => {
    const { stdout } = await run("info", join(v2, "temperature"), "--json");
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      zarr_format: 2,
      shape: [40, 30],
      chunks: [16, 16],
      dtype: ">f4",
      order: "F",
      fill_value: -999,
      compressor: { id: "blosc", cname: "zstd", clevel: 3, shuffle: 1 },
      attributes: { _ARRAY_DIMENSIONS: ["y", "x"], units: "K" },
    });
    const missing = await run("info", v2, "--zarr-format", "3");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: no Zarr node at .*survey\.zarr \(no zarr\.json\)\n$/);
  });

  it.skipIf(ts === undefined)(
    "cp turns the v2 hierarchy into sharded v3 that tensorstore reads with the same values",
    async () => {
      const out = join(dir, "survey-v3.zarr");
      const codecs = JSON.stringify([
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [8, 8],
            codecs: [
              { name: "bytes", configuration: { endian: "little" } },
              { name: "zstd", configuration: { level: 3, checksum: false } },
            ],
            index_codecs: [
              { name: "bytes", configuration: { endian: "little" } },
              { name: "crc32c" },
            ],
            index_location: "end",
          },
        },
      ]);
      // Every array is re-chunked into 32x32 shards of 8x8 inner chunks.
      const r = await run("cp", numeric, out, "--chunks", "32,32", "--codecs", codecs);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(
        /^copied 2 arrays and 2 groups \(3 chunks, 5\.0 kB\) to .* as Zarr v3 in [0-9.]+ s \([^)]*\/s\)\n$/,
      );
      const zarrJson = JSON.parse(readFileSync(join(out, "temperature", "zarr.json"), "utf8"));
      expect(zarrJson.dimension_names).toEqual(["y", "x"]);
      expect(zarrJson.attributes).toEqual({ units: "K" });
      expect(zarrJson.fill_value).toBe(-999);
      const check = ts!(
        `${EXPECTED}
import json, sys, tensorstore as ts
root = sys.stdin.read().strip()
def read(p, driver="zarr3"):
    return ts.open({"driver": driver, "kvstore": {"driver": "file", "path": root + "/" + p}, "open": True}).result().read().result()
t = read("temperature")
c = read("stations/counts")
print(json.dumps({"t": bool(np.array_equal(t, temperature)), "t_dtype": str(t.dtype), "c": bool(np.array_equal(c, counts))}))`,
        out,
      );
      expect(JSON.parse(check)).toEqual({ t: true, t_dtype: "float32", c: true });
      // Whole shards only: 40x30 in 32x32 shards is 2x1 of them, each holding 8x8 inner chunks.
      expect(readdirSync(join(out, "temperature", "c")).sort()).toEqual(["0", "1"]);
      // A string array cannot take a bytes-serialised chain: the error names it, nothing is written.
      const refused = join(dir, "refused.zarr");
      const strings = await run(
        "cp",
        join(v2, "stations", "names"),
        refused,
        "--codecs",
        '[{"name":"bytes","configuration":{"endian":"little"}}]',
      );
      expect(strings.status).toBe(1);
      expect(strings.stderr).toMatch(/^error: .*cannot serialise .* string; use vlen-utf8\n$/);
      // In a hierarchy, the array that cannot take the options is named and nothing is written.
      const tree = await run("cp", v2, refused, "--chunks", "32,32", "--codecs", codecs);
      expect(tree.status).toBe(2);
      expect(tree.stderr).toMatch(/^error: array "stations\/codes": --chunks must be 1 /);
      expect(existsSync(refused)).toBe(false);
    },
  );

  it("cp copies a whole hierarchy v3 -> v2 (with .zmetadata) that zarr-python reads", async () => {
    const v3 = join(dir, "roundtrip-v3.zarr");
    expect((await run("cp", v2, v3)).status).toBe(0);
    expect(existsSync(join(v3, "zarr.json"))).toBe(true);
    const back = join(dir, "roundtrip-v2.zarr");
    const r = await run("cp", v3, back, "--zarr-format", "2");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^copied 6 arrays and 2 groups .* as Zarr v2 /);
    // v3 keeps the time unit in the data type's configuration, NaT as the smallest int64.
    const times = readFileSync(join(v3, "stations", "times", "zarr.json"), "utf8");
    expect(JSON.parse(times).data_type).toEqual({
      name: "numpy.datetime64",
      configuration: { unit: "s", scale_factor: 1 },
    });
    expect(times).toContain('"fill_value": -9223372036854775808,');
    const check = zarr!(
      `${EXPECTED}
import json, sys, zarr
root = zarr.open_consolidated(sys.stdin.read().strip(), mode="r")
t = root["temperature"]
print(json.dumps({"t": bool(np.array_equal(t[...], temperature)), "order": t.order, "attrs": dict(t.attrs),
  "c": bool(np.array_equal(root["stations/counts"][...], counts)), "names": list(root["stations/names"][...]),
  "title": root.attrs["title"], "filters": [f.codec_id for f in root["stations/counts"].filters or []],
  "labels": list(root["stations/labels"][...]), "labels_dtype": root["stations/labels"].dtype.str,
  "times": [str(x) for x in root["stations/times"][...]], "times_dtype": root["stations/times"].dtype.str,
  "codes": [list(x) for x in root["stations/codes"][...]], "codes_dtype": root["stations/codes"].dtype.str}))`,
      back,
    );
    expect(JSON.parse(check)).toEqual({
      t: true,
      order: "F",
      attrs: { _ARRAY_DIMENSIONS: ["y", "x"], units: "K" },
      c: true,
      names: ["Ås", "Bergen", "", "Tromsø", "Oslo"],
      title: "survey",
      filters: ["delta"],
      labels: ["a", "Ås🧊", "", "long"],
      labels_dtype: "<U4",
      times: ["2020-01-01T00:00:00", "NaT", "1969-12-31T23:59:59", "2038-01-19T03:14:08", "NaT"],
      times_dtype: "<M8[s]",
      codes: [[65, 66], [], [120, 0, 121]],
      codes_dtype: "|S3",
    });
  });

  it("import --zarr-format 2 writes what zarr-python reads; existing nodes are refused untouched", async () => {
    const npy = join(dir, "grid.npy");
    pythonWith("numpy")!(
      `import numpy as np, sys
np.save(sys.stdin.read().strip(), (np.arange(60).reshape(6, 10) * 3 - 50).astype("<i4"))`,
      npy,
    );
    const out = join(dir, "imported.zarr");
    const args = [
      "import",
      npy,
      out,
      "--zarr-format",
      "2",
      "--chunks",
      "4,4",
      "--compressor",
      '{"id":"zlib","level":5}',
      "--filters",
      '[{"id":"delta","dtype":"<i4"}]',
      "--order",
      "F",
      "--dimension-separator",
      "/",
      "--attributes",
      '{"source":"npy"}',
    ];
    expect((await run(...args)).status).toBe(0);
    const zarray = readFileSync(join(out, ".zarray"), "utf8");
    const check = zarr!(
      `import json, sys, numpy as np, zarr
z = zarr.open_array(sys.stdin.read().strip(), mode="r")
print(json.dumps({"same": bool(np.array_equal(z[...], np.arange(60).reshape(6, 10) * 3 - 50)), "order": z.order,
  "sep": z._dimension_separator, "attrs": dict(z.attrs)}))`,
      out,
    );
    expect(JSON.parse(check)).toEqual({
      same: true,
      order: "F",
      sep: "/",
      attrs: { source: "npy" },
    });
    const again = await run(...args);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(out, ".zarray"), "utf8")).toBe(zarray);
    const bad = await run(
      "import",
      npy,
      join(dir, "bad.zarr"),
      "--zarr-format",
      "2",
      "--codecs",
      "[]",
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--codecs applies to --zarr-format 3 only/);
  });

  it("rm deletes a node of zarr-python's hierarchy, which zarr-python then lists without it", async () => {
    const copy = join(dir, "to-prune.zarr");
    zarr!(MAKE_V2, `${copy} no`);
    expect((await run("rm", join(copy, "stations"))).status).toBe(0);
    const listed = zarr!(
      `import json, sys, zarr
g = zarr.open_group(sys.stdin.read().strip(), mode="r")
print(json.dumps(sorted(g.keys())))`,
      copy,
    );
    expect(JSON.parse(listed)).toEqual(["temperature"]);
    expect(existsSync(join(copy, "stations"))).toBe(false);
    expect(readdirSync(copy).sort()).toEqual([".zattrs", ".zgroup", "temperature"]);
    const again = await run("rm", join(copy, "stations"));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^error: no Zarr node at .*stations/);
  });
});

describe("progress reporting", () => {
  it("draws a bar with counts, bytes, rate and ETA", () => {
    expect(progressLine({ items: 3, bytes: 3e6 }, { items: 12, bytes: 12e6 }, 1.5, 12)).toBe(
      "[###.........] 3/12 chunks  3.0 MB  2.0 MB/s  ETA 5s",
    );
    expect(progressLine({ items: 0, bytes: 0 }, { items: 4, bytes: 100 }, 0, 4)).toBe(
      "[....] 0/4 chunks  0 B  0 B/s  ETA --",
    );
    expect(formatBytes(1536)).toBe("1.5 kB");
  });
});

describe("zarrkit conformance", () => {
  it("--json runs the matrix with a third-party extension and prints the summary", async () => {
    const example = join(
      dirname(fileURLToPath(import.meta.url)),
      "..",
      "..",
      "..",
      "examples",
      "zarrkit-extension-example",
      "index.js",
    );
    const r = await run("conformance", "--json", "--extension", example, "--stores", "memory");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(Object.keys(summary)).toEqual(["combinations", "passed", "failed", "skipped"]);
    expect(summary.failed).toEqual([]);
    expect(summary.passed).toBe(summary.combinations);
    expect(summary.combinations).toBeGreaterThan(2000);
    const bad = await run("conformance", "--extension", "./no-such-module.js");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --extension \.\/no-such-module\.js: cannot load it/);
  }, 120_000);
});
