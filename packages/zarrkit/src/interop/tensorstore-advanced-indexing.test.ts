import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonWith, tensorstorePython } from "@zarrkit/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemStore, type NamedConfigJson, openArray } from "../index.js";

// Orthogonal and point selections against tensorstore's `.oindex` and `.vindex`: tensorstore
// writes a sharded array, zarrkit reads selections of it; zarrkit writes points and positions
// into it, tensorstore reads it all back.
const ts = pythonWith("tensorstore", tensorstorePython());
const dir = mkdtempSync(join(tmpdir(), "zarrkit-ts-oindex-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHAPE = [40, 36];
const CODECS: NamedConfigJson[] = [
  {
    name: "sharding_indexed",
    configuration: {
      chunk_shape: [5, 6],
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 3, checksum: false } },
      ],
      index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
      index_location: "end",
    },
  },
];
const ROWS = [39, 0, 7, 7, -2, 21];
const COLS = [5, 35, 0, 18, 17];
const POINTS = [
  [0, 39, 12, 12, 33, -1],
  [0, 35, 7, 8, 20, -36],
];
// tensorstore's domains start at 0 and do not wrap negative positions: it gets them counted.
const wrap = (list: number[], n: number) => list.map((x) => (x < 0 ? x + n : x));

const SCRIPT = `
import json, sys, numpy as np, tensorstore as ts
job = json.load(sys.stdin)
spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": job["path"]}}
if job["op"] == "write":
    a = ts.open({**spec, "metadata": {"shape": job["shape"], "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [20, 18]}},
        "codecs": job["codecs"], "fill_value": -1}}, create=True, delete_existing=True).result()
    # Inner chunks of one shard left unwritten: they read as the fill value.
    values = np.arange(np.prod(job["shape"]), dtype=np.float64).reshape(job["shape"]) / 4
    a[:, :30].write(values[:, :30]).result()
    print(json.dumps({
        "oindex": a.oindex[np.array(job["rows"]), np.array(job["cols"])].read().result().ravel().tolist(),
        "vindex": a.vindex[tuple(np.array(c) for c in job["points"])].read().result().ravel().tolist(),
    }))
else:
    print(json.dumps(ts.open(spec).result().read().result().ravel().tolist()))
`;

describe.skipIf(ts === undefined)("orthogonal and point selections with tensorstore", () => {
  it("reads tensorstore's sharded array as .oindex and .vindex do, and writes what it reads back", async () => {
    const path = join(dir, "a.zarr");
    const fromTs = JSON.parse(
      ts!(
        SCRIPT,
        JSON.stringify({
          op: "write",
          path,
          shape: SHAPE,
          codecs: CODECS,
          rows: wrap(ROWS, SHAPE[0]!),
          cols: wrap(COLS, SHAPE[1]!),
          points: POINTS.map((p, d) => wrap(p, SHAPE[d]!)),
        }),
      ),
    );
    const array = await openArray(new FileSystemStore(path), "", { dataType: "float64" });
    expect(Array.from((await array.getOrthogonal([ROWS, COLS])).data)).toEqual(fromTs.oindex);
    expect(Array.from((await array.getCoordinates(POINTS)).data)).toEqual(fromTs.vindex);

    // The same writes on a model of the array (plain JS), and through zarrkit.
    const model = Array.from((await array.get()).data);
    const at = (i: number, j: number) => (((i % 40) + 40) % 40) * 36 + (((j % 36) + 36) % 36);
    await array.setCoordinates(
      POINTS,
      Float64Array.from(POINTS[0]!, (_, k) => 1000 + k),
    );
    POINTS[0]!.forEach((i, k) => {
      model[at(i, POINTS[1]![k]!)] = 1000 + k;
    });
    const rows = [3, 38, 17];
    const cols = [35, 2, 31];
    await array.setOrthogonal(
      [rows, cols],
      Float64Array.from({ length: 9 }, (_, k) => -k),
    );
    rows.forEach((i, r) => {
      cols.forEach((j, c) => {
        model[at(i, j)] = -(r * 3 + c);
      });
    });
    const mask = Array.from({ length: 40 * 36 }, (_, k) => k % 97 === 5);
    await array.setMask(mask, 0.5);
    mask.forEach((on, k) => {
      if (on) model[k] = 0.5;
    });
    expect(JSON.parse(ts!(SCRIPT, JSON.stringify({ op: "read", path })))).toEqual(model);
    // And zarrkit reopening it agrees.
    const reopened = await openArray(new FileSystemStore(path), "", { dataType: "float64" });
    expect(Array.from((await reopened.get()).data)).toEqual(model);
  });
});
