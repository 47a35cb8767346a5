import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonWith, zarrPython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  createArray,
  createGroup,
  deleteNode,
  FileSystemStore,
  isZarrkitError,
  MemoryStore,
  ndarray,
  open,
  openArray,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "zarrkit-append-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zarr = pythonWith("zarr", zarrPython());

/** `a` (shape `sa`) and `b` (shape `sb`) joined along `axis`, element by element in C order. */
function concatenate(a: number[], sa: number[], b: number[], sb: number[], axis: number): number[] {
  const shape = sa.map((n, d) => (d === axis ? n + sb[d]! : n));
  const out: number[] = [];
  const count = shape.reduce((x, y) => x * y, 1);
  for (let flat = 0; flat < count; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    const fromB = index[axis]! >= sa[axis]!;
    const [src, s] = fromB ? [b, sb] : [a, sa];
    const at = index.map((i, d) => (d === axis && fromB ? i - sa[axis]! : i));
    out.push(src[at.reduce((o, i, d) => o * s[d]! + i, 0)]!);
  }
  return out;
}

describe("append", () => {
  it("grows along any axis and writes the value there, across chunk edges", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "a", {
      shape: [3, 5],
      chunkShape: [2, 3],
      dataType: "int32",
    });
    let values = Array.from({ length: 15 }, (_, i) => i);
    let shape = [3, 5];
    await a.set(null, Int32Array.from(values));
    const rows = Array.from({ length: 10 }, (_, i) => 100 + i);
    expect(await a.append(Int32Array.from(rows))).toEqual([5, 5]);
    values = concatenate(values, shape, rows, [2, 5], 0);
    shape = [5, 5];
    const cols = ndarray(a.dataType, [5, 1], Int32Array.of(-1, -2, -3, -4, -5));
    expect(await a.append(cols, { axis: -1 })).toEqual([5, 6]);
    values = concatenate(values, shape, [-1, -2, -3, -4, -5], [5, 1], 1);
    const back = await openArray(store, "a", { dataType: "int32" });
    expect(back.shape).toEqual([5, 6]);
    expect(Array.from((await back.get()).data)).toEqual(values);
  });

  it.skipIf(zarr === undefined)("appends to a v2 array as zarr-python reads it", async () => {
    const path = join(dir, "v2.zarr");
    const a = await createArray(new FileSystemStore(path), "", {
      zarrFormat: 2,
      shape: [4, 3],
      chunkShape: [3, 2],
      dataType: "float64",
    });
    await a.set(
      null,
      Float64Array.from({ length: 12 }, (_, i) => i / 2),
    );
    await a.append(
      Float64Array.from({ length: 6 }, (_, i) => -i),
      { axis: 0 },
    );
    const read = JSON.parse(
      zarr!(`import zarr, json; z = zarr.open(${JSON.stringify(path)}, mode="r")
print(json.dumps({"shape": list(z.shape), "data": z[:].ravel().tolist()}))`),
    );
    expect(read.shape).toEqual([6, 3]);
    expect(read.data).toEqual([
      ...Array.from({ length: 12 }, (_, i) => i / 2),
      ...Array.from({ length: 6 }, (_, i) => -i),
    ]);
  });

  it("refuses values that do not fit, changing nothing", async () => {
    const store = new MemoryStore();
    const a = await createArray(store, "", {
      shape: [2, 3],
      chunkShape: [2, 2],
      dataType: "uint8",
    });
    await a.set(null, 7);
    const before = new Map(store.map);
    const refused = async (p: Promise<unknown>, text: RegExp) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isZarrkitError(err, "InvalidValue"), String(err)).toBe(true);
      expect(String(err)).toMatch(text);
    };
    await refused(a.append(new Uint8Array(4)), /4 elements do not fill whole slices of \[\*,3\]/);
    await refused(a.append(ndarray(a.dataType, [1, 2])), /shape \[1,2\] does not fit \[2,3\]/);
    await refused(a.append(new Uint8Array(3), { axis: 2 }), /axis 2/);
    expect(store.map).toEqual(before);
    expect(a.shape).toEqual([2, 3]);
  });
});

describe("deleteNode", () => {
  it("deletes an array or a group with everything below it, and nothing beside it", async () => {
    const store = new FileSystemStore(join(dir, "tree.zarr"));
    await createGroup(store, "");
    await createGroup(store, "g");
    const kept = await createArray(store, "kept", {
      shape: [4],
      chunkShape: [2],
      dataType: "int8",
    });
    await kept.set(null, 1);
    const inner = await createArray(store, "g/x", {
      shape: [4],
      chunkShape: [2],
      dataType: "int8",
    });
    await inner.set(null, 2);
    const v2 = await createArray(store, "g/old", {
      zarrFormat: 2,
      shape: [3],
      chunkShape: [2],
      dataType: "int16",
      attributes: { a: 1 },
    });
    await v2.set(null, 3);
    await deleteNode(store, "g/x");
    await expect(open(store, "g/x")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "NodeNotFound"),
    );
    expect((await openArray(store, "g/old")).shape).toEqual([3]);
    await deleteNode(store, "g");
    const left: string[] = [];
    for await (const key of store.list("")) left.push(key);
    expect(left.sort()).toEqual(["kept/c/0", "kept/c/1", "kept/zarr.json", "zarr.json"]);
    expect(
      Array.from((await (await openArray(store, "kept", { dataType: "int8" })).get()).data),
    ).toEqual([1, 1, 1, 1]);
    await expect(deleteNode(store, "g")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "NodeNotFound"),
    );
    await deleteNode(join(dir, "tree.zarr"));
    const none: string[] = [];
    for await (const key of store.list("")) none.push(key);
    expect(none).toEqual([]);
  });

  it("deletes chunks first and metadata last, deepest first", async () => {
    const store = new MemoryStore();
    await createGroup(store, "g");
    const a = await createArray(store, "g/a", { shape: [4], chunkShape: [1], dataType: "int8" });
    await a.set(null, 5);
    const order: string[] = [];
    const remove = store.delete.bind(store);
    store.delete = async (key: string) => {
      order.push(key);
      return remove(key);
    };
    await deleteNode(store, "g");
    expect(order.slice(0, 4).sort()).toEqual(["g/a/c/0", "g/a/c/1", "g/a/c/2", "g/a/c/3"]);
    expect(order.slice(4)).toEqual(["g/a/zarr.json", "g/zarr.json"]);
  });

  it("needs a store that lists and writes", async () => {
    const store = new MemoryStore();
    await createGroup(store, "");
    const readOnly = { get: store.get.bind(store) };
    await expect(deleteNode(readOnly, "")).rejects.toSatisfy((e: unknown) =>
      isZarrkitError(e, "UnsupportedFeature"),
    );
  });
});
