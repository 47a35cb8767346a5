import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  type ElementArray,
  FileSystemStore,
  InvalidMetadataError,
  InvalidValueError,
  MemoryStore,
  type NamedConfigJson,
  ndarray,
  openArray,
  type Store,
  typedArrayOf,
  type WritableStore,
  type ZarrArray,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "zarrkit-low-precision-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type CodecJson = Exclude<NamedConfigJson, string>;
const CHAINS: [string, CodecJson[]][] = [
  ["bytes", [{ name: "bytes" }]],
  ["transpose", [{ name: "transpose", configuration: { order: [1, 0] } }, { name: "bytes" }]],
  ["zstd", [{ name: "bytes" }, { name: "zstd", configuration: { level: 1, checksum: false } }]],
  [
    "blosc",
    [
      { name: "bytes" },
      {
        name: "blosc",
        configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 1, blocksize: 0 },
      },
    ],
  ],
  ["gzip", [{ name: "bytes" }, { name: "gzip", configuration: { level: 1 } }]],
  [
    "sharding",
    [
      {
        name: "sharding_indexed",
        configuration: {
          chunk_shape: [4, 8],
          codecs: [{ name: "bytes" }, { name: "zstd", configuration: { level: 1 } }],
          index_codecs: [
            { name: "bytes", configuration: { endian: "little" } },
            { name: "crc32c" },
          ],
        },
      },
    ],
  ],
];
const STORES: [string, () => WritableStore][] = [
  ["memory", () => new MemoryStore()],
  ["file", () => new FileSystemStore(mkdtempSync(join(dir, "s-")))],
];

/** The elements of a result, as numbers. */
const numbers = (data: ElementArray) => Array.from(typedArrayOf(data), Number);

/** Rewrites the array's data_type in zarr.json: the chunks stay as they are. */
async function retype(store: WritableStore, dataType: string): Promise<void> {
  const doc = JSON.parse(new TextDecoder().decode((await store.get("zarr.json"))!));
  await store.set(
    "zarr.json",
    new TextEncoder().encode(JSON.stringify({ ...doc, data_type: dataType })),
  );
}

/** The value the zarr-extensions README gives a stored byte: its low bits (sign-extended). */
function storedValue(byte: number, bits: number, signed: boolean): number {
  const low = byte & ((1 << bits) - 1);
  return signed && low >= 1 << (bits - 1) ? low - (1 << bits) : low;
}

