import { type BytesToBytesCodec, CorruptChunkError } from "@zarrkit/core";
import { scatter } from "./byte-runs.js";

/**
 * `decodeInto` for a codec (or a case of one) that can only decode into new memory: decodes,
 * checks the size against the target's, and copies.
 */
export async function decodeIntoByCopy(
  codec: BytesToBytesCodec,
  bytes: Uint8Array,
  target: Uint8Array,
): Promise<void> {
  const decoded = await codec.decode(bytes, target.length);
  if (decoded.length !== target.length)
    throw new CorruptChunkError(
      `codec "${codec.name}": decompressed to ${decoded.length} bytes, the chunk holds ${target.length}`,
    );
  target.set(decoded);
}

/**
 * `decodeIntoRuns` for a case a codec cannot scatter itself: decodes, checks the size against
 * the runs' total, and copies piece by piece.
 */
export async function scatterByCopy(
  codec: BytesToBytesCodec,
  bytes: Uint8Array,
  runs: readonly Uint8Array[],
  size: number,
): Promise<void> {
  const decoded = await codec.decode(bytes, size);
  if (decoded.length !== size)
    throw new CorruptChunkError(
      `codec "${codec.name}": decompressed to ${decoded.length} bytes, the chunk holds ${size}`,
    );
  scatter(decoded, runs);
}
