import type { NativeCodecs } from "@zarrkit/native";

/**
 * @zarrkit/native's addon, or undefined where that optional dependency is not installed (no
 * compiler at install time) or its addon did not load: the codecs then use WebAssembly and
 * node:zlib (also with `ZARRKIT_NATIVE=0` in the environment).
 */
export async function loadNativeCodecs(): Promise<NativeCodecs | undefined> {
  try {
    return (await import("@zarrkit/native")).nativeCodecs;
  } catch {
    return undefined;
  }
}
