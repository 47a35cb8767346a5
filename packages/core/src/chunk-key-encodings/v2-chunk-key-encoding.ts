import type { ChunkKeyEncodingExtension } from "../registry/extension.js";
import type { ChunkKeyEncoding } from "./chunk-key-encoding.js";
import { parseCoords, parseSeparator, type Separator } from "./separator.js";

/** v3 `v2`: the coordinates joined by the separator, "0" for 0-d arrays (Zarr v2's layout). */
export function v2ChunkKeyEncoding(separator: Separator = "."): ChunkKeyEncoding {
  return {
    name: "v2",
    encode: (coords) => (coords.length === 0 ? "0" : coords.join(separator)),
    decode: (key, rank) =>
      rank === 0 ? (key === "0" ? [] : undefined) : parseCoords(key.split(separator), rank),
    toConfig: () => ({ name: "v2", configuration: { separator } }),
  };
}

export const v2ChunkKeyEncodingExtension: ChunkKeyEncodingExtension = {
  kind: "chunk-key-encoding",
  name: "v2",
  fromConfig: (configuration) => v2ChunkKeyEncoding(parseSeparator("v2", configuration, ".")),
  samples: [{ separator: "." }, { separator: "/" }],
};
