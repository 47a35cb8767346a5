import type { StoreExtension } from "@zarrkit/core";
import { FetchStore } from "./fetch-store.js";

/** `http:` and `https:` locations: read-only. */
export const fetchStoreExtension: StoreExtension = {
  kind: "store",
  name: "http",
  schemes: ["http", "https"],
  open: (url) => new FetchStore(url),
};
