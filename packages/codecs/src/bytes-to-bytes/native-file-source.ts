import { type FileDecodeOutcome, StoreError } from "@zarrkit/core";
import type { NativeCodecs } from "@zarrkit/native";

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
