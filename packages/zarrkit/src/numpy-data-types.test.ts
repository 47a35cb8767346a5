import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createArray, FileSystemStore, MemoryStore, openArray } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "zarrkit-numpy-types-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));
const NAT = -(2n ** 63n);

describe("NumPy's datetime64 and S data types in v3 arrays", () => {
  it("reads zarr-extensions' example: datetime64[10us], a NaT fill, big-endian chunks", async () => {
    const store = new MemoryStore();
    await store.set(
      "zarr.json",
      json({
        zarr_format: 3,
        node_type: "array",
        shape: [5],
        data_type: { name: "numpy.datetime64", configuration: { unit: "us", scale_factor: 10 } },
        chunk_grid: { name: "regular", configuration: { chunk_shape: [3] } },
        chunk_key_encoding: { name: "default" },
        fill_value: "NaT",
        codecs: [{ name: "bytes", configuration: { endian: "big" } }],
      }),
    );
    // Chunk 0: 0, -1 and 2^40, as big-endian int64s; chunk 1 is missing (NaT).
    const chunk = new Uint8Array(24);
    const view = new DataView(chunk.buffer);
    view.setBigInt64(0, 0n, false);
    view.setBigInt64(8, -1n, false);
    view.setBigInt64(16, 2n ** 40n, false);
    await store.set("c/0", chunk);
    const array = await openArray(store, "", { dataType: "numpy.datetime64" });
    expect(array.dataType.configuration).toEqual({ unit: "us", scale_factor: 10 });
    const values = (await array.get()).data;
    expect(values).toBeInstanceOf(BigInt64Array);
    expect(Array.from(values)).toEqual([0n, -1n, 2n ** 40n, NAT, NAT]);
    expect(array.dataType.toScalar(array.dataType.decodeFillValue(array.metadata.fillValue))).toBe(
      NAT,
    );
  });

  it("writes timedelta64 and S arrays whose chunks hold the int64s and NUL-padded bytes", async () => {
    const store = new MemoryStore();
    const times = await createArray(store, "t", {
      shape: [4],
      chunkShape: [4],
      dataType: "numpy.timedelta64",
      dataTypeConfiguration: { unit: "s", scale_factor: 1 },
      fillValue: NAT,
      codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    });
    await times.set("1:3", BigInt64Array.of(-86400n, 2n ** 62n));
    const stored = await store.get("t/c/0");
    const lanes = new DataView(stored!.buffer, stored!.byteOffset, stored!.byteLength);
    expect([0, 8, 16, 24].map((at) => lanes.getBigInt64(at, true))).toEqual([
      NAT,
      -86400n,
      2n ** 62n,
      NAT,
    ]);
    const meta = new TextDecoder().decode((await store.get("t/zarr.json"))!);
    expect(JSON.parse(meta).data_type).toEqual({
      name: "numpy.timedelta64",
      configuration: { unit: "s", scale_factor: 1 },
    });
    // Written as an integer, as NumPy-based writers do (the spec allows "NaT" too).
    expect(meta).toMatch(/"fill_value": -9223372036854775808\b/);

    const codes = await createArray(store, "s", {
      shape: [3],
      chunkShape: [3],
      dataType: "null_terminated_bytes",
      dataTypeConfiguration: { length_bytes: 3 },
      fillValueJson: "eg==", // "z"
      codecs: [{ name: "bytes" }],
    });
    await codes.set("0:2", Uint8Array.of(65, 66, 0, 120, 0, 121));
    expect(Array.from((await store.get("s/c/0"))!)).toEqual([65, 66, 0, 120, 0, 121, 122, 0, 0]);
    const scalar = await codes.get("0");
    expect(codes.dataType.toScalar(scalar.data)).toEqual(Uint8Array.of(65, 66));
    await expect(codes.set("2", Uint8Array.of(1, 2, 3, 4))).rejects.toMatchObject({
      code: "InvalidValue",
    });
  });

  it("broadcasts a byte-string scalar (a Uint8Array that is not the selection's elements)", async () => {
    const store = new MemoryStore();
    const codes = await createArray(store, "s", {
      shape: [4],
      chunkShape: [4],
      dataType: "null_terminated_bytes",
      dataTypeConfiguration: { length_bytes: 2 },
      codecs: [{ name: "bytes" }],
    });
    await codes.set("1:", Uint8Array.of(7));
    expect(Array.from((await codes.get()).data)).toEqual([0, 0, 7, 0, 7, 0, 7, 0]);
    // Exactly the selection's bytes: the elements themselves.
    await codes.set("0:2", Uint8Array.of(1, 2, 3, 4));
    expect(Array.from((await codes.get()).data)).toEqual([1, 2, 3, 4, 7, 0, 7, 0]);
    await expect(codes.set("1:", Uint8Array.of(1, 2, 3))).rejects.toMatchObject({
      code: "InvalidValue",
    });
    const raw = await createArray(store, "r", {
      shape: [3],
      chunkShape: [3],
      dataType: "r16",
      codecs: [{ name: "bytes" }],
    });
    await raw.set(null, Uint8Array.of(9, 8));
    expect(Array.from((await raw.get()).data)).toEqual([9, 8, 9, 8, 9, 8]);
    // A raw scalar is exactly itemSize bytes.
    await expect(raw.set(null, Uint8Array.of(1))).rejects.toMatchObject({ code: "InvalidValue" });
  });
});

