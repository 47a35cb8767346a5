// Browser entry: no node:* imports may be reachable from here.
import type { Extension } from "@zarrkit/core";
import { fetchStoreExtension } from "./http/fetch-store-extension.js";

export { FetchStore, type FetchStoreOptions } from "./http/fetch-store.js";
export { fetchStoreExtension } from "./http/fetch-store-extension.js";
export type { HttpReply, HttpRequest, HttpTransport } from "./http/http-transport.js";
export { CachingStore } from "./wrappers/caching-store.js";
export { type CoalescingOptions, CoalescingStore } from "./wrappers/coalescing-store.js";
export { ConsolidatedStore, writeConsolidatedMetadata } from "./wrappers/consolidated-store.js";
export { ZipStore } from "./zip/zip-store.js";
export { ZipWriter } from "./zip/zip-writer.js";

/** The stores of this package that run in browsers. */
export const storesExtension: Extension = {
  name: "@zarrkit/stores",
  module: import.meta.url,
  stores: [fetchStoreExtension],
};

export default storesExtension;
