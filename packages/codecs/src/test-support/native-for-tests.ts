import { type NativeCodecs, nativeCodecs, nativeLoadFailure } from "@zarrkit/native";

/**
 * @zarrkit/native's addon for tests of the native backends. Where it is not built, those tests
 * are skipped, loudly; under ZARRKIT_REQUIRE_PEERS=1 (CI) that is a failure instead.
 */
export function nativeForTests(): NativeCodecs | undefined {
  if (nativeCodecs !== undefined) return nativeCodecs;
  const reason = `@zarrkit/native did not load (${nativeLoadFailure})`;
  if (process.env.ZARRKIT_REQUIRE_PEERS === "1")
    throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
  console.warn(`\n*** SKIPPING native codec tests: ${reason} ***\n`);
  return undefined;
}
