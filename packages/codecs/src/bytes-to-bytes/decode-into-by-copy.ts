import {
  type BytesToBytesCodec,
  CorruptChunkError,
  type RunLayout,
  type StridedRuns,
} from "@zarrkit/core";
import { type ByteRuns, byteLength, copySelected, scatter } from "./byte-runs.js";

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

/**
 * `decodeSelectedInto` for a case the codec can only decode into new memory: decodes the whole
 * (`size` bytes, checked), then copies the runs `from` selects into `to`, one after another.
 */
export async function decodeSelectedByCopy(
  codec: BytesToBytesCodec,
  bytes: Uint8Array,
  size: number,
  from: RunLayout,
  to: StridedRuns,
): Promise<void> {
  const decoded = await codec.decode(bytes, size);
  if (decoded.length !== size)
    throw new CorruptChunkError(
      `codec "${codec.name}": decompressed to ${decoded.length} bytes, the chunk holds ${size}`,
    );
  copySelected(decoded, from, to);
}