describe("zarr-python 3.1's names for NumPy's V and vlen-bytes types", () => {
  it("reads raw_bytes as r<8n> and variable_length_bytes as bytes", async () => {
    const store = new MemoryStore();
    const meta = (dataType: unknown, fill: unknown, codecs: unknown[]) =>
      json({
        zarr_format: 3,
        node_type: "array",
        shape: [3],
        data_type: dataType,
        chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
        chunk_key_encoding: { name: "default" },
        fill_value: fill,
        codecs,
      });
    await store.set(
      "v/zarr.json",
      meta({ name: "raw_bytes", configuration: { length_bytes: 2 } }, "AAE=", [{ name: "bytes" }]),
    );
    await store.set("v/c/0", Uint8Array.of(9, 8, 7, 6));
    const raw = await openArray(store, "v", { dataType: "r16" });
    expect(Array.from((await raw.get()).data)).toEqual([9, 8, 7, 6, 0, 1]);
    await store.set("b/zarr.json", meta("variable_length_bytes", "", [{ name: "vlen-bytes" }]));
    // numcodecs' VLenBytes framing: a u32 count, then each item's u32 length and bytes.
    await store.set("b/c/0", Uint8Array.of(2, 0, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0));
    const bytes = await openArray(store, "b", { dataType: "bytes" });
    expect((await bytes.get()).data).toEqual([
      Uint8Array.of(0x61),
      new Uint8Array(0),
      new Uint8Array(0),
    ]);
  });

  it("creates and opens arrays by those names, keeping them in zarr.json", async () => {
    const store = new MemoryStore();
    await createArray(store, "v", {
      shape: [2],
      chunkShape: [2],
      dataType: "raw_bytes",
      dataTypeConfiguration: { length_bytes: 3 },
    });
    const raw = await openArray(store, "v", { dataType: "raw_bytes" });
    expect(raw.dataType.name).toBe("r24");
    const doc = JSON.parse(new TextDecoder().decode((await store.get("v/zarr.json"))!));
    expect(doc.data_type).toEqual({ name: "raw_bytes", configuration: { length_bytes: 3 } });
    await createArray(store, "b", {
      shape: [2],
      chunkShape: [2],
      dataType: "variable_length_bytes",
    });
    expect((await openArray(store, "b", { dataType: "variable_length_bytes" })).dataType.name).toBe(
      "bytes",
    );
  });
});

describe("struct arrays", () => {
  it("store records big-endian field by field, in shards, and read windows of them", async () => {
    const store = new FileSystemStore(join(dir, "records"));
    const array = await createArray(store, "", {
      shape: [20, 12],
      chunkShape: [10, 12],
      dataType: "struct",
      dataTypeConfiguration: {
        fields: [
          { name: "id", data_type: "int32" },
          { name: "ok", data_type: "bool" },
          { name: "v", data_type: "float64" },
        ],
      },
      fillValue: { id: -1, ok: false, v: 0.25 },
      codecs: [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [5, 4],
            codecs: [{ name: "bytes", configuration: { endian: "big" } }, { name: "zstd" }],
            index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
          },
        },
      ],
    });
    // Element i (C order) of rows 0..14: (i, i % 2 == 0, i / 8); rows 15.. keep the fill value.
    const written = new Uint8Array(15 * 12 * 13);
    const view = new DataView(written.buffer);
    for (let i = 0; i < 15 * 12; i++) {
      view.setInt32(i * 13, i, true);
      view.setUint8(i * 13 + 4, i % 2 === 0 ? 1 : 0);
      view.setFloat64(i * 13 + 5, i / 8, true);
    }
    await array.set("0:15", written);
    const window = await array.get("13:17, 5:11:3");
    const record = (r: number, c: number) =>
      r < 15
        ? { id: r * 12 + c, ok: (r * 12 + c) % 2 === 0, v: (r * 12 + c) / 8 }
        : { id: -1, ok: false, v: 0.25 };
    const got: unknown[] = [];
    for (let k = 0; k < 8; k++)
      got.push(array.dataType.toScalar(window.data.subarray(k * 13, k * 13 + 13)));
    const want: unknown[] = [];
    for (const r of [13, 14, 15, 16]) for (const c of [5, 8]) want.push(record(r, c));
    expect(got).toEqual(want);
  });
});
