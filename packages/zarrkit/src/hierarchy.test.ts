import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createArray,
  createGroup,
  FileSystemStore,
  isZarrkitError,
  open,
  openArray,
  openGroup,
} from "./index.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "zarrkit-hierarchy-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("groups and arrays on the filesystem", () => {
  it("creates a hierarchy, lists children, and opens any path in it", async () => {
    const store = new FileSystemStore(root);
    const top = await createGroup(store, "", { attributes: { title: "demo" } });
    await createGroup(store, "g", { attributes: { level: 1 } });
    const a = await createArray(store, "g/temperature", {
      shape: [2, 3],
      chunkShape: [1, 3],
      dataType: "float64",
      dimensionNames: ["y", null],
      attributes: { units: "K" },
    });
    await a.set(null, 273.15);
    expect(await top.children()).toEqual([{ name: "g", kind: "group" }]);
    const g = await openGroup(store, "/g/");
    expect(g.attributes).toEqual({ level: 1 });
    expect(await g.children()).toEqual([{ name: "temperature", kind: "array" }]);

    const t = await openArray(store, "g/temperature", { dataType: "float64" });
    expect(t.dimensionNames).toEqual(["y", null]);
    expect(Array.from((await t.get()).data)).toEqual(new Array(6).fill(273.15));

    // The document on disk is what the spec says, in the spec's field order.
    const doc = JSON.parse(await readFile(join(root, "g/temperature/zarr.json"), "utf8"));
    expect(doc).toEqual({
      zarr_format: 3,
      node_type: "array",
      shape: [2, 3],
      data_type: "float64",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [1, 3] } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: 0,
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      attributes: { units: "K" },
      dimension_names: ["y", null],
    });

    await t.setAttributes({ units: "degC" });
    expect((await openArray(store, "g/temperature")).attributes).toEqual({ units: "degC" });
    expect(Array.from((await t.get("1, 2")).data)).toEqual([273.15]);
  });

  it("says which node is missing or of the wrong kind, and refuses to overwrite by accident", async () => {
    const store = new FileSystemStore(root);
    await createGroup(store, "g");
    await expect(open(store, "nope")).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "NodeNotFound") && e.path === "nope",
    );
    await expect(openArray(store, "g")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "NodeNotFound"),
    );
    await expect(createGroup(store, "g")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "NodeExists"),
    );
    await expect(open(store, "../etc")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidSelection"),
    );
    const a = await createArray(store, "g/a", { shape: [4], chunkShape: [2], dataType: "uint8" });
    await a.set(null, 5);
    await expect(
      createArray(store, "g/a", {
        shape: [4],
        chunkShape: [2],
        dataType: "uint8",
        codecs: [{ name: "lzma" }],
        overwrite: true,
      }),
    ).rejects.toSatisfy((e: unknown) => isZarrkitError(e, "UnknownExtension"));
    // The failed overwrite never touched the stored array.
    expect(
      Array.from((await (await openArray(store, "g/a", { dataType: "uint8" })).get()).data),
    ).toEqual([5, 5, 5, 5]);
    await expect(openArray(store, "g/a", { dataType: "int8" })).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "InvalidValue"),
    );
  });

  it("reads a zarr.json with bad content as a typed error naming the node", async () => {
    const store = new FileSystemStore(root);
    await store.set(
      "bad/zarr.json",
      new TextEncoder().encode('{"zarr_format": 3, "node_type": "array", "shape": [2],'),
    );
    await expect(open(store, "bad")).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "InvalidMetadata") && e.path === "bad",
    );
    await store.set(
      "dt/zarr.json",
      new TextEncoder().encode(
        JSON.stringify({
          zarr_format: 3,
          node_type: "array",
          shape: [2],
          data_type: "float128",
          chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
          chunk_key_encoding: { name: "default" },
          fill_value: 0,
          codecs: [{ name: "bytes", configuration: { endian: "little" } }],
        }),
      ),
    );
    await expect(open(store, "dt")).rejects.toSatisfy(
      (e: unknown) => isZarrkitError(e, "UnknownExtension") && /float128/.test(e.message),
    );
  });
});

