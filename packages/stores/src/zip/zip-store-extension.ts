import { basename, dirname, resolve } from "node:path";
import type { StoreExtension } from "@zarrkit/core";
import { FileSystemStore } from "../filesystem/filesystem-store.js";
import { FetchStore } from "../http/node-fetch-store.js";
import { ZipStore } from "./zip-store.js";

/**
 * `zip:ARCHIVE#inner/path` locations, where ARCHIVE is a filesystem path or an http(s) URL.
 * Read-only: write archives with ZipWriter.
 */
export const zipStoreExtension: StoreExtension = {
  kind: "store",
  name: "zip",
  schemes: ["zip"],
  open(url) {
    const rest = url.replace(/^zip:/, "");
    const hash = rest.indexOf("#");
    const archive = hash === -1 ? rest : rest.slice(0, hash);
    const prefix = hash === -1 ? "" : decodeURIComponent(rest.slice(hash + 1));
    if (/^https?:/i.test(archive)) {
      const at = new URL(archive);
      const name = decodeURIComponent(at.pathname.slice(at.pathname.lastIndexOf("/") + 1));
      return new ZipStore(new FetchStore(new URL(".", at)), name, { prefix });
    }
    const path = resolve(archive.startsWith("file:") ? new URL(archive).pathname : archive);
    return new ZipStore(new FileSystemStore(dirname(path), { readOnly: true }), basename(path), {
      prefix,
    });
  },
};
