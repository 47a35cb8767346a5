import type { Extension } from "@zarrkit/core";

/** The sharding codec's bundle (empty until `sharding_indexed` lands). */
export const shardingExtension: Extension = {
  name: "@zarrkit/sharding",
  module: import.meta.url,
  codecs: [],
};

export default shardingExtension;
