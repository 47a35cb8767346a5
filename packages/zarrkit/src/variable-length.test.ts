import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createArray,
  FileSystemStore,
  isZarrkitError,
  MemoryStore,
  type NamedConfigJson,
  ndarray,
  openArray,
  stringDataType,
  type ZarrArray,
} from "./index.js";

// Expected contents come from a formula: element (r, c) is text(r, c), or the fill value.
const text = (r: number, c: number) =>
  r === c
    ? ""
    : `${r}·${c} ${Array.from("日本🧊")
        .slice(0, (r + c) % 4)
        .join("")}`;

describe("string and bytes arrays", () => {
  const chains: [string, NamedConfigJson[]][] = [
    ["vlen-utf8", [{ name: "vlen-utf8" }]],
    [
      "vlen-utf8 + gzip + crc32c",
      [{ name: "vlen-utf8" }, { name: "gzip", configuration: { level: 5 } }, { name: "crc32c" }],
    ],
    [
      "transpose + vlen-utf8 + zstd",
      [
        { name: "transpose", configuration: { order: [1, 0] } },
        { name: "vlen-utf8" },
        { name: "zstd", configuration: { level: 3, checksum: false } },
      ],
    ],
    [
      "sharded vlen-utf8",
      [
        {
          name: "sharding_indexed",
          configuration: {
            chunk_shape: [2, 3],
            codecs: [
              { name: "vlen-utf8" },
              {
                name: "blosc",
                configuration: {
                  cname: "lz4",
                  clevel: 5,
                  shuffle: "noshuffle",
                  typesize: 1,
                  blocksize: 0,
                },
              },
            ],
            index_codecs: [
              { name: "bytes", configuration: { endian: "little" } },
              { name: "crc32c" },
            ],
            index_location: "end",
          },
        },
      ],
    ],
  ];
  for (const [label, codecs] of chains) {
    it(`${label}: ragged chunks, partial writes, fill value, reopen from disk`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "zarrkit-vlen-"));
      try {
        const store = new FileSystemStore(dir);
        const sharded = label.startsWith("sharded");
        const a = await createArray(store, "s", {
          shape: [7, 11],
          chunkShape: sharded ? [4, 6] : [3, 4],
          dataType: "string",
          fillValue: "n/a",
          codecs,
        });
        expect(a.dataType.name).toBe("string");
        // Rows 1..5, columns 2..10: leaves whole chunks unwritten.
        const values: string[] = [];
        for (let r = 1; r < 6; r++) for (let c = 2; c < 11; c++) values.push(text(r, c));
        await a.set("1:6, 2:11", values);
        const b = await openArray(new FileSystemStore(dir, { readOnly: true }), "s");
        const whole = await b.get();
        const want: string[] = [];
        for (let r = 0; r < 7; r++)
          for (let c = 0; c < 11; c++) want.push(r >= 1 && r < 6 && c >= 2 ? text(r, c) : "n/a");
        expect(whole.data).toEqual(want);
        expect((await b.get("::-2, 3")).data).toEqual([6, 4, 2, 0].map((r) => want[r * 11 + 3]));
        expect((await b.get("4, 5")).data).toEqual([text(4, 5)]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("bytes arrays keep empty values and zero bytes; scalars broadcast", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "b", { shape: [5], chunkShape: [2], dataType: "bytes" });
    expect(a.metadata.codecs).toEqual([{ name: "vlen-bytes" }]);
    await a.set("1:4", [Uint8Array.of(0, 0), new Uint8Array(0), Uint8Array.of(255)]);
    await a.set("4", Uint8Array.of(9, 9, 9));
    expect((await a.get()).data).toEqual([
      new Uint8Array(0),
      Uint8Array.of(0, 0),
      new Uint8Array(0),
      Uint8Array.of(255),
      Uint8Array.of(9, 9, 9),
    ]);
  });

  it("0-d and empty string arrays; chunks equal to the fill value are not stored", async () => {
    const store = new MemoryStore();
    const scalar = await createArray(store, "z", { shape: [], dataType: "string", fillValue: "" });
    expect((await scalar.get()).data).toEqual([""]);
    await scalar.set(null, "ünï");
    expect((await openArray(store, "z")).metadata.fillValue).toBe("");
    expect((await (await openArray(store, "z")).get()).data).toEqual(["ünï"]);
    const empty = await createArray(store, "e", { shape: [0, 3], dataType: "string" });
    expect((await empty.get()).data).toEqual([]);
    const a = await createArray(store, "f", {
      shape: [4],
      chunkShape: [2],
      dataType: "string",
      fillValue: "-",
    });
    await a.set(null, ["-", "-", "x", "-"]);
    expect(await store.get("f/c/0")).toBeUndefined();
    expect(await store.get("f/c/1")).toBeDefined();
  });

  it("rejects values of the wrong kind before writing anything", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "s", { shape: [4], chunkShape: [2], dataType: "string" });
    await a.set(null, ["a", "b", "c", "d"]);
    const before = new Map(store.map);
    // As a JS caller without types would call it.
    const untyped: ZarrArray = a;
    for (const bad of [["a", "b", 3, "d"], 5, new Int32Array(4), ["a"]]) {
      await expect(untyped.set(null, bad)).rejects.toSatisfy((err) =>
        isZarrkitError(err, "InvalidValue"),
      );
    }
    expect(store.map).toEqual(before);
    expect((await a.get()).data).toEqual(["a", "b", "c", "d"]);
    await expect(
      createArray(store, "t", {
        shape: [2],
        dataType: "string",
        codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      }),
    ).rejects.toSatisfy((err) => isZarrkitError(err, "InvalidMetadata"));
    await expect(a.get(null, { out: ndarray(stringDataType, [3]) })).rejects.toSatisfy((err) =>
      isZarrkitError(err, "InvalidValue"),
    );
  });
});
