import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonWith, zarrPython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { createArray, FileSystemStore, type JsonObject, openArray } from "../index.js";

// NumPy structured dtypes in Zarr v2, both ways with zarr-python 2.13: records of an int, a
// bool, a nested record, a datetime and a byte string, little- and big-endian, C and F
// order, compressed, with a record as the fill value. NumPy computes every value.
const zarr = pythonWith("zarr", zarrPython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-structured-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PY_COMMON = `
import sys, json, numpy as np, zarr, numcodecs
def dtype(o):
    return np.dtype([("id", o + "i4"), ("flag", "|b1"), ("where", [("x", o + "f4"), ("y", o + "f8")]),
                     ("when", o + "M8[s]"), ("tag", "|S3")])
def values(o, shape):
    a = np.zeros(shape, dtype=dtype(o)); i = np.arange(a.size).reshape(shape)
    a["id"] = i * 1000 - 7; a["flag"] = i % 3 == 0; a["where"]["x"] = i * 0.5; a["where"]["y"] = i / 3
    a["when"] = (i * 86400 - 10**6).astype("M8[s]"); a["tag"] = np.array([[b"ab", b"", b"xyz", b"\\x00q"][k % 4] for k in i.flat], dtype="S3").reshape(shape)
    return a
def fill(o):
    f = np.zeros((), dtype=dtype(o)); f["id"] = -1; f["where"]["y"] = 2.5; f["when"] = np.datetime64("NaT"); f["tag"] = b"na"
    return f
def le(a):  # little-endian packed bytes, C order
    return np.ascontiguousarray(a).astype(dtype("<")).tobytes().hex()
CASES = [("le", "<", "C", numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE)), ("be", ">", "F", numcodecs.Zlib(3))]
`;

const FIELDS: JsonObject[] = [
  { name: "id", data_type: "int32" },
  { name: "flag", data_type: "bool" },
  {
    name: "where",
    data_type: {
      name: "struct",
      configuration: {
        fields: [
          { name: "x", data_type: "float32" },
          { name: "y", data_type: "float64" },
        ],
      },
    },
  },
  {
    name: "when",
    data_type: { name: "numpy.datetime64", configuration: { unit: "s", scale_factor: 1 } },
  },
  { name: "tag", data_type: { name: "null_terminated_bytes", configuration: { length_bytes: 3 } } },
];

describe.skipIf(zarr === undefined)("zarr-python 2.13 structured dtypes (Zarr v2)", () => {
  const written: Record<string, { whole: string; region: string }> =
    zarr === undefined
      ? {}
      : JSON.parse(
          zarr(
            `${PY_COMMON}
root = sys.stdin.read().strip(); out = {}
for name, o, order, comp in CASES:
    # zarr-python 2.13 takes a record fill value as its packed bytes (not through open_array).
    z = zarr.create(store=zarr.DirectoryStore(root + "/py-" + name), overwrite=True, shape=(7, 4),
        chunks=(3, 3), dtype=dtype(o), fill_value=fill(o).tobytes(), order=order, compressor=comp)
    z[:5] = values(o, (5, 4))
    out[name] = {"whole": le(z[...]), "region": le(values(o, (5, 4)))}
print(json.dumps(out))`,
            dir,
          ),
        );

  for (const name of ["le", "be"]) {
    it(`zarrkit reads zarr-python's ${name} records, fill value included`, async () => {
      const store = new FileSystemStore(join(dir, `py-${name}`), { readOnly: true });
      const array = await openArray(store, "", { dataType: "struct" });
      expect(array.dataType.name).toBe("struct");
      expect(array.dataType.configuration).toEqual({ fields: FIELDS });
      const { data } = await array.get();
      expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex")).toBe(
        written[name]!.whole,
      );
      // The fill value as the spec writes it: each field's own fill value by name.
      expect(array.metadata.fillValue).toEqual({
        id: -1,
        flag: false,
        where: { x: 0, y: 2.5 },
        when: -9223372036854775808n,
        tag: "bmE=",
      });
      // Element (1, 2) as a scalar: i = 6.
      const scalar = array.dataType.toScalar((await array.get("1, 2")).data);
      expect(scalar).toEqual({
        id: 5993,
        flag: true,
        where: { x: 3, y: 2 },
        when: 6n * 86400n - 1_000_000n,
        tag: Uint8Array.of(0x78, 0x79, 0x7a),
      });
    });
  }

  it("zarr-python reads zarrkit's records as NumPy's, with the fill value", async () => {
    for (const [name, order] of [
      ["le", "C"],
      ["be", "F"],
    ] as const) {
      const array = await createArray(new FileSystemStore(join(dir, `zk-${name}`)), "", {
        zarrFormat: 2,
        shape: [7, 4],
        chunkShape: [3, 3],
        dataType: "struct",
        dataTypeConfiguration: { fields: FIELDS },
        fillValue: {
          id: -1,
          flag: false,
          where: { x: 0, y: 2.5 },
          when: "NaT",
          tag: Uint8Array.of(110, 97),
        },
        compressor: { id: "zstd", level: 3 },
        order,
      });
      const region = new Uint8Array(Buffer.from(written[name]!.region, "hex"));
      await array.set("0:5", region);
    }
    const verdict = JSON.parse(
      zarr!(
        `${PY_COMMON}
root = sys.stdin.read().strip(); out = {}
for name, o, order, comp in CASES:
    ours = zarr.open_array(root + "/zk-" + name, mode="r")
    theirs = zarr.open_array(root + "/py-" + name, mode="r")
    out[name] = {"same": le(ours[...]) == le(theirs[...]), "dtype": str(ours.dtype), "order": ours.order,
                 "fill": le(ours.fill_value) == le(fill(o))}
print(json.dumps(out))`,
        dir,
      ),
    );
    const dtype =
      "[('id', '<i4'), ('flag', '?'), ('where', [('x', '<f4'), ('y', '<f8')]), ('when', '<M8[s]'), ('tag', 'S3')]";
    expect(verdict).toEqual({
      le: { same: true, dtype, order: "C", fill: true },
      be: { same: true, dtype, order: "F", fill: true },
    });
  });
});
