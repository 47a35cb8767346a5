// Node entry: everything, including stores built on node:fs. Browsers get ./browser.js.
import type { Extension } from "@zarrkit/core";
import { fileSystemStoreExtension } from "./filesystem/filesystem-store-extension.js";
import { nodeFetchStoreExtension } from "./http/node-fetch-store.js";
import { s3StoreExtension } from "./s3/s3-store-extension.js";
import { zipStoreExtension } from "./zip/zip-store-extension.js";

export { FileSystemStore, type FileSystemStoreOptions } from "./filesystem/filesystem-store.js";
export { fileSystemStoreExtension } from "./filesystem/filesystem-store-extension.js";
export type { FetchStoreOptions } from "./http/fetch-store.js";
export type { HttpReply, HttpRequest, HttpTransport } from "./http/http-transport.js";
export {
  FetchStore,
  nodeFetchStoreExtension as fetchStoreExtension,
} from "./http/node-fetch-store.js";
export { nodeHttpTransport } from "./http/node-http-transport.js";
export { S3Store, type S3StoreOptions } from "./s3/s3-store.js";
export { s3StoreExtension } from "./s3/s3-store-extension.js";
export { CachingStore } from "./wrappers/caching-store.js";
export { type CoalescingOptions, CoalescingStore } from "./wrappers/coalescing-store.js";
export { ConsolidatedStore, writeConsolidatedMetadata } from "./wrappers/consolidated-store.js";
export { ZipStore } from "./zip/zip-store.js";
export { zipStoreExtension } from "./zip/zip-store-extension.js";
export { ZipWriter } from "./zip/zip-writer.js";

/** Every store of this package available on this platform, as one bundle to register. */
export const storesExtension: Extension = {
  name: "@zarrkit/stores",
  module: import.meta.url,
  stores: [fileSystemStoreExtension, nodeFetchStoreExtension, zipStoreExtension, s3StoreExtension],
};

export default storesExtension;
