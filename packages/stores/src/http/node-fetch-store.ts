import type { StoreExtension } from "@zarrkit/core";
import { type FetchStoreOptions, FetchStore as PortableFetchStore } from "./fetch-store.js";
import { fetchStoreExtension } from "./fetch-store-extension.js";
import { nodeHttpTransport } from "./node-http-transport.js";

/**
 * FetchStore in Node: requests go through node:http (connections kept alive) unless a `fetch`
 * or a `transport` is given; versioned reads are on unless turned off (no CORS here).
 */
export class FetchStore extends PortableFetchStore {
  constructor(url: string | URL, options: FetchStoreOptions = {}) {
    super(url, {
      versionedReads: true,
      ...options,
      ...(options.fetch === undefined &&
        options.transport === undefined && { transport: nodeHttpTransport }),
    });
  }
}

/** `http:` and `https:` locations in Node: read-only, through node:http. */
export const nodeFetchStoreExtension: StoreExtension = {
  ...fetchStoreExtension,
  open: (url) => new FetchStore(url),
};
