import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pythonJson, pythonWith, zarrPython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  bytesDataType,
  ConsolidatedStore,
  createArray,
  createGroup,
  type DataType,
  type ElementArray,
  FileSystemStore,
  type JsonObject,
  type JsonValue,
  open,
  openArray,
  openGroup,
  parseNumpyDtype,
  type Store,
  stringDataType,
  typedArrayOf,
  writeConsolidatedMetadata,
  type ZarrArray,
} from "../index.js";

// Interop with zarr-python 2.13 (Debian's python3-zarr, system python3), both ways, across
// dtypes (both byte orders, strings and bytes), orders, separators, compressors and filters.
// numpy computes every element from a formula; zarr-python's own reading of its own write is
// the expected value, so lossy filters (fixedscaleoffset) compare like for like.
const zarr = pythonWith("zarr", zarrPython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-v2-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHAPE = [5, 7, 3];
const CHUNKS = [2, 3, 2];

// [dtype, fill_value as zarr-python writes it]
const TYPES: [string, JsonValue][] = [
  ["|b1", false],
  ["|i1", -5],
  ["<i2", null],
  [">i4", 7],
  ["<i8", -9223372036854775808n],
  ["|u1", 255],
  [">u2", 3],
  ["<u4", null],
  ["<u8", 18446744073709551615n],
  ["<f2", "NaN"],
  [">f4", "-Infinity"],
  ["<f8", -0.5],
  ["<c8", null],
  [">c16", null],
  ["<U5", ""],
  [">U3", "abc"],
  ["|O:vlen-utf8", ""],
  ["|O:vlen-bytes", null],
  [">f8", 2.5],
  // 400-byte elements: blosc shuffles them as bytes (zarr-python's typesize is the item size).
  ["<U100", "long"],
  ["<M8[ns]", -9223372036854775808n],
  [">m8[10ms]", 7],
  ["|S5", "YWIAYw=="],
];

interface Encoding {
  compressor: JsonObject | null;
  filters?: (dtype: string) => JsonObject[];
  order: "C" | "F";
  separator: "." | "/";
}
const numeric = (dtype: string) => /^[<>|][iuf]/.test(dtype) && !dtype.endsWith("f2");
const ENCODINGS: Encoding[] = [
  { compressor: null, order: "C", separator: "." },
  {
    compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 },
    // numcodecs' PackBits (bool only), not zarr-extensions' packbits.
    filters: (dtype) => (dtype === "|b1" ? [{ id: "packbits" }] : []),
    order: "F",
    separator: "/",
  },
  {
    compressor: { id: "zlib", level: 3 },
    filters: (dtype) => (dtype === "|b1" ? [{ id: "packbits" }] : []),
    order: "C",
    separator: "/",
  },
  { compressor: { id: "gzip", level: 1 }, order: "F", separator: "." },
  { compressor: { id: "zstd", level: 3 }, order: "C", separator: "." },
  {
    compressor: { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2, blocksize: 0 },
    order: "C",
    separator: "/",
  },
  {
    compressor: { id: "lz4", acceleration: 1 },
    filters: (dtype) => (numeric(dtype) ? [{ id: "delta", dtype }] : []),
    order: "C",
    separator: ".",
  },
  {
    compressor: { id: "blosc", cname: "zlib", clevel: 1, shuffle: 0, blocksize: 0 },
    filters: (dtype) =>
      dtype === "<f8" || dtype === ">f8"
        ? // >f8: big-endian values stored as little-endian integers (the serializer takes astype's order).
          [{ id: "fixedscaleoffset", offset: 1000, scale: 10, dtype, astype: "<i4" }]
        : numeric(dtype)
          ? [{ id: "adler32" }]
          : [],
    order: "F",
    separator: ".",
  },
];

interface Case {
  id: string;
  dtype: string;
  objectCodec?: string;
  fill: JsonValue;
  compressor: JsonObject | null;
  filters: JsonObject[];
  order: "C" | "F";
  separator: "." | "/";
  /**
   * Written whole: zarr-python leaves chunks it never wrote undefined when fill_value is null
   * (np.empty), so those arrays have none unwritten. zarrkit reads v2's null fill as zeros.
   */
  whole: boolean;
  path: string;
}

// Every type meets every encoding at least once, without the full product.
const CASES: Case[] = TYPES.flatMap(([spec, fill], t) =>
  [0, 1, 2].map((k): Case => {
    const e = ENCODINGS[(t * 3 + k) % ENCODINGS.length]!;
    const [dtype, objectCodec] = spec.split(":") as [string, string | undefined];
    const id = `${spec.replace(/[|<>:]/g, "_")}-${(t * 3 + k) % ENCODINGS.length}`;
    return {
      id,
      dtype,
      ...(objectCodec === undefined ? {} : { objectCodec }),
      fill,
      compressor: e.compressor,
      filters: e.filters?.(dtype) ?? [],
      order: e.order,
      separator: e.separator,
      whole: fill === null && dtype !== "|O",
      path: "",
    };
  }),
);

