// Browser entry: no node:* imports may be reachable from here.
import type { Extension } from "@zarrkit/core";

/** The stores of this package that run in browsers. */
export const storesExtension: Extension = {
  name: "@zarrkit/stores",
  module: import.meta.url,
  stores: [],
};

export default storesExtension;
