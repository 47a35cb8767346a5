import type { NativeFileIO } from "@zarrkit/native";

/**
 * @zarrkit/native's file I/O, or undefined where that optional dependency is not installed or
 * its addon did not load, or `ZARRKIT_NATIVE=0` is set (FileSystemStore then uses node:fs).
 */
export async function loadNativeFileIO(): Promise<NativeFileIO | undefined> {
  try {
    return (await import("@zarrkit/native")).nativeFileIO;
  } catch {
    return undefined;
  }
}
