import { type FileDecodeOutcome, type FileSlice, type RunLayout, StoreError } from "@zarrkit/core";
import type { EncodedSource, NativeCodecs } from "@zarrkit/native";
import { type ByteRuns, byteLength } from "./byte-runs.js";

/** What `from` selects of a frame's content (`size` bytes) into `to`, off the calling thread. */
export type SelectedDecode = (
  bytes: Uint8Array,
  size: number,
  from: RunLayout,
  to: ByteRuns,
) => Promise<void>;

/** A SelectedDecode of a frame the same job reads from `file`, errors left to `corrupt`. */
export type FileSelectedDecode = (
  file: FileSlice,
  size: number,
  from: RunLayout,
  to: ByteRuns,
  corrupt: (err: unknown) => Error,
) => Promise<FileDecodeOutcome>;

/**
 * A native `*Selected` decoder as a backend's two: from memory (checked to fill the whole
 * selection) and from a file (see decodeFromFile).
 */
export function nativeSelected(
  native: NativeCodecs,
  decode: (source: EncodedSource, size: number, from: RunLayout, to: ByteRuns) => Promise<number>,
): { inMemory: SelectedDecode; fromFile: FileSelectedDecode } {
  return {
    async inMemory(bytes, size, from, to) {
      const selected = byteLength(to);
      const written = await decode(bytes, size, from, to);
      if (written !== selected)
        throw new RangeError(`${written} bytes decoded of the ${selected} selected`);
    },
    fromFile: (file, size, from, to, corrupt) =>
      decodeFromFile(native, byteLength(to), () => decode(file, size, from, to), corrupt),
  };
}

/**
 * Runs a native `*Selected` decode whose source is a file: its answer as an outcome, a file the
 * job could not read (its error carries `syscall`) as StoreError, and any other failure (the
 * data) through `corrupt`.
 */
export async function decodeFromFile(
  native: NativeCodecs,
  expected: number,
  decode: () => Promise<number>,
  corrupt: (err: unknown) => Error,
): Promise<FileDecodeOutcome> {
  let written: number;
  try {
    written = await decode();
  } catch (err) {
    if (err instanceof Error && "syscall" in err && typeof err.syscall === "string")
      throw new StoreError(err.message, { cause: err });
    throw corrupt(err);
  }
  if (written === native.MISSING_FILE) return "missing";
  if (written === native.NEEDS_FALLBACK) return "unsupported";
  if (written !== expected) throw corrupt(new Error(`${written} bytes decoded of ${expected}`));
  return "decoded";
}
