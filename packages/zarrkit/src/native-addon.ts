/**
 * @zarrkit/native, or undefined where that optional dependency is not installed (no compiler
 * at install time); its exports are themselves undefined where the addon did not load or
 * `ZARRKIT_NATIVE=0` is set.
 */
export async function loadNativeAddon(): Promise<typeof import("@zarrkit/native") | undefined> {
  try {
    return await import("@zarrkit/native");
  } catch {
    return undefined;
  }
}
