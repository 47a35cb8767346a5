import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpServer } from "@zarrkit/stores/testing";
import { describe, expect, it } from "vitest";
import {
  createArray,
  createDefaultContext,
  FetchStore,
  FileSystemStore,
  isZarrkitError,
  openArray,
} from "./index.js";

describe("arrays over a faulty HTTP server", () => {
  it("read the right values after retries, or fail with StoreError; never fill values for stored chunks", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-faults-"));
    const server = await startHttpServer(root);
    try {
      const files = new FileSystemStore(root);
      const a = await createArray(files, "a", {
        shape: [6, 6],
        chunkShape: [2, 3],
        dataType: "int32",
        fillValue: -1,
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "gzip", configuration: { level: 1 } },
        ],
      });
      const values = Int32Array.from({ length: 36 }, (_, i) => i);
      await a.set(null, values);

      server.mode = "faulty";
      const remote = await openArray(new FetchStore(server.url, { retryDelayMs: 1 }), "a", {
        dataType: "int32",
      });
      expect(Array.from((await remote.get()).data)).toEqual(Array.from(values));

      server.mode = "broken";
      const broken = await openArray(
        new FetchStore(server.url, { retryDelayMs: 1, retries: 1 }),
        "a",
        { dataType: "int32" },
      ).catch((e: unknown) => e);
      // Metadata fails first: a StoreError, not "no such node".
      expect(isZarrkitError(broken, "StoreError")).toBe(true);
      server.mode = "normal";
      const later = await openArray(
        new FetchStore(server.url, { retryDelayMs: 1, retries: 1 }),
        "a",
        { dataType: "int32" },
      );
      server.mode = "broken";
      await expect(later.get()).rejects.toSatisfy(
        (e: unknown) => isZarrkitError(e, "StoreError") && e.key !== undefined,
      );
    } finally {
      server.mode = "normal";
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("arrays over HTTP", () => {
  it("read chunks' bodies into a few recycled buffers, each value right", async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-lent-"));
    const server = await startHttpServer(root);
    try {
      // 64 zstd chunks of 4x4 int32 (their sizes vary), read 4 at a time.
      const a = await createArray(new FileSystemStore(root), "", {
        shape: [32, 32],
        chunkShape: [4, 4],
        dataType: "int32",
        codecs: [
          { name: "bytes", configuration: { endian: "little" } },
          { name: "zstd", configuration: { level: 1, checksum: false } },
        ],
      });
      const values = Int32Array.from({ length: 32 * 32 }, (_, i) => (i * 2654435761) % 1000);
      await a.set(null, values);
      const buffers = new Set<ArrayBufferLike>();
      class Lending extends FetchStore {
        override getWith(...[key, lend, options]: Parameters<FetchStore["getWith"]>) {
          return super.getWith(
            key,
            (size) => {
              const view = lend(size);
              buffers.add(view.buffer);
              return view;
            },
            options,
          );
        }
      }
      const remote = await openArray(new Lending(server.url), "", {
        dataType: "int32",
        context: createDefaultContext({ concurrency: 4 }),
      });
      expect(Array.from((await remote.get()).data)).toEqual(Array.from(values));
      expect(buffers.size).toBeGreaterThan(0);
      expect(buffers.size).toBeLessThan(16);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
