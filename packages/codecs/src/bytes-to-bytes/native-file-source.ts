import {
  type FileDecodeOutcome,
  type FileSlice,
  type RunLayout,
  StoreError,
  type StridedRuns,
} from "@zarrkit/core";
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

/** Several slices of files decoded in one job (see decodeFileSelectedManyInto). */
export type FileSelectedManyDecode = (
  paths: readonly string[],
  size: number,
  from: RunLayout,
  to: StridedRuns,
  slices: Float64Array,
  corrupt: (err: unknown) => Error,
) => Promise<readonly FileDecodeOutcome[]>;

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
    throw fileJobError(err, corrupt);
  }
  return sliceOutcome(native, written, expected, corrupt);
}

/**
 * The addon's decodeFileSelectedMany for `codec` as a backend's FileSelectedManyDecode:
 * errors and each slice's answer as decodeFromFile's.
 */
export function nativeSelectedMany(
  native: NativeCodecs,
  codec: Parameters<NativeCodecs["decodeFileSelectedMany"]>[0],
): FileSelectedManyDecode {
  return async (paths, size, from, to, slices, corrupt) => {
    let written: number[];
    try {
      written = await native.decodeFileSelectedMany(codec, paths, size, from, to, slices);
    } catch (err) {
      throw fileJobError(err, corrupt);
    }
    const expected = byteLength(to);
    return written.map((n) => sliceOutcome(native, n, expected, corrupt));
  };
}

/** A file the job could not read (its error carries `syscall`) as StoreError, else `corrupt`. */
function fileJobError(err: unknown, corrupt: (err: unknown) => Error): Error {
  if (err instanceof Error && "syscall" in err && typeof err.syscall === "string")
    return new StoreError(err.message, { cause: err });
  return corrupt(err);
}

/** What a decode of one slice that wrote `written` bytes of `expected` came to. */
function sliceOutcome(
  native: NativeCodecs,
  written: number,
  expected: number,
  corrupt: (err: unknown) => Error,
): FileDecodeOutcome {
  if (written === native.MISSING_FILE) return "missing";
  if (written === native.NEEDS_FALLBACK) return "unsupported";
  if (written !== expected) throw corrupt(new Error(`${written} bytes decoded of ${expected}`));
  return "decoded";
}