describe("bad metadata gives a typed error naming the node and the field", () => {
  const base = {
    zarr_format: 3,
    node_type: "array",
    shape: [4],
    data_type: "int16",
    chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: 0,
    codecs: [{ name: "bytes", configuration: { endian: "little" } }],
  };
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "unknown chunk-key encoding",
      { chunk_key_encoding: { name: "hilbert" } },
      "UnknownExtension",
      /chunk-key-encoding "hilbert"/,
    ],
    [
      "bad separator",
      { chunk_key_encoding: { name: "default", configuration: { separator: "-" } } },
      "InvalidMetadata",
      /separator/,
    ],
    [
      "unknown codec",
      { codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "lzma" }] },
      "UnknownExtension",
      /codec "lzma"/,
    ],
    [
      "codec config of the wrong type",
      { codecs: [{ name: "bytes", configuration: { endian: 1 } }] },
      "InvalidMetadata",
      /bytes.*endian/,
    ],
    [
      "two array->bytes codecs",
      {
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "bytes", configuration: { endian: "big" } },
        ],
      },
      "InvalidMetadata",
      /codecs\[1\]/,
    ],
    [
      "transpose after bytes",
      {
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "transpose", configuration: { order: [0] } },
        ],
      },
      "InvalidMetadata",
      /codecs\[1\].*transpose/,
    ],
    ["fill value of the wrong type", { fill_value: "zero" }, "InvalidMetadata", /fill_value/],
    ["fill value out of range", { fill_value: 40000 }, "InvalidMetadata", /fill_value.*int16/],
    [
      "chunk shape of the wrong rank",
      { chunk_grid: { name: "regular", configuration: { chunk_shape: [2, 2] } } },
      "InvalidMetadata",
      /chunk_shape/,
    ],
    [
      "unknown chunk grid",
      { chunk_grid: { name: "hexagonal", configuration: {} } },
      "UnknownExtension",
      /chunk-grid "hexagonal"/,
    ],
    [
      "rectilinear grid that does not cover the array",
      {
        chunk_grid: {
          name: "rectilinear",
          configuration: { kind: "inline", chunk_shapes: [[1, 2]] },
        },
      },
      "InvalidMetadata",
      /zarr.json of "node": chunk_grid "rectilinear": chunk_shapes\[0\] covers 3 elements; the array has 4/,
    ],
    ["data type given as a number", { data_type: 16 }, "InvalidMetadata", /data_type/],
  ];
  it.each(cases)("%s", async (_what, change, code, message) => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-badmeta-"));
    try {
      const store = new FileSystemStore(root);
      const text = JSON.stringify({ ...base, ...change });
      await store.set("node/zarr.json", new TextEncoder().encode(text));
      let error: unknown;
      try {
        await open(store, "node");
      } catch (err) {
        error = err;
      }
      expect(isZarrkitError(error) && error.code).toBe(code);
      expect((error as Error).message).toMatch(message);
      expect(isZarrkitError(error) && error.path).toBe("node");
      // Reading never changes the store.
      expect(new TextDecoder().decode(await store.get("node/zarr.json"))).toBe(text);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("Zarr v2 filters of typed elements and byte order", () => {
  const zarray = (dtype: string, filters: object[]) =>
    new TextEncoder().encode(
      JSON.stringify({
        zarr_format: 2,
        shape: [4],
        chunks: [4],
        dtype,
        compressor: null,
        fill_value: 0,
        order: "C",
        filters,
      }),
    );

  it("stores what the last filter's astype says: big-endian values, little-endian deltas", async () => {
    const store = new FileSystemStore(root);
    await store.set("a/.zarray", zarray(">i4", [{ id: "delta", dtype: ">i4", astype: "<i2" }]));
    // 5, 7, 4, 10 as numcodecs stores them: the first value, then the differences, as <i2.
    await store.set("a/0", Uint8Array.of(5, 0, 2, 0, 0xfd, 0xff, 6, 0));
    const a = await openArray(store, "a", { dataType: "int32" });
    expect(Array.from((await a.get()).data)).toEqual([5, 7, 4, 10]);
  });

  it("refuses a filter that would read the elements in the other byte order", async () => {
    const store = new FileSystemStore(root);
    await store.set("b/.zarray", zarray("<i4", [{ id: "delta", dtype: ">i4" }]));
    await expect(openArray(store, "b")).rejects.toSatisfy(
      (e: unknown) =>
        isZarrkitError(e, "UnsupportedFeature") && e.path === "b" && /filters\[0\]/.test(e.message),
    );
  });
});
