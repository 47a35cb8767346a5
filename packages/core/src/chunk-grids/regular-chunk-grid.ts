import { InvalidMetadataError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import type { ChunkGridExtension } from "../registry/extension.js";
import type { ChunkGrid, ChunkGridDimension } from "./chunk-grid.js";

/** The v3 `regular` grid: every chunk has `chunk_shape`; edge chunks are stored whole. */
export function regularChunkGrid(
  arrayShape: readonly number[],
  chunkShape: readonly number[],
): ChunkGrid {
  const dimensions: ChunkGridDimension[] = chunkShape.map((size, d) => ({
    chunkCount: Math.ceil(arrayShape[d]! / size),
    chunkStart: (i) => i * size,
    chunkSize: () => size,
    chunkIndexOf: (x) => Math.floor(x / size),
    chunkSizes: () => [size],
  }));
  return {
    name: "regular",
    dimensions,
    regularChunkShape: [...chunkShape],
    toConfig: () => ({ name: "regular", configuration: { chunk_shape: [...chunkShape] } }),
  };
}

export const regularChunkGridExtension: ChunkGridExtension = {
  kind: "chunk-grid",
  name: "regular",
  fromConfig(configuration: JsonObject | undefined, arrayShape: readonly number[]): ChunkGrid {
    const chunkShape = configuration?.chunk_shape;
    if (!Array.isArray(chunkShape)) {
      throw new InvalidMetadataError(
        `chunk_grid "regular": configuration.chunk_shape must be an array, got ${describe(chunkShape)}`,
      );
    }
    if (chunkShape.length !== arrayShape.length) {
      throw new InvalidMetadataError(
        `chunk_grid "regular": chunk_shape has ${chunkShape.length} dimensions but the array has ${arrayShape.length}`,
      );
    }
    const sizes = chunkShape.map((size, d) => {
      if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) {
        throw new InvalidMetadataError(
          `chunk_grid "regular": chunk_shape[${d}] must be a positive integer, got ${describe(size)}`,
        );
      }
      return size;
    });
    const extra = Object.keys(configuration ?? {}).filter((k) => k !== "chunk_shape");
    if (extra.length > 0)
      throw new InvalidMetadataError(
        `chunk_grid "regular": unknown configuration field(s) ${extra.join(", ")}`,
      );
    return regularChunkGrid(arrayShape, sizes);
  },
  samples: [{ chunk_shape: [2, 3] }],
};
