import type { ByteRuns, NativeCodecs } from "@zarrkit/native";
import { byteLength } from "../byte-runs.js";
import { nativeSelected, nativeSelectedMany } from "../native-file-source.js";
import type { BloscBackend } from "./blosc-backend.js";
import { type CBloscCompressOptions, frameContentSize } from "./cblosc.js";

/**
 * c-blosc from @zarrkit/native (the same 1.21.3 sources, LZ4, zlib and zstd as the WebAssembly
 * build, so the same frames): whole frames (de)compress on libuv's thread pool, several at once,
 * straight into the caller's buffer, or only the blocks holding a selection; ranges (getitem)
 * run on the calling thread, as they are small.
 */
export function nativeBlosc(native: NativeCodecs): BloscBackend {
  const compress = (
    bytes: ByteRuns,
    { clevel, shuffle, typesize, blocksize, cname }: CBloscCompressOptions,
  ): Promise<Uint8Array> =>
    native.bloscCompress(bytes, clevel, shuffle, typesize, blocksize, cname);
  const decompressInto = async (frame: Uint8Array, target: ByteRuns): Promise<void> => {
    if (byteLength(target) > 0) await native.bloscDecompress(frame, target);
  };
  const selected = nativeSelected(native, (source, size, from, to) =>
    native.bloscDecompressSelected(source, size, from, to),
  );
  return {
    name: `c-blosc ${native.versions.blosc} (@zarrkit/native)`,
    prepare() {},
    compress,
    compressRuns: compress,
    compressMany: (runs, offsets, { clevel, shuffle, typesize, blocksize, cname }) =>
      native.bloscCompressMany(runs, offsets, clevel, shuffle, typesize, blocksize, cname),
    decompressInto,
    decompressIntoRuns: decompressInto,
    decompressSelected: selected.inMemory,
    decompressFileSelected: selected.fromFile,
    decompressFileSelectedMany: nativeSelectedMany(native, "blosc"),
    async decompressRange(frame, offset, length) {
      const nbytes = frameContentSize(frame);
      if (offset + length > nbytes)
        throw new Error(`bytes ${offset}..${offset + length} lie past the frame's ${nbytes}`);
      const out = new Uint8Array(length);
      if (length === 0) return out;
      const typesize = frame[3]! || 1;
      if (offset % typesize !== 0 || length % typesize !== 0) {
        // Not whole items: getitem cannot say it; decode everything and cut.
        const whole = new Uint8Array(nbytes);
        await native.bloscDecompress(frame, whole);
        out.set(whole.subarray(offset, offset + length));
        return out;
      }
      const written = native.bloscGetItem(frame, offset / typesize, length / typesize, out);
      if (written !== length) throw new Error(`getitem gave ${written} bytes for ${length}`);
      return out;
    },
  };
}
