import { CorruptChunkError, type SelectingDecoder, type StridedRuns } from "@zarrkit/core";
import type { NativeCodecs } from "@zarrkit/native";
import { nativeSelected, nativeSelectedMany } from "../../bytes-to-bytes/native-file-source.js";

/**
 * Copies the runs `from` selects of chunks stored as they are (`size` bytes each, the `bytes`
 * codec in memory order) into `to`, off the calling thread: from memory, from a local file
 * (only the bytes from the selection's first to its last are read, into memory the job
 * reuses), or from several slices of files in one job (whole chunk files, a shard's inner
 * chunks). Outcomes and slices as the bytes->bytes codecs' `decodeFileSelected*Into`. And
 * for chunks stored big-endian, `swapLanes` reverses the lanes of runs in place (decoded
 * chunks), off the calling thread. And `gatherMany` copies out chunks laid out alike (views of
 * the caller's array, to store), lanes reversed or not, in one job off the calling thread.
 */
export interface StoredRunsReader {
  swapLanes(runs: StridedRuns, lane: 2 | 4 | 8): Promise<void>;
  gatherMany(
    runs: StridedRuns,
    offsets: Float64Array,
    lane: 1 | 2 | 4 | 8,
  ): Promise<readonly [chunks: Uint8Array, sizes: readonly number[]]>;
  fromMemory: NonNullable<SelectingDecoder["decodeSelectedInto"]>;
  fromFile: NonNullable<SelectingDecoder["decodeFileSelectedInto"]>;
  fromFiles: NonNullable<SelectingDecoder["decodeFileSelectedManyInto"]>;
}

/** @zarrkit/native's copySelected and decodeFileSelectedMany ("copy") as a StoredRunsReader. */
export function nativeStoredRuns(native: NativeCodecs): StoredRunsReader {
  const { inMemory, fromFile } = nativeSelected(native, (source, size, from, to) =>
    native.copySelected(source, size, from, to),
  );
  const fromFiles = nativeSelectedMany(native, "copy");
  const corrupt = (err: unknown) => {
    const why = err instanceof Error ? err.message : String(err);
    return new CorruptChunkError(`codec "bytes": ${why}`, { cause: err });
  };
  return {
    swapLanes: (runs, lane) => native.swapLanes(runs, lane),
    gatherMany: (runs, offsets, lane) => native.gatherMany(runs, offsets, lane),
    fromMemory: async (bytes, size, from, to) => {
      try {
        await inMemory(bytes, size, from, to);
      } catch (err) {
        throw corrupt(err);
      }
    },
    fromFile: (file, size, from, to) => fromFile(file, size, from, to, corrupt),
    fromFiles: (paths, size, from, to, slices) => fromFiles(paths, size, from, to, slices, corrupt),
  };
}
