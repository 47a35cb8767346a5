import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpServer } from "@zarrkit/stores/testing";
import { describe, expect, it } from "vitest";
import {
  ConsolidatedStore,
  createArray,
  createGroup,
  FetchStore,
  FileSystemStore,
  isZarrkitError,
  openArray,
  openGroup,
  writeConsolidatedMetadata,
} from "./index.js";

describe("v3 inline consolidated metadata", () => {
  it("opens a whole hierarchy over HTTP with one metadata request, children included", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-consolidated-"));
    const server = await startHttpServer(root);
    try {
      const files = new FileSystemStore(root);
      await createGroup(files, "", { attributes: { title: "t" } });
      await createGroup(files, "g");
      const a = await createArray(files, "g/a", { shape: [4], chunkShape: [2], dataType: "int8" });
      await a.set(null, Int8Array.of(1, 2, 3, 4));
      await createArray(files, "b", { shape: [2], chunkShape: [2], dataType: "float32" });
      await writeConsolidatedMetadata(files);

      const before = server.requests.length;
      const store = await ConsolidatedStore.open(new FetchStore(server.url));
      expect(store).toBeDefined();
      const top = await openGroup(store!);
      expect(top.attributes).toEqual({ title: "t" });
      expect(await top.children()).toEqual([
        { name: "b", kind: "array" },
        { name: "g", kind: "group" },
      ]);
      const g = await openGroup(store!, "g");
      expect(await g.children()).toEqual([{ name: "a", kind: "array" }]);
      const arr = await openArray(store!, "g/a", { dataType: "int8" });
      expect(Array.from((await arr.get()).data)).toEqual([1, 2, 3, 4]);
      const metadataRequests = server.requests
        .slice(before)
        .filter((r) => r.path.endsWith("zarr.json"));
      expect(metadataRequests.map((r) => r.path)).toEqual(["/zarr.json"]);
      // Location strings work in the API too: a URL and plain paths (read-only by default).
      const viaUrl = await openArray(`${server.url}g/a`, "", { dataType: "int8" });
      expect(Array.from((await viaUrl.get()).data)).toEqual([1, 2, 3, 4]);
      expect((await openGroup(join(root, "g"))).attributes).toEqual({});
      const viaPath = await openArray(root, "g/a", { dataType: "int8" });
      expect(Array.from((await viaPath.get("::-1")).data)).toEqual([4, 3, 2, 1]);
      // Opened for reading through the consolidated view, which has no write side.
      await expect(viaPath.set(null, 0)).rejects.toSatisfy((e: unknown) =>
        isZarrkitError(e, "UnsupportedFeature"),
      );
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reads the form zarr-python 3 writes", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-consolidated-"));
    try {
      const files = new FileSystemStore(root);
      // As documented for zarr-python 3: the root group carries every node's document.
      const doc = {
        zarr_format: 3,
        node_type: "group",
        attributes: {},
        consolidated_metadata: {
          kind: "inline",
          must_understand: false,
          metadata: {
            x: {
              zarr_format: 3,
              node_type: "array",
              shape: [2],
              data_type: "uint8",
              chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
              chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
              fill_value: 7,
              codecs: [{ name: "bytes" }],
              attributes: {},
              storage_transformers: [],
            },
          },
        },
      };
      await files.set("zarr.json", new TextEncoder().encode(JSON.stringify(doc)));
      const store = await ConsolidatedStore.open(files);
      const x = await openArray(store!, "x", { dataType: "uint8" });
      expect(Array.from((await x.get()).data)).toEqual([7, 7]);
      expect(
        await ConsolidatedStore.open(new FileSystemStore(join(root, "nowhere"))),
      ).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
