import type { NativeFileIO } from "@zarrkit/native";

/**
 * @zarrkit/native's file I/O, or undefined where that optional dependency is not installed or
 * its addon did not load (FileSystemStore then uses node:fs). `ZARRKIT_NATIVE=0` in the
 * environment says not to use it.
 */
export async function loadNativeFileIO(): Promise<NativeFileIO | undefined> {
  if (process.env.ZARRKIT_NATIVE === "0") return undefined;
  try {
    return (await import("@zarrkit/native")).nativeFileIO;
  } catch {
    return undefined;
  }
}