const PY_COMMON = `
import json, sys, os, base64, numpy as np, zarr, numcodecs
def formula(case, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if case["dtype"] == "|O":
        if case["objectCodec"] == "vlen-utf8":
            return np.array(["" if k % 5 == 0 else f"{k}:ünï{'🧊' * (k % 3)}" for k in i.flat], dtype=object).reshape(shape)
        return np.array([bytes((k * 7 + j) % 256 for j in range(k % 4)) for k in i.flat] + [None], dtype=object)[:-1].reshape(shape)
    dt = np.dtype(case["dtype"])
    if dt.kind == "U":
        return np.array([("" if k % 5 == 0 else f"{k}ü🧊")[: dt.itemsize // 4] for k in i.flat], dtype=dt).reshape(shape)
    if dt.kind == "b": return (i % 3 == 0)
    if dt.kind in "mM":
        a = (i * 86_400_000_000_123 - 10**15).astype("<i8").view(dt.newbyteorder("<")).astype(dt)
        a.flat[4] = a.dtype.type("NaT"); return a
    if dt.kind == "S":
        return np.array([bytes((k * 37 + j * 64) % 256 for j in range(k % 7)) for k in i.flat], dtype=dt).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        span = int(info.max) - int(info.min) + 1
        return ((i * 2654435761 + 12345) % span + int(info.min)).astype(dt) if span < 2**63 else (i * 2654435761 - 12345).astype(dt)
    if dt.kind == "f":
        a = (i * 0.25 - 7).astype(dt)
        if not any(f["id"] in ("delta", "fixedscaleoffset") for f in case["filters"]):
            a.flat[3] = np.nan; a.flat[5] = -0.0
        return a
    a = (i * 0.5 + 1j * (i - 10) / 4).astype(dt); a.flat[2] = complex(np.inf, -0.0); return a
def serialize(case, a):
    if case["dtype"] == "|O":
        if case["objectCodec"] == "vlen-utf8": return ["" if x is None else str(x) for x in a.flat]
        # An object array with fill_value None holds None where nothing was written; zarrkit
        # reads v2's null fill as the empty value.
        return [base64.b64encode(x or b"").decode() for x in a.flat]
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes().hex()
def write(case, path):
    obj = case["dtype"] == "|O"
    # .zarray holds an S fill value as base64; zarr.create takes the bytes.
    fill = base64.b64decode(case["fill"]) if case["dtype"].startswith("|S") else case["fill"]
    z = zarr.create(shape=${JSON.stringify(SHAPE)}, chunks=${JSON.stringify(CHUNKS)}, dtype=object if obj else case["dtype"],
        compressor=numcodecs.get_codec(case["compressor"]) if case["compressor"] else None,
        fill_value=fill, order=case["order"], store=zarr.DirectoryStore(path, dimension_separator=case["separator"]),
        filters=[numcodecs.get_codec(f) for f in case["filters"]] or None, overwrite=True,
        object_codec=numcodecs.get_codec({"id": case["objectCodec"]}) if obj else None)
    if case["whole"]: z[...] = formula(case, tuple(${JSON.stringify(SHAPE)}))
    else: z[0:4, 1:7, :] = formula(case, (4, 6, 3))
    z.attrs["_ARRAY_DIMENSIONS"] = ["z", "y", "x"]
    z.attrs["writer"] = "zarr-python"
    return z
inp = json.load(sys.stdin)
`;

const PY_WRITES = `${PY_COMMON}
out = {}
for case in inp:
    z = write(case, case["path"])
    files = sorted(os.path.relpath(os.path.join(r, f), case["path"]) for r, _, fs in os.walk(case["path"]) for f in fs)
    region = formula(case, tuple(${JSON.stringify(SHAPE)}) if case["whole"] else (4, 6, 3))
    out[case["id"]] = {"expected": serialize(case, z[...]), "region": serialize(case, region), "keys": files}
json.dump(out, sys.stdout)
`;

// zarr-python reads zarrkit's array and compares it with its own write of the same case.
const PY_READS = `${PY_COMMON}
out = {}
for case in inp:
    z = zarr.open_array(case["path"], mode="r")
    ref = write(case, case["path"] + "-reference")
    got, want = z[...], ref[...]
    same = serialize(case, got) == serialize(case, want.astype(got.dtype) if case["dtype"] != "|O" else want)
    out[case["id"]] = {"same": same, "dtype": str(z.dtype), "order": z.order, "attrs": dict(z.attrs),
        "fill": None if z.fill_value is None else str(z.fill_value)}
json.dump(out, sys.stdout)
`;

