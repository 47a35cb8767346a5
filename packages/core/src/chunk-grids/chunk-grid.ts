import type { NamedConfig } from "../metadata/named-config.js";

/** How one dimension of the array is cut into chunks. */
export interface ChunkGridDimension {
  /** Number of chunks along this dimension. */
  readonly chunkCount: number;
  /** First array index covered by chunk `i`. */
  chunkStart(i: number): number;
  /** Size of chunk `i` as stored (edge chunks of a regular grid are stored whole). */
  chunkSize(i: number): number;
  /** The chunk holding array index `x`. */
  chunkIndexOf(x: number): number;
  /** The distinct sizes of the chunks that hold part of the array (at least one). */
  chunkSizes(): readonly number[];
}

export interface ChunkGrid {
  readonly name: string;
  readonly dimensions: readonly ChunkGridDimension[];
  /** The chunk shape when every chunk has the same one (regular grids). */
  readonly regularChunkShape: readonly number[] | undefined;
  toConfig(): NamedConfig;
}
