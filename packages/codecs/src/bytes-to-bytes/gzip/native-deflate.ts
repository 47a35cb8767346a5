import { CorruptChunkError } from "@zarrkit/core";
import type { ByteRuns, NativeCodecs } from "@zarrkit/native";
import { byteLength, copySelected, scatter } from "../byte-runs.js";
import { decodeFromFile, nativeSelectedMany } from "../native-file-source.js";
import type { DeflateBackend, ZlibFormat } from "./deflate-backend.js";

const ZLIB_FRAMING = { gzip: 0, zlib: 1 } as const satisfies Record<ZlibFormat, 0 | 1>;

/** libdeflate's complaint about a stream, as CorruptChunkError naming `codec`. */
function corrupt(codec: string, err: unknown): CorruptChunkError {
  const why = err instanceof Error ? err.message : String(err);
  return new CorruptChunkError(`codec "${codec}": cannot decompress (${why})`, { cause: err });
}

/**
 * libdeflate from @zarrkit/native, on libuv's thread pool: about twice zlib's speed to inflate
 * and several times to deflate, at the same levels (libdeflate's level n compresses about as well
 * as zlib's). Inflation writes straight into a buffer of the chunk's size and fails rather than
 * write past it. What libdeflate does not do goes to `fallback` (node:zlib): streams of unknown
 * size, and gzip data of several concatenated members, which libdeflate does not join.
 */
export function nativeDeflate(native: NativeCodecs, fallback: DeflateBackend): DeflateBackend {
  /** Bytes written into `target`, or undefined when `fallback` must decode. */
  const inflate = async (
    format: ZlibFormat,
    codec: string,
    bytes: Uint8Array,
    target: ByteRuns,
  ): Promise<number | undefined> => {
    let written: number;
    try {
      written = await native.inflate(bytes, target, ZLIB_FRAMING[format]);
    } catch (err) {
      throw corrupt(codec, err);
    }
    return written === native.NEEDS_FALLBACK ? undefined : written;
  };
  const selectedMany = {
    gzip: nativeSelectedMany(native, "gzip"),
    zlib: nativeSelectedMany(native, "zlib"),
  } as const satisfies Record<ZlibFormat, unknown>;
  const encode = (format: ZlibFormat, bytes: ByteRuns, level: number) =>
    native.deflate(bytes, level, ZLIB_FRAMING[format]);
  const decodeInto = async (
    format: ZlibFormat,
    codec: string,
    bytes: Uint8Array,
    target: ByteRuns,
  ): Promise<void> => {
    const size = byteLength(target);
    let written = await inflate(format, codec, bytes, target);
    if (written === undefined) {
      const decoded = await fallback.decode(format, codec, bytes, size);
      if (decoded.length === size) scatter(decoded, target);
      written = decoded.length;
    }
    if (written !== size)
      throw new CorruptChunkError(
        `codec "${codec}": decompressed to ${written} bytes, the chunk holds ${size}`,
      );
  };
  return {
    name: `libdeflate ${native.versions.libdeflate} (@zarrkit/native)`,
    encode,
    encodeRuns: encode,
    encodeMany: (format, runs, offsets, level) =>
      native.deflateMany(runs, offsets, level, ZLIB_FRAMING[format]),
    async decode(format, codec, bytes, limit) {
      if (limit === undefined) return fallback.decode(format, codec, bytes, limit);
      const out = new Uint8Array(limit);
      const written = await inflate(format, codec, bytes, out);
      if (written === undefined) return fallback.decode(format, codec, bytes, limit);
      return written === limit ? out : out.slice(0, written);
    },
    decodeInto,
    decodeIntoRuns: decodeInto,
    async decodeSelected(format, codec, bytes, size, from, to) {
      let written: number;
      try {
        written = await native.inflateSelected(bytes, size, from, to, ZLIB_FRAMING[format]);
      } catch (err) {
        throw corrupt(codec, err);
      }
      if (written === native.NEEDS_FALLBACK) {
        const decoded = await fallback.decode(format, codec, bytes, size);
        if (decoded.length !== size)
          throw new CorruptChunkError(
            `codec "${codec}": decompressed to ${decoded.length} bytes, the chunk holds ${size}`,
          );
        copySelected(decoded, from, to);
      }
    },
    decodeFileSelected: (format, codec, file, size, from, to) =>
      decodeFromFile(
        native,
        byteLength(to),
        () => native.inflateSelected(file, size, from, to, ZLIB_FRAMING[format]),
        (err) => corrupt(codec, err),
      ),
    decodeFileSelectedMany: (format, codec, paths, size, from, to, slices) =>
      selectedMany[format](paths, size, from, to, slices, (err) => corrupt(codec, err)),
  };
}
