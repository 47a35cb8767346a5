import type { ChunkKeyEncodingExtension } from "../registry/extension.js";
import type { ChunkKeyEncoding } from "./chunk-key-encoding.js";
import { parseCoords, parseSeparator, type Separator } from "./separator.js";

/** v3 `default`: "c" then the coordinates, all joined by the separator ("c" alone for 0-d). */
export function defaultChunkKeyEncoding(separator: Separator = "/"): ChunkKeyEncoding {
  return {
    name: "default",
    encode: (coords) => ["c", ...coords].join(separator),
    decode(key, rank) {
      const parts = key.split(separator);
      if (parts[0] !== "c") return undefined;
      return parseCoords(parts.slice(1), rank);
    },
    toConfig: () => ({ name: "default", configuration: { separator } }),
  };
}

export const defaultChunkKeyEncodingExtension: ChunkKeyEncodingExtension = {
  kind: "chunk-key-encoding",
  name: "default",
  fromConfig: (configuration) =>
    defaultChunkKeyEncoding(parseSeparator("default", configuration, "/")),
  samples: [{ separator: "/" }, { separator: "." }],
};
