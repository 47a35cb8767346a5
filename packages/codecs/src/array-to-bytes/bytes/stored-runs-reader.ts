import {
  CorruptChunkError,
  type FileDecodeOutcome,
  type FileSlice,
  type RunLayout,
  type StridedRuns,
  stridedRunsLength,
} from "@zarrkit/core";
import type { NativeCodecs } from "@zarrkit/native";
import { decodeFromFile } from "../../bytes-to-bytes/native-file-source.js";

/**
 * Copies the runs `from` selects of a chunk stored as it is (`size` bytes, the `bytes` codec in
 * memory order) from its local file into `to`, in one job off the calling thread: only the
 * bytes from the selection's first to its last are read, into memory the job reuses.
 */
export type StoredRunsReader = (
  file: FileSlice,
  size: number,
  from: RunLayout,
  to: StridedRuns,
) => Promise<FileDecodeOutcome>;

/** @zarrkit/native's copySelected as a StoredRunsReader. */
export function nativeStoredRuns(native: NativeCodecs): StoredRunsReader {
  return (file, size, from, to) =>
    decodeFromFile(
      native,
      stridedRunsLength(to),
      () => native.copySelected(file, size, from, to),
      (err) =>
        new CorruptChunkError(`codec "bytes": ${err instanceof Error ? err.message : err}`, {
          cause: err,
        }),
    );
}
