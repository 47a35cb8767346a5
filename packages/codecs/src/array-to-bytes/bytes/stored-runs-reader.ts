import {
  CorruptChunkError,
  type FileDecodeOutcome,
  type FileSlice,
  type RunLayout,
  type StridedRuns,
} from "@zarrkit/core";
import type { NativeCodecs } from "@zarrkit/native";
import { nativeSelected } from "../../bytes-to-bytes/native-file-source.js";

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
  const { fromFile } = nativeSelected(native, (source, size, from, to) =>
    native.copySelected(source, size, from, to),
  );
  return (file, size, from, to) =>
    fromFile(file, size, from, to, (err) => {
      const why = err instanceof Error ? err.message : String(err);
      return new CorruptChunkError(`codec "bytes": ${why}`, { cause: err });
    });
}
