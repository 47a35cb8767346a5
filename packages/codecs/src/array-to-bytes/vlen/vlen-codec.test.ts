import {
  bytesDataType,
  type ChunkSpec,
  coreDataType,
  createRegistry,
  type DataType,
  isZarrkitError,
  ndarray,
  stringDataType,
} from "@zarrkit/core";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { describe, expect, it } from "vitest";
import codecsExtension from "../../index.js";

const registry = createRegistry(codecsExtension);
const spec = (dataType: DataType, shape: number[]): ChunkSpec => ({
  shape,
  dataType,
  fillValue: new Uint8Array(0),
});

async function vlen(name: string, dataType: DataType, shape: number[]) {
  const c = await registry.get("codec", name).fromConfig(undefined, {
    registry,
    spec: spec(dataType, shape),
  });
  if (c.kind !== "array_to_bytes") throw new Error("kind");
  return c;
}

/** The numcodecs VLen layout written out by hand: u32le count, then u32le length + bytes each. */
function layout(items: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [u32(items.length)];
  for (const item of items) parts.push(u32(item.length), item);
  return Buffer.concat(parts);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

const TEXT = [
  "",
  "a",
  "ünïcødé",
  "日本語テキスト",
  "emoji 🧊🦀",
  "x".repeat(300),
  "tab\tnew\nline",
];

describe("vlen-utf8 / vlen-bytes", () => {
  it("encodes strings in C order in the numcodecs layout, even from a strided view", async () => {
    const c = await vlen("vlen-utf8", stringDataType, [2, 3]);
    const values = ["a", "ü", "", "日本", "🧊", "end"];
    const data = ndarray(stringDataType, [2, 3], values);
    const expected = layout(values.map((s) => Buffer.from(s, "utf8")));
    expect(Buffer.from(await c.encode(data, spec(stringDataType, [2, 3])))).toEqual(
      Buffer.from(expected),
    );
    // The transposed view of a 3x2 array holding the same elements column-major.
    const columnMajor = ["a", "日本", "ü", "🧊", "", "end"];
    const strided = { ...ndarray(stringDataType, [2, 3], columnMajor), stride: [1, 2] };
    expect(Buffer.from(await c.encode(strided, spec(stringDataType, [2, 3])))).toEqual(
      Buffer.from(expected),
    );
  });

  it("round-trips empty, non-ASCII and long strings, and empty chunks", async () => {
    const c = await vlen("vlen-utf8", stringDataType, [TEXT.length]);
    const s = spec(stringDataType, [TEXT.length]);
    const back = await c.decode(await c.encode(ndarray(stringDataType, [TEXT.length], TEXT), s), s);
    expect(back.data).toEqual(TEXT);
    const empty = spec(stringDataType, [0, 4]);
    const e = await vlen("vlen-utf8", stringDataType, [0, 4]);
    const encoded = await e.encode(ndarray(stringDataType, [0, 4], []), empty);
    expect(Array.from(encoded)).toEqual([0, 0, 0, 0]);
    expect((await e.decode(encoded, empty)).data).toEqual([]);
  });

  it("round-trips byte strings, including empty ones and zero bytes", async () => {
    const items = [
      new Uint8Array(0),
      Uint8Array.of(0, 0, 0),
      Uint8Array.of(255, 1),
      new Uint8Array(70000).fill(7),
    ];
    const c = await vlen("vlen-bytes", bytesDataType, [items.length]);
    const s = spec(bytesDataType, [items.length]);
    const encoded = await c.encode(ndarray(bytesDataType, [items.length], items), s);
    expect(Buffer.from(encoded)).toEqual(Buffer.from(layout(items)));
    expect((await c.decode(encoded, s)).data).toEqual(items);
  });

  it("refuses corrupt chunks with CorruptChunk and never reads past them", async () => {
    const c = await vlen("vlen-utf8", stringDataType, [2]);
    const s = spec(stringDataType, [2]);
    const good = layout([Buffer.from("ab"), Buffer.from("c")]);
    const cases: [string, Uint8Array][] = [
      ["too short for the header", good.subarray(0, 3)],
      ["wrong count", layout([Buffer.from("ab")])],
      ["truncated element", good.subarray(0, good.length - 1)],
      ["trailing bytes", Buffer.concat([good, Buffer.of(0)])],
      ["huge length", Buffer.concat([u32(2), u32(0xfffffff0), Buffer.from("ab")])],
      ["invalid UTF-8", layout([Buffer.of(0xc3, 0x28), Buffer.from("c")])],
    ];
    for (const [why, bytes] of cases) {
      await expect((async () => c.decode(new Uint8Array(bytes), s))(), why).rejects.toSatisfy(
        (err) => isZarrkitError(err, "CorruptChunk"),
      );
    }
  });

  it("pairs each codec with its data type only", async () => {
    for (const [name, dataType] of [
      ["vlen-utf8", coreDataType("int32")!],
      ["vlen-utf8", bytesDataType],
      ["vlen-bytes", stringDataType],
      ["bytes", stringDataType],
    ] as const) {
      await expect(
        (async () =>
          registry
            .get("codec", name)
            .fromConfig(undefined, { registry, spec: spec(dataType, [2]) }))(),
        `${name} with ${dataType.name}`,
      ).rejects.toSatisfy((err) => isZarrkitError(err, "InvalidMetadata"));
    }
  });
});

const numcodecs = pythonWith("numcodecs", tensorstorePython());

describe.skipIf(numcodecs === undefined)("vlen codecs against Python numcodecs", () => {
  it("writes exactly numcodecs' VLenUTF8/VLenBytes bytes and decodes theirs", async () => {
    const items = TEXT.map((t) => new Uint8Array(Buffer.from(t, "utf8")));
    const script = `
import sys, json, base64, numpy as np, numcodecs
inp = json.load(sys.stdin)
text = np.array(inp["text"], dtype=object).reshape(len(inp["text"]) // 7, 7)
raw = np.array([base64.b64decode(b) for b in inp["raw"]] + [b""], dtype=object)[:-1]
out = {
  "utf8": base64.b64encode(numcodecs.VLenUTF8().encode(text)).decode(),
  "bytes": base64.b64encode(numcodecs.VLenBytes().encode(raw)).decode(),
  "ours_utf8": list(numcodecs.VLenUTF8().decode(base64.b64decode(inp["ours_utf8"]))),
}
print(json.dumps(out))`;
    const text = [...TEXT, ...TEXT.map((t) => `${t}!`)];
    const c = await vlen("vlen-utf8", stringDataType, [2, 7]);
    const s = spec(stringDataType, [2, 7]);
    const ours = await c.encode(ndarray(stringDataType, [2, 7], text), s);
    const result = JSON.parse(
      numcodecs!(
        script,
        JSON.stringify({
          text,
          raw: items.map((b) => Buffer.from(b).toString("base64")),
          ours_utf8: Buffer.from(ours).toString("base64"),
        }),
      ),
    );
    expect(result.ours_utf8).toEqual(text);
    expect(Buffer.from(ours).toString("base64")).toBe(result.utf8);
    expect((await c.decode(new Uint8Array(Buffer.from(result.utf8, "base64")), s)).data).toEqual(
      text,
    );
    const b = await vlen("vlen-bytes", bytesDataType, [items.length]);
    const bs = spec(bytesDataType, [items.length]);
    expect((await b.decode(new Uint8Array(Buffer.from(result.bytes, "base64")), bs)).data).toEqual(
      items,
    );
  });
});
