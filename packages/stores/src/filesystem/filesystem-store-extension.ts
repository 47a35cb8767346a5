import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StoreExtension } from "@zarrkit/core";
import { FileSystemStore } from "./filesystem-store.js";

/** `file:` URLs (and, through the CLI's location parser, plain paths). */
export const fileSystemStoreExtension: StoreExtension = {
  kind: "store",
  name: "filesystem",
  schemes: ["file"],
  open: (url, options) =>
    new FileSystemStore(url.startsWith("file:") ? fileURLToPath(url) : url, {
      readOnly: !options.writable,
    }),
  async testInstance() {
    const root = await mkdtemp(join(tmpdir(), "zarrkit-fs-"));
    return {
      store: new FileSystemStore(root),
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
};
