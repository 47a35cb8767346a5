import type { Extension } from "@zarrkit/core";
import { shardingCodecExtension } from "./sharding/sharding-codec.js";

export { EMPTY, ShardIndex } from "./sharding/shard-index.js";
export {
  type IndexLocation,
  innerCoords,
  ShardingCodec,
  shardingCodecExtension,
} from "./sharding/sharding-codec.js";

/** The sharding codec's bundle. */
export const shardingExtension: Extension = {
  name: "@zarrkit/sharding",
  module: import.meta.url,
  codecs: [shardingCodecExtension],
};

export default shardingExtension;
