import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "@zarrkit/core";
import { FileSystemStore } from "./filesystem/filesystem-store.js";
import { FetchStore } from "./http/fetch-store.js";
import { FetchStore as NodeFetchStore } from "./http/node-fetch-store.js";
import { startHttpServer } from "./testing/http-server.js";
import { describeReadableStoreContract } from "./testing/readable-store-contract.js";
import { ZipStore } from "./zip/zip-store.js";
import { ZipWriter } from "./zip/zip-writer.js";

// One read contract, every store.
async function fill(
  store: { set(key: string, value: Uint8Array): Promise<void> },
  files: ReadonlyMap<string, Uint8Array>,
) {
  for (const [key, value] of files) await store.set(key, value);
}

async function directory(files: ReadonlyMap<string, Uint8Array>) {
  const root = await mkdtemp(join(tmpdir(), "zarrkit-contract-"));
  await fill(new FileSystemStore(root), files);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

describeReadableStoreContract("MemoryStore", async (files) => {
  const store = new MemoryStore();
  await fill(store, files);
  return { store, teardown: async () => undefined };
});

describeReadableStoreContract("FileSystemStore (read-only)", async (files) => {
  const { root, remove } = await directory(files);
  return { store: new FileSystemStore(root, { readOnly: true }), teardown: remove };
});

describeReadableStoreContract("FetchStore", async (files) => {
  const { root, remove } = await directory(files);
  const server = await startHttpServer(root);
  return {
    store: new FetchStore(server.url),
    teardown: async () => {
      await server.close();
      await remove();
    },
  };
});

describeReadableStoreContract("FetchStore through node:http", async (files) => {
  const { root, remove } = await directory(files);
  const server = await startHttpServer(root);
  return {
    store: new NodeFetchStore(server.url),
    teardown: async () => {
      await server.close();
      await remove();
    },
  };
});

describeReadableStoreContract("ZipStore", async (files) => {
  const writer = new ZipWriter();
  await fill(writer, files);
  const source = new MemoryStore();
  await source.set("x.zip", writer.toZip());
  return { store: new ZipStore(source, "x.zip"), teardown: async () => undefined };
});

describeReadableStoreContract("ZipStore over HTTP", async (files) => {
  const writer = new ZipWriter();
  await fill(writer, files);
  const { root, remove } = await directory(new Map([["archive.zip", writer.toZip()]]));
  const server = await startHttpServer(root);
  return {
    store: new ZipStore(new FetchStore(server.url), "archive.zip"),
    teardown: async () => {
      await server.close();
      await remove();
    },
  };
});
