import type { ByteRuns, NativeCodecs } from "@zarrkit/native";
import { byteLength } from "../byte-runs.js";
import { nativeSelected, nativeSelectedMany } from "../native-file-source.js";
import { wasmZstd, type ZstdBackend } from "./zstd-backend.js";

/** Largest frame decoded straight into a buffer of its declared size. */
const MAX_DIRECT = 1 << 30;

/**
 * libzstd from @zarrkit/native: frames (de)compress on libuv's thread pool, several at once,
 * about four times numcodecs' WebAssembly speed per core. Frames decode straight into a buffer
 * of the size their header declares (the caller has checked it against the chunk); frames that
 * do not declare it go to the WebAssembly backend, which bounds what they inflate to. Parts of
 * a frame decode in the pool thread's memory, no further than the part asked for.
 */
export function nativeZstd(native: NativeCodecs): ZstdBackend {
  const decodeInto = async (bytes: Uint8Array, target: ByteRuns): Promise<void> => {
    const size = byteLength(target);
    const written = await native.zstdDecompress(bytes, target);
    if (written !== size)
      throw new RangeError(`the frame declares ${size} bytes and holds ${written}`);
  };
  const encode = (bytes: ByteRuns, level: number, checksum: boolean) =>
    native.zstdCompress(bytes, level, checksum ? 1 : 0);
  const selected = nativeSelected(native, (source, size, from, to) =>
    native.zstdDecompressSelected(source, size, from, to),
  );
  return {
    name: `libzstd ${native.versions.zstd} (@zarrkit/native)`,
    encode,
    encodeRuns: encode,
    encodeMany: (runs, offsets, level, checksum) =>
      native.zstdCompressMany(runs, offsets, level, checksum ? 1 : 0),
    async decode(bytes, declared) {
      // Unknown (streamed) or implausibly large sizes go the bounded WebAssembly way.
      if (declared === undefined || declared > MAX_DIRECT) return wasmZstd.decode(bytes, declared);
      const out = new Uint8Array(declared);
      await decodeInto(bytes, out);
      return out;
    },
    decodeInto,
    decodeIntoRuns: decodeInto,
    decodeSelected: selected.inMemory,
    decodeFileSelected: selected.fromFile,
    decodeFileSelectedMany: nativeSelectedMany(native, "zstd"),
  };
}
