import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonObject } from "@zarrkit/core";
import { FileSystemStore, ZipWriter } from "@zarrkit/stores";
import { startHttpServer } from "@zarrkit/stores/testing";
import { pythonWith } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run-cli.js";

// numpy writes each data type's .npy (edge values included, some big-endian or Fortran-ordered),
// the CLI imports it through a codec chain and exports it again, and numpy checks both exports
// against the original: the .npy bit for bit, the .json through the v3 fill-value encoding.
const numpy = pythonWith("numpy");
const dir = mkdtempSync(join(tmpdir(), "zarrkit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAKE = `
import sys, numpy as np
d = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read().strip()
rng = np.random.default_rng(7)
def save(name, a): np.save(f"{d}/{name}.npy", a)
save("bool", rng.random((5, 7)) > 0.5)
for t in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
    info = np.iinfo(t)
    a = rng.integers(info.min, info.max, size=(5, 7), dtype=t, endpoint=True)
    a.flat[0], a.flat[1] = info.min, info.max
    save(t, a.astype(a.dtype.newbyteorder(">")) if t in ("int32", "uint64") else a)
for t in ["float16", "float32", "float64"]:
    a = (rng.standard_normal((5, 7)) * 1000).astype(t)
    a.flat[:5] = [np.nan, np.inf, -np.inf, -0.0, np.finfo(t).tiny]
    save(t, np.asfortranarray(a) if t == "float64" else a)
for t, f in [("complex64", "float32"), ("complex128", "float64")]:
    a = (rng.standard_normal((5, 7)) + 1j * rng.standard_normal((5, 7))).astype(t)
    a.flat[0] = complex(np.nan, -np.inf)
    save(t, a.astype(a.dtype.newbyteorder(">")) if t == "complex128" else a)
save("r16", rng.integers(0, 255, size=(5, 7, 2), dtype=np.uint8).view("V2").reshape(5, 7))
save("U3", np.array([["", "a", "ü🧊x"][k % 3] for k in range(35)], dtype=">U3").reshape(5, 7))
save("S4", np.array([bytes((k * 37 + j * 64) % 256 for j in range(k % 6)) for k in range(35)], dtype="S4").reshape(5, 7))
t = rng.integers(-2**62, 2**62, size=(5, 7)).astype("M8[us]"); t.flat[0] = np.datetime64("NaT")
save("M8_us", t.astype(">M8[us]"))
save("m8_10s", np.asfortranarray(rng.integers(-10**9, 10**9, size=(5, 7)).astype("m8[10s]")))
r = np.zeros((5, 7), dtype=[("id", ">i4"), ("v", ">f8"), ("tag", "S2")])
r["id"] = rng.integers(-2**31, 2**31 - 1, size=(5, 7)); r["v"] = rng.standard_normal((5, 7)); r["tag"] = b"q"
save("rec", r)
`;

const CHECK = `
import sys, json, base64, numpy as np
d, name, npy_out, json_out = sys.argv[1:5]
orig = np.load(f"{d}/{name}.npy")
got = np.load(npy_out)
ok_npy = got.shape == orig.shape and np.ascontiguousarray(orig).astype(orig.dtype.newbyteorder("<")).tobytes() == got.tobytes() and got.dtype.byteorder in "<|="
doc = json.load(open(json_out))
def dec(v, kind):
    if kind == "V": return bytes(v)
    if isinstance(v, list) and kind == "c": return complex(dec(v[0], "f"), dec(v[1], "f"))
    if isinstance(v, str): return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}[v]
    return v
flat = np.ascontiguousarray(orig).ravel()
vals = []
def walk(x, depth):
    if depth == len(orig.shape): vals.append(x)
    else:
        for y in x: walk(y, depth + 1)
walk(doc["data"], 0)
kind = orig.dtype.kind
if orig.dtype.names:
    ok_json = [(v["id"], v["v"], base64.b64decode(v["tag"])) for v in vals] == [(int(x["id"]), float(x["v"]), bytes(x["tag"])) for x in flat]
elif kind == "V":
    ok_json = [bytes(v) for v in vals] == [bytes(x) for x in flat]
elif kind == "U":
    ok_json = vals == flat.tolist()
elif kind == "S":
    ok_json = [base64.b64decode(v) for v in vals] == flat.tolist()
elif kind in "mM":
    ok_json = vals == flat.astype(flat.dtype.newbyteorder("<")).view("<i8").tolist()
elif kind in "fc":
    dec_vals = np.array([dec(v, kind) for v in vals], dtype=orig.dtype.newbyteorder("<"))
    ok_json = np.array_equal(dec_vals, flat, equal_nan=True) and np.array_equal(np.signbit(dec_vals.real), np.signbit(flat.real))
else:
    ok_json = [int(v) if kind != "b" else bool(v) for v in vals] == flat.tolist()
print(json.dumps({"npy": bool(ok_npy), "json": bool(ok_json and doc["shape"] == list(orig.shape))}))
`;

// .npy file name -> the data type that zarr.json names.
const PARAMETRISED: Record<string, JsonObject> = {
  U3: { name: "fixed_length_utf32", configuration: { length_bytes: 12 } },
  S4: { name: "null_terminated_bytes", configuration: { length_bytes: 4 } },
  M8_us: { name: "numpy.datetime64", configuration: { unit: "us", scale_factor: 1 } },
  m8_10s: { name: "numpy.timedelta64", configuration: { unit: "s", scale_factor: 10 } },
  rec: {
    name: "struct",
    configuration: {
      fields: [
        { name: "id", data_type: "int32" },
        { name: "v", data_type: "float64" },
        {
          name: "tag",
          data_type: { name: "null_terminated_bytes", configuration: { length_bytes: 2 } },
        },
      ],
    },
  },
};
const TYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
  "r16",
  ...Object.keys(PARAMETRISED),
];
const CHAINS: Record<string, string> = {
  "bytes little": '[{"name":"bytes","configuration":{"endian":"little"}}]',
  "transpose + bytes big":
    '[{"name":"transpose","configuration":{"order":[1,0]}},{"name":"bytes","configuration":{"endian":"big"}}]',
};

const cli = runCli;

describe.skipIf(numpy === undefined)(
  "CLI round trip of every data type through bytes/transpose chains",
  () => {
    numpy?.(MAKE, dir);
    for (const type of TYPES) {
      for (const [chainName, codecs] of Object.entries(CHAINS)) {
        it(`${type} via ${chainName}`, async () => {
          const location = join(dir, `${type}-${chainName.replace(/\W+/g, "_")}.zarr`);
          const imported = await cli(
            "import",
            join(dir, `${type}.npy`),
            location,
            "--chunks",
            "2,3",
            "--codecs",
            codecs,
          );
          expect(imported.stderr).toBe("");
          expect(imported.status).toBe(0);
          const meta = await cli("info", location, "--json");
          expect(JSON.parse(meta.stdout)).toMatchObject({
            zarr_format: 3,
            node_type: "array",
            shape: [5, 7],
            data_type: PARAMETRISED[type] ?? type,
            codecs: JSON.parse(codecs),
          });
          const npyOut = `${location}.out.npy`;
          const jsonOut = `${location}.out.json`;
          expect((await cli("export", location, npyOut)).status).toBe(0);
          expect((await cli("export", location, jsonOut)).status).toBe(0);
          expect(JSON.parse(readFileSync(jsonOut, "utf8")).data_type).toEqual(
            PARAMETRISED[type] ?? type,
          );
          if (type in PARAMETRISED)
            expect((await cli("info", location)).stdout).toContain(
              `data type   ${PARAMETRISED[type]!.name} ${JSON.stringify(PARAMETRISED[type]!.configuration)}\n`,
            );
          const verdict = JSON.parse(
            numpy!(
              `import sys; sys.argv = ["x", ${[dir, type, npyOut, jsonOut].map((s) => JSON.stringify(s)).join(", ")}]\n${CHECK}`,
            ),
          );
          expect(verdict).toEqual({ npy: true, json: true });
        });
      }
    }

    it("exports a selection exactly as numpy slices it", async () => {
      const location = join(dir, "sel.zarr");
      expect(
        (await cli("import", join(dir, "int16.npy"), location, "--chunks", "2,2")).status,
      ).toBe(0);
      const out = join(dir, "sel.json");
      expect((await cli("export", location, out, "--select", "-1:0:-2, ..., 5")).status).toBe(0);
      const expected = numpy!(
        `import numpy as np, json; print(json.dumps(np.load(${JSON.stringify(join(dir, "int16.npy"))})[-1:0:-2, ..., 5].tolist()))`,
      );
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
        shape: [2],
        data_type: "int16",
        data: JSON.parse(expected),
      });
    });

    it("exports positions per dimension as numpy's np.ix_ takes them", async () => {
      const location = join(dir, "positions.zarr");
      expect(
        (await cli("import", join(dir, "int16.npy"), location, "--chunks", "2,2")).status,
      ).toBe(0);
      const out = join(dir, "positions.npy");
      expect(
        (await cli("export", location, out, "--select", "[2, 0, -1, 0], ..., 1:5")).status,
      ).toBe(0);
      const same = numpy!(
        `import numpy as np
a = np.load(${JSON.stringify(join(dir, "int16.npy"))})
b = np.load(${JSON.stringify(out)})
want = a[[2, 0, -1, 0]][..., 1:5]
print(b.dtype == a.dtype and b.shape == want.shape and bool((b == want).all()))`,
      );
      expect(same.trim()).toBe("True");
    });
  },
);

describe("CLI errors", () => {
  it("prints one error line and exits non-zero for a missing node", async () => {
    const result = await cli("info", join(dir, "nothing-here"));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*no Zarr node.*\n$/);
  });

  it("names what it cannot import from a .npy header", async () => {
    const npyWith = (header: string) => {
      const padded = `${header.padEnd(128 - 10 - 1, " ")}\n`;
      const file = join(dir, `bad-${padded.length}-${header.length}.npy`);
      const prefix = Buffer.from([0x93, ...Buffer.from("NUMPY"), 1, 0, padded.length, 0]);
      writeFileSync(file, Buffer.concat([prefix, Buffer.from(padded), Buffer.alloc(24)]));
      return file;
    };
    const cases: [string, RegExp][] = [
      ["{'descr': '<i4, 'fortran_order': False, 'shape': (2,), }", /malformed \.npy header/],
      // A subarray field: Zarr's struct fields have no shape.
      ["{'descr': [('a', '<f4', (3,))], 'fortran_order': False, 'shape': (2,), }", /subarray/],
      [
        "{'descr': [('a', '<i4'), ('b', '>i4')], 'fortran_order': False, 'shape': (3,), }",
        /byte order/,
      ],
    ];
    for (const [header, message] of cases) {
      const result = await cli("import", npyWith(header), join(dir, "never.zarr"));
      expect(result.status, header).toBe(1);
      expect(result.stderr, header).toMatch(message);
    }
    expect(existsSync(join(dir, "never.zarr"))).toBe(false);
  });

  it("rejects bad options with exit status 2 and does not touch an existing array", async () => {
    const npy = join(dir, "small.npy");
    // A hand-written .npy (format 1.0, '<i4', shape (2,)): independent of the writer under test.
    const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
    const padded = `${header.padEnd(128 - 10 - 1, " ")}\n`;
    const bytes = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from("NUMPY"),
      Buffer.from([1, 0, padded.length & 255, padded.length >> 8]),
      Buffer.from(padded),
      Buffer.from(Int32Array.of(7, 8).buffer),
    ]);
    writeFileSync(npy, bytes);
    const location = join(dir, "keep.zarr");
    expect((await cli("import", npy, location)).status).toBe(0);
    const before = readFileSync(join(location, "zarr.json"), "utf8");
    expect((await cli("import", npy, location, "--codecs", "not json")).status).toBe(2);
    const again = await cli("import", npy, location);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const badCodec = await cli(
      "import",
      npy,
      location,
      "--overwrite",
      "--codecs",
      '[{"name":"bytes","configuration":{"endian":"middle"}}]',
    );
    expect(badCodec.status).toBe(1);
    expect(badCodec.stderr).toMatch(/endian/);
    expect(readFileSync(join(location, "zarr.json"), "utf8")).toBe(before);
    const json = join(dir, "keep.json");
    expect((await cli("export", location, json)).status).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual({
      shape: [2],
      data_type: "int32",
      data: [7, 8],
    });
    expect((await cli("frobnicate")).status).toBe(2);
  });

  it("import --codecs takes a sharding configuration as it will be stored", async () => {
    const npy = join(dir, "arange.npy");
    const header = `${"{'descr': '<i4', 'fortran_order': False, 'shape': (16, 16), }".padEnd(128 - 10 - 1, " ")}\n`;
    const values = Int32Array.from({ length: 256 }, (_, i) => i);
    writeFileSync(
      npy,
      Buffer.concat([
        Buffer.from([0x93]),
        Buffer.from("NUMPY"),
        Buffer.from([1, 0, header.length, 0]),
        Buffer.from(header),
        Buffer.from(values.buffer),
      ]),
    );
    const codecs = [
      {
        name: "sharding_indexed",
        configuration: {
          chunk_shape: [8, 8],
          codecs: [
            { name: "bytes", configuration: { endian: "little" } },
            {
              name: "blosc",
              configuration: {
                cname: "lz4",
                clevel: 5,
                shuffle: "shuffle",
                typesize: 4,
                blocksize: 0,
              },
            },
          ],
          index_codecs: [
            { name: "bytes", configuration: { endian: "little" } },
            { name: "crc32c" },
          ],
          index_location: "start",
        },
      },
    ];
    const location = join(dir, "sharded.zarr");
    const imported = await cli(
      "import",
      npy,
      location,
      "--chunks",
      "16,16",
      "--codecs",
      JSON.stringify(codecs),
      "--chunk-key-encoding",
      '{"name":"v2","configuration":{"separator":"."}}',
    );
    expect(imported.stderr).toBe("");
    expect(JSON.parse((await cli("info", location, "--json")).stdout).codecs).toEqual(codecs);
    expect(existsSync(join(location, "0.0"))).toBe(true);
    const out = join(dir, "sharded.json");
    expect((await cli("export", location, out, "--select", "7:9, 7:9")).status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).data).toEqual([
      [119, 120],
      [135, 136],
    ]);
  });

  it("the installed bin runs", () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "zarrkit.js");
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toMatch(
      /usage: zarrkit/,
    );
  });
});

describe("CLI over HTTP locations", () => {
  it("info and export read an array served by a real HTTP server", async () => {
    const served = join(dir, "served");
    const npy = join(dir, "served.npy");
    // A hand-written .npy: format 1.0, '<u2', shape (2, 3), values 0..5.
    const header = `${"{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }".padEnd(128 - 10 - 1, " ")}\n`;
    writeFileSync(
      npy,
      Buffer.concat([
        Buffer.from([0x93]),
        Buffer.from("NUMPY"),
        Buffer.from([1, 0, header.length, 0]),
        Buffer.from(header),
        Buffer.from(Uint16Array.of(0, 1, 2, 3, 4, 5).buffer),
      ]),
    );
    expect((await cli("import", npy, join(served, "arr.zarr"), "--chunks", "1,2")).status).toBe(0);
    const server = await startHttpServer(served);
    try {
      const info = await cli("info", `${server.url}arr.zarr`, "--json");
      expect(info.stderr).toBe("");
      expect(JSON.parse(info.stdout)).toMatchObject({ shape: [2, 3], data_type: "uint16" });
      const out = join(dir, "served.json");
      expect(
        (await cli("export", `${server.url}arr.zarr`, out, "--select", "::-1, 1:")).status,
      ).toBe(0);
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
        shape: [2, 2],
        data_type: "uint16",
        data: [
          [4, 5],
          [1, 2],
        ],
      });
      // The same array from a zip archive, on disk and over HTTP.
      const writer = new ZipWriter();
      const source = new FileSystemStore(join(served, "arr.zarr"));
      for await (const key of source.list(""))
        await writer.set(`arr.zarr/${key}`, (await source.get(key))!);
      writeFileSync(join(served, "arr.zip"), writer.toZip());
      for (const location of [
        `zip:${join(served, "arr.zip")}#arr.zarr`,
        `zip:${server.url}arr.zip#arr.zarr`,
      ]) {
        const zipped = join(dir, "zipped.json");
        expect((await cli("export", location, zipped, "--select", "1")).status).toBe(0);
        expect(JSON.parse(readFileSync(zipped, "utf8")).data).toEqual([3, 4, 5]);
      }
      const missing = await cli("info", `${server.url}nothing.zarr`);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/^error: .*no Zarr node/);
    } finally {
      await server.close();
    }
  });
});