const toJson = pythonJson;

function dataTypeOf(c: Case): DataType {
  if (c.dtype === "|O") return c.objectCodec === "vlen-utf8" ? stringDataType : bytesDataType;
  return parseNumpyDtype(c.dtype)!.dataType;
}

/** The same serialisation as the Python side: LE hex, strings, or base64 bytes. */
function serialize(data: ElementArray): JsonValue {
  if (ArrayBuffer.isView(data))
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");
  const out: string[] = [];
  for (const x of data) out.push(typeof x === "string" ? x : Buffer.from(x).toString("base64"));
  return out;
}

/** Python's serialised region back into element data for zarrkit to write. */
function deserialize(dataType: DataType, value: JsonValue): ElementArray {
  if (typeof value === "string") {
    const bytes = new Uint8Array(Buffer.from(value, "hex"));
    return dataType.view(bytes.buffer, bytes.byteOffset, bytes.length / dataType.itemSize);
  }
  const items = Array.isArray(value) ? value.map(String) : [];
  return dataType.kind === "string"
    ? items
    : items.map((b) => new Uint8Array(Buffer.from(b, "base64")));
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

describe.skipIf(zarr === undefined)("zarr-python 2.13 interop (Zarr v2)", () => {
  const fromPy = CASES.map((c) => ({ ...c, path: join(dir, "py", c.id) }));
  const written: Record<string, { expected: JsonValue; region: JsonValue; keys: string[] }> =
    zarr === undefined ? {} : JSON.parse(zarr(PY_WRITES, toJson(fromPy)));

  describe("zarrkit reads what zarr-python wrote", () => {
    for (const c of fromPy) {
      it(`${c.id}: ${c.dtype}${c.objectCodec ? ` ${c.objectCodec}` : ""} ${c.order} "${c.separator}" ${JSON.stringify(c.compressor)} ${JSON.stringify(c.filters)}`, async () => {
        const array = await openArray(new FileSystemStore(c.path, { readOnly: true }));
        expect(array.zarrFormat).toBe(2);
        expect(array.dataType.name).toBe(dataTypeOf(c).name);
        expect(array.dimensionNames).toEqual(["z", "y", "x"]);
        expect(array.attributes.writer).toBe("zarr-python");
        expect(serialize((await array.get()).data)).toEqual(written[c.id]!.expected);
        // A strided window agrees with the whole read.
        const window = await array.get("4:0:-2, 1::3, 1");
        const pick: number[] = [];
        for (const r of [4, 2]) for (const col of [1, 4]) pick.push((r * 7 + col) * 3 + 1);
        expect(serialize(window.data)).toEqual(
          pickSerialized(written[c.id]!.expected, pick, array.dataType.itemSize),
        );
        // Every stored chunk is where zarrkit's key encoding puts it.
        const ours = new Set<string>();
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++)
            for (let k = 0; k < 2; k++) ours.add(array.chunkKey([i, j, k]));
        for (const key of written[c.id]!.keys.filter((k) => !k.startsWith(".")))
          expect(ours.has(key), key).toBe(true);
      });
    }
  });

  describe("zarr-python reads what zarrkit wrote", () => {
    it("every case, with the same values, dtype order, attributes and chunk keys", async () => {
      const ours = CASES.map((c) => ({ ...c, path: join(dir, "zk", c.id) }));
      for (const c of ours) {
        const dataType = dataTypeOf(c);
        const store = new FileSystemStore(c.path);
        const array = await createArray(store, "", {
          zarrFormat: 2,
          shape: SHAPE,
          chunkShape: CHUNKS,
          dataType: dataType.name,
          ...(dataType.configuration === undefined
            ? {}
            : { dataTypeConfiguration: dataType.configuration }),
          fillValueJson: c.fill,
          compressor: c.compressor,
          // zarrkit writes v2 dtypes little-endian; a filter's dtype follows the array's.
          filters: c.filters.map((f) =>
            typeof f.dtype === "string" ? { ...f, dtype: f.dtype.replace(">", "<") } : f,
          ),
          order: c.order,
          dimensionSeparator: c.separator,
          // zarr-python 2 reads .zattrs as ASCII: zarrkit escapes the rest, as it does.
          attributes: { writer: "zarrkit", place: "Tromsø 🧊" },
          dimensionNames: ["z", "y", "x"],
        });
        await array.set(
          c.whole ? null : "0:4, 1:7, :",
          deserialize(dataType, written[c.id]!.region),
        );
        // Chunk keys as zarr-python names them (zarrkit skips chunks equal to the fill value).
        const theirs = new Set(written[c.id]!.keys);
        for (const key of files(c.path)) expect(theirs.has(key), `${c.id}: ${key}`).toBe(true);
      }
      const result: Record<
        string,
        { same: boolean; dtype: string; order: string; attrs: JsonObject }
      > = JSON.parse(zarr!(PY_READS, toJson(ours)));
      for (const c of ours) {
        const r = result[c.id]!;
        expect(r.same, c.id).toBe(true);
        expect(r.order, c.id).toBe(c.order);
        expect(r.attrs, c.id).toEqual({
          _ARRAY_DIMENSIONS: ["z", "y", "x"],
          writer: "zarrkit",
          place: "Tromsø 🧊",
        });
      }
    });
  });

  describe("hierarchies", () => {
    const root = join(dir, "tree");
    it("groups, attributes, children and consolidated metadata written by zarr-python", async () => {
      zarr!(
        `import zarr, numpy as np, sys
root = zarr.open_group(sys.stdin.read().strip(), mode="w")
root.attrs["title"] = "v2 tree"
g = root.create_group("inner")
g.attrs["level"] = 1
a = g.zeros("a", shape=(4, 4), chunks=(2, 2), dtype="<i4")
a[:] = np.arange(16).reshape(4, 4)
root.create("b", shape=(3,), chunks=(2,), dtype=">f8", fill_value=1.5)
zarr.consolidate_metadata(root.store)`,
        root,
      );
      const store = new FileSystemStore(root, { readOnly: true });
      const group = await openGroup(store);
      expect(group.zarrFormat).toBe(2);
      expect(group.attributes).toEqual({ title: "v2 tree" });
      expect(await group.children()).toEqual([
        { name: "b", kind: "array" },
        { name: "inner", kind: "group" },
      ]);
      const inner = await openGroup(store, "inner");
      expect(inner.attributes).toEqual({ level: 1 });
      const a = await openArray(store, "inner/a");
      expect(Array.from<number | bigint>(typedArrayOf((await a.get("1, :")).data))).toEqual([
        4, 5, 6, 7,
      ]);
      const b = await openArray(store, "b");
      expect(Array.from<number | bigint>(typedArrayOf((await b.get()).data))).toEqual([
        1.5, 1.5, 1.5,
      ]);

      // With .zmetadata, one request opens every node: count what reaches the store.
      const seen: string[] = [];
      const counting: Store = {
        get: (key, options) => {
          seen.push(key);
          return store.get(key, options);
        },
      };
      const consolidated = await ConsolidatedStore.open(counting);
      expect(consolidated).toBeDefined();
      const c = consolidated!;
      expect(((await open(c, "inner")) as { zarrFormat: number }).zarrFormat).toBe(2);
      expect((await openArray(c, "inner/a")).shape).toEqual([4, 4]);
      expect((await openGroup(c)).attributes).toEqual({ title: "v2 tree" });
      expect(seen.filter((k) => /(^|\/)(\.z|zarr\.json)/.test(k))).toEqual([
        "zarr.json",
        ".zmetadata",
      ]);
    });

    it("zarr-python opens a hierarchy zarrkit wrote in v2, with consolidated metadata", async () => {
      const path = join(dir, "zk-tree");
      const store = new FileSystemStore(path);
      await createGroup(store, "", { zarrFormat: 2, attributes: { title: "from zarrkit ✓" } });
      await createGroup(store, "sub", { zarrFormat: 2 });
      const a: ZarrArray = await createArray(store, "sub/t", {
        zarrFormat: 2,
        shape: [3],
        chunkShape: [2],
        dataType: "string",
        fillValueJson: "",
      });
      await a.set(null, ["x", "ünï", ""]);
      await writeConsolidatedMetadata(store);
      const out = zarr!(
        `import zarr, sys, json
root = zarr.open_consolidated(sys.stdin.read().strip(), mode="r")
print(json.dumps({"attrs": dict(root.attrs), "t": list(root["sub/t"][...]), "groups": sorted(root.group_keys())}))`,
        path,
      );
      expect(JSON.parse(out)).toEqual({
        attrs: { title: "from zarrkit ✓" },
        t: ["x", "ünï", ""],
        groups: ["sub"],
      });
    });
  });
});

/** Elements `indices` of a serialised array (hex: `itemSize` bytes each; lists: items). */
function pickSerialized(value: JsonValue, indices: number[], itemSize: number): JsonValue {
  if (typeof value === "string")
    return indices.map((i) => value.slice(i * 2 * itemSize, (i + 1) * 2 * itemSize)).join("");
  return Array.isArray(value) ? indices.map((i) => value[i]!) : value;
}