const SHAPE = [10, 20];
const STORED = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
/** Selections and the C-order indices of the elements they pick. */
const SELECTIONS: [string, number[]][] = [
  [":", Array.from({ length: 200 }, (_, i) => i)],
  [
    "3:9, 5:19:2",
    [3, 4, 5, 6, 7, 8].flatMap((r) => [5, 7, 9, 11, 13, 15, 17].map((c) => r * 20 + c)),
  ],
  ["::-1, 2", [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((r) => r * 20 + 2)],
  ["9, 19", [199]],
];

describe("types narrower than their byte: the bits above the value are ignored when read", () => {
  const cases = CHAINS.flatMap(([chain, codecs]) =>
    STORES.flatMap(([store, make]) =>
      (
        [
          ["int4", 4, true],
          ["uint2", 2, false],
          ["float4_e2m1fn", 4, false],
          ["float6_e3m2fn", 6, false],
          ["int2", 2, true],
        ] as const
      ).map((t) => [`${t[0]}, ${chain}, ${store}`, codecs, make, ...t] as const),
    ),
  );
  it.each(cases)("%s", async (_, codecs, make, dataType, bits, signed) => {
    const store = make();
    // Another writer's bytes: every byte has bits set above the value.
    const writer = await createArray(store, "", {
      shape: SHAPE,
      chunkShape: [8, 16],
      dataType: "uint8",
      codecs,
    });
    await writer.set(":", STORED);
    await retype(store, dataType);
    const array = await openArray(store);
    expect(array.dataType.name).toBe(dataType);
    for (const [selection, picked] of SELECTIONS) {
      const got = numbers((await array.get(selection)).data);
      expect(got, selection).toEqual(picked.map((i) => storedValue(STORED[i]!, bits, signed)));
    }
  });
});

describe("types narrower than their byte: written with the bits above the value zero", () => {
  it.each(CHAINS)("int4 and float6 through %s", async (_, codecs) => {
    for (const [name, make] of STORES) {
      for (const [dataType, values] of [
        // Large enough for the addon's gathers (16 KiB and more), were they used.
        ["int4", Int8Array.from({ length: 200 * 200 }, (_, i) => ((i * 7) % 16) - 8)],
        ["float6_e3m2fn", Uint8Array.from({ length: 200 * 200 }, (_, i) => (i * 5) % 64)],
      ] as const) {
        const store = make();
        const array = await createArray(store, "", {
          shape: [200, 200],
          chunkShape: [200, 200],
          dataType,
          codecs: codecs.map((c) =>
            c.name === "sharding_indexed"
              ? { ...c, configuration: { ...c.configuration, chunk_shape: [100, 200] } }
              : c,
          ),
        });
        await array.set(":", values);
        expect(numbers((await array.get()).data), `${dataType}, ${name}`).toEqual(
          Array.from(values),
        );
        await retype(store, "uint8");
        const stored = (await (await openArray(store)).get()).data;
        const mask = dataType === "int4" ? 0x0f : 0x3f;
        expect(numbers(stored), `${dataType}, ${name}`).toEqual(
          Array.from(values, (v) => v & mask),
        );
      }
    }
  });
});

describe("low-precision values at the boundary", () => {
  const make = (store: Store & WritableStore, dataType: string, fillValueJson?: number | string) =>
    createArray(store, "a", {
      shape: [6],
      chunkShape: [3],
      dataType,
      overwrite: true,
      ...(fillValueJson === undefined ? {} : { fillValueJson }),
    });
  /** The scalar (as the data type gives it) at a one-element selection. */
  const scalar = async (array: ZarrArray, selection: string) => {
    const elements = typedArrayOf((await array.get(selection)).data);
    const { itemSize } = array.dataType;
    return array.dataType.toScalar(new Uint8Array(elements.buffer, elements.byteOffset, itemSize));
  };

  it("refuses elements out of range before writing anything", async () => {
    const store = new MemoryStore();
    const int4 = await createArray(store, "i", { shape: [6], chunkShape: [3], dataType: "int4" });
    await expect(int4.set(":", Int8Array.of(1, 2, 3, 8, 0, 0))).rejects.toThrow(
      /element 3 of the value for "i" \(8\) is not a int4 value/,
    );
    await expect(int4.set(":", 9)).rejects.toThrow(InvalidValueError);
    await expect(int4.set(":", -9)).rejects.toThrow(/out of range \[-8, 7\]/);
    const float4 = await createArray(store, "f", {
      shape: [6],
      chunkShape: [3],
      dataType: "float4_e2m1fn",
    });
    await expect(float4.set(":", Uint8Array.of(0, 0, 0, 0, 0, 16))).rejects.toThrow(
      /element 5 .*\(16\) is not a float4_e2m1fn value \(a bit pattern\)/,
    );
    await expect(float4.set(":", Number.NaN)).rejects.toThrow(/float4_e2m1fn has no NaN/);
    // A strided view of a value is checked through its view only.
    const uint2 = await make(store, "uint2");
    const value = {
      ...ndarray(uint2.dataType, [12]),
      data: Uint8Array.of(1, 200, 2, 200, 3, 200, 0, 200, 1, 200, 2, 200),
    };
    await uint2.set(":", { ...value, shape: [6], stride: [2] });
    expect(numbers((await uint2.get()).data)).toEqual([1, 2, 3, 0, 1, 2]);
    await expect(uint2.set(":", { ...value, shape: [6], stride: [2], offset: 1 })).rejects.toThrow(
      /element 0 .*\(200\) is not a uint2 value/,
    );
    // Only the uint2 array's good value reached the store.
    const chunks = [];
    for await (const key of store.list("")) if (key.includes("/c/")) chunks.push(key);
    expect(chunks.sort()).toEqual(["a/c/0", "a/c/1"]);
  });

  it("has no Zarr v2 (NumPy) dtype: v2 arrays of them are refused, not mislabelled", async () => {
    for (const dataType of ["bfloat16", "float8_e5m2", "int4", "uint2"])
      await expect(
        createArray(new MemoryStore(), "", {
          shape: [2],
          chunkShape: [2],
          dataType,
          zarrFormat: 2,
        }),
        dataType,
      ).rejects.toThrow(`data type ${dataType} has no Zarr v2 dtype`);
  });

  it("takes and gives numbers as scalars, rounding to the nearest value", async () => {
    const store = new MemoryStore();
    const bf = await make(store, "bfloat16", "NaN");
    await bf.set("0:2", 1 / 3);
    // 1/3 in bfloat16: 0x3eab (float32's 0x3eaaaaab rounded to 8 significant bits).
    expect(numbers((await bf.get("0:3")).data)).toEqual([0x3eab, 0x3eab, 0x7fc0]);
    expect(await scalar(bf, "0")).toBe(0.333984375);
    expect(await scalar(bf, "5")).toBeNaN();
    const e5m2 = await make(store, "float8_e5m2", -0.5);
    await e5m2.set("1", 1e6); // beyond 57344: infinity
    expect([await scalar(e5m2, "0"), await scalar(e5m2, "1")]).toEqual([-0.5, Infinity]);
    const e4m3fn = await make(store, "float8_e4m3fn");
    await e4m3fn.set("2", 1e6); // no infinity: NaN, as ml_dtypes converts
    expect(await scalar(e4m3fn, "2")).toBeNaN();
  });

  it("reads and writes fill values as the data type READMEs give them", async () => {
    const store = new MemoryStore();
    // [type, fill value, its value]
    const cases: [string, number | string, number][] = [
      ["bfloat16", "NaN", Number.NaN],
      ["bfloat16", "0x7fc1", Number.NaN],
      ["bfloat16", "0xbf80", -1],
      ["bfloat16", "-Infinity", -Infinity],
      ["float8_e4m3fnuz", "NaN", Number.NaN],
      ["float8_e4m3fnuz", "0x80", Number.NaN],
      ["float8_e4m3fnuz", "0x7f", 240],
      ["float8_e8m0fnu", 0.25, 0.25],
      ["float8_e8m0fnu", "0x00", 2 ** -127],
      ["float8_e8m0fnu", "NaN", Number.NaN],
      ["float4_e2m1fn", -6, -6],
      ["float4_e2m1fn", 0.7, 0.5],
      ["float4_e2m1fn", "0xff", -6],
      ["float6_e2m3fn", "0x01", 0.125],
      ["int4", -8, -8],
      ["uint4", 15, 15],
    ];
    for (const [dataType, fill, value] of cases) {
      const array = await make(store, dataType, fill);
      expect(array.fillValue, `${dataType} ${fill}`).toEqual(value);
      // Unwritten chunks read as the fill value.
      expect(await scalar(array, "4"), `${dataType} ${fill}`).toEqual(value);
    }
    for (const [dataType, fill, why] of [
      ["float4_e2m1fn", "NaN", /float4_e2m1fn has no NaN/],
      ["float6_e2m3fn", "Infinity", /float6_e2m3fn has no infinity/],
      ["float8_e4m3fn", "-Infinity", /float8_e4m3fn has no infinity/],
      ["float8_e8m0fnu", 0, /positive powers of two only/],
      ["int4", 8, /out of range \[-8, 7\]/],
      ["uint2", -1, /out of range \[0, 3\]/],
      ["bfloat16", "0x7fc", /exactly 4 hex digits/],
    ] as const) {
      await expect(make(store, dataType, fill), `${dataType} ${fill}`).rejects.toThrow(why);
      await expect(make(store, dataType, fill)).rejects.toThrow(InvalidMetadataError);
    }
  });
});

describe("complex types named by their parts", () => {
  it("complex_float32 and complex_float64 are complex64 and complex128 by other names", async () => {
    const store = new MemoryStore();
    for (const [alias, core, Data] of [
      ["complex_float32", "complex64", Float32Array],
      ["complex_float64", "complex128", Float64Array],
    ] as const) {
      const values = Data.from([1.5, -2, Number.NaN, 0.25, -0, Number.POSITIVE_INFINITY]);
      for (const dataType of [alias, core]) {
        const array = await createArray(store, dataType, {
          shape: [3],
          chunkShape: [3],
          dataType,
          codecs: [{ name: "bytes", configuration: { endian: "big" } }],
        });
        await array.set(":", values);
      }
      expect(await store.get(`${alias}/c/0`)).toEqual(await store.get(`${core}/c/0`));
      const back = await openArray(store, alias);
      expect(back.dataType.name).toBe(alias);
      expect(Array.from(typedArrayOf((await back.get()).data), Number)).toEqual(Array.from(values));
    }
  });

  // Each part as NumPy's float16 or ml_dtypes' format converts it, real part first.
  const peer = pythonWith("ml_dtypes", tensorstorePython());
  it.skipIf(peer === undefined).each([
    ["complex_float16", "float16", "big"],
    ["complex_bfloat16", "bfloat16", "big"],
    ["complex_bfloat16", "bfloat16", "little"],
    ["complex_float8_e4m3", "float8_e4m3", "little"],
    ["complex_float8_e8m0fnu", "float8_e8m0fnu", "little"],
    ["complex_float4_e2m1fn", "float4_e2m1fn", "little"],
  ] as const)(
    "%s (%s parts, %s-endian) stores what the parts' converter gives",
    async (dataType, part, endian) => {
      const pairs: [number, number][] =
        part === "float8_e8m0fnu"
          ? [
              [1, 0.25],
              [3, 1024],
              [0.7, 2 ** -20],
            ]
          : [
              [1.5, -2],
              [0.3, 100],
              [-0.001, 5],
            ];
      const want = peer!(
        `import sys, json, numpy as np, ml_dtypes
part, endian, pairs = json.load(sys.stdin)
dt = np.dtype(np.float16 if part == "float16" else getattr(ml_dtypes, part))
flat = np.array([x for p in pairs for x in p], dtype=np.float64).astype(dt)
u = flat.view(np.uint16 if dt.itemsize == 2 else np.uint8)
sys.stdout.write(u.astype(u.dtype.newbyteorder(">" if endian == "big" else "<")).tobytes().hex())`,
        JSON.stringify([part, endian, pairs]),
      );
      const store = new MemoryStore();
      const array = await createArray(store, "", {
        shape: [3],
        chunkShape: [3],
        dataType,
        codecs: [
          {
            name: "bytes",
            ...(part.startsWith("float8") || part.startsWith("float4")
              ? {}
              : { configuration: { endian } }),
          },
        ],
      });
      for (const [i, pair] of pairs.entries()) await array.set(String(i), pair);
      expect(Buffer.from((await store.get("c/0"))!).toString("hex")).toBe(want);
    },
  );
});
