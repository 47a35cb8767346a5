import { type BytesToBytesCodec, CorruptChunkError } from "@zarrkit/core";

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
