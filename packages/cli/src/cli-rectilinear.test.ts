import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createArray, type ElementArray, FileSystemStore, openArray, typedArrayOf } from "zarrkit";
import { runCli } from "./test-support/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "zarrkit-cli-rect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const numbers = (data: ElementArray) => Array.from(typedArrayOf(data), Number);

const GRID = {
  name: "rectilinear",
  configuration: { kind: "inline", chunk_shapes: [[3, [2, 2], 3], 4] },
};

describe("the CLI on a rectilinear grid", () => {
  it("shows the grid, copies it as it is, or into regular chunks with --chunks", async () => {
    const src = join(dir, "src.zarr");
    const array = await createArray(new FileSystemStore(src), "", {
      shape: [10, 7],
      chunkGrid: GRID,
      dataType: "int32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 1, checksum: false } },
      ],
    });
    const values = Int32Array.from({ length: 70 }, (_, i) => i * 3 - 50);
    await array.set(":", values);

    const info = await runCli("info", src);
    expect(info.status).toBe(0);
    expect(info.stdout).toContain(
      'chunk grid  {"name":"rectilinear","configuration":{"kind":"inline","chunk_shapes":[[3,[2,2],3],4]}}',
    );
    expect((await runCli("tree", src)).stdout).toContain("chunk grid rectilinear [bytes -> zstd]");

    const same = join(dir, "same.zarr");
    expect((await runCli("cp", src, same)).status).toBe(0);
    const copied = JSON.parse(readFileSync(join(same, "zarr.json"), "utf8"));
    expect(copied.chunk_grid).toEqual(GRID);
    expect(numbers((await (await openArray(new FileSystemStore(same))).get()).data)).toEqual(
      Array.from(values),
    );

    const regular = join(dir, "regular.zarr");
    expect((await runCli("cp", src, regular, "--chunks", "5,5")).status).toBe(0);
    const doc = JSON.parse(readFileSync(join(regular, "zarr.json"), "utf8"));
    expect(doc.chunk_grid).toEqual({ name: "regular", configuration: { chunk_shape: [5, 5] } });
    expect(numbers((await (await openArray(new FileSystemStore(regular))).get()).data)).toEqual(
      Array.from(values),
    );
  });
});
