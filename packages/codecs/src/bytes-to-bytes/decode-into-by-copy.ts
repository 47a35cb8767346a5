import { type BytesToBytesCodec, CorruptChunkError } from "@zarrkit/core";
import { type ByteRuns, byteLength, scatter } from "./byte-runs.js";

/**
 * `decodeInto` (or `decodeIntoRuns`) for a codec, or a case of one, that can only decode into
 * new memory: decodes, checks the size against the target's, and copies (piece by piece into
 * runs).
 */
export async function decodeIntoByCopy(
  codec: BytesToBytesCodec,
  bytes: Uint8Array,
  target: ByteRuns,
): Promise<void> {
  const size = byteLength(target);
  const decoded = await codec.decode(bytes, size);
  if (decoded.length !== size)
    throw new CorruptChunkError(
      `codec "${codec.name}": decompressed to ${decoded.length} bytes, the chunk holds ${size}`,
    );
  scatter(decoded, target);
}
