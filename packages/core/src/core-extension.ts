import { rectilinearChunkGridExtension } from "./chunk-grids/rectilinear-chunk-grid.js";
import { regularChunkGridExtension } from "./chunk-grids/regular-chunk-grid.js";
import { defaultChunkKeyEncodingExtension } from "./chunk-key-encodings/default-chunk-key-encoding.js";
import { v2ChunkKeyEncodingExtension } from "./chunk-key-encodings/v2-chunk-key-encoding.js";
import { coreDataTypeExtensions } from "./data-types/data-type-extensions.js";
import type { Extension } from "./registry/extension.js";

/**
 * Core's own extensions — the v3 core data types (and zarr-extensions' others), the `regular`
 * and `rectilinear` grids and the `default` and `v2` chunk-key encodings — registered like
 * anybody else's.
 */
export const coreExtension: Extension = {
  name: "@zarrkit/core",
  module: import.meta.url,
  dataTypes: coreDataTypeExtensions,
  chunkGrids: [regularChunkGridExtension, rectilinearChunkGridExtension],
  chunkKeyEncodings: [defaultChunkKeyEncodingExtension, v2ChunkKeyEncodingExtension],
};
