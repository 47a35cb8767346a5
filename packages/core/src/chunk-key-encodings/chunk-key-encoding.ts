import type { NamedConfig } from "../metadata/named-config.js";

/** Maps chunk grid coordinates to store keys (relative to the array's path). */
export interface ChunkKeyEncoding {
  readonly name: string;
  encode(coords: readonly number[]): string;
  /** The coordinates a key stands for, or undefined if it is not a chunk key of this encoding. */
  decode(key: string, rank: number): number[] | undefined;
  toConfig(): NamedConfig;
}
