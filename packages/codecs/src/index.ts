// Node entry: blosc, zstd and DEFLATE native on libuv's thread pool when the optional
// @zarrkit/native addon is installed and built; else c-blosc and zstd in WebAssembly and
// DEFLATE through node:zlib (thread pool, bounded inflation).
import { nativeStoredRuns } from "./array-to-bytes/bytes/stored-runs-reader.js";
import { wasmBlosc } from "./bytes-to-bytes/blosc/blosc-backend.js";
import { nativeBlosc } from "./bytes-to-bytes/blosc/blosc-native.js";
import { nativeDeflate } from "./bytes-to-bytes/gzip/native-deflate.js";
import { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
import { wasmZstd } from "./bytes-to-bytes/zstd/zstd-backend.js";
import { nativeZstd } from "./bytes-to-bytes/zstd/zstd-native.js";
import { type CodecBackends, createCodecsExtension } from "./codecs-extension.js";
import { loadNativeCodecs } from "./native-codecs.js";

export { nativeStoredRuns } from "./array-to-bytes/bytes/stored-runs-reader.js";
export { nativeBlosc } from "./bytes-to-bytes/blosc/blosc-native.js";
export { nativeDeflate } from "./bytes-to-bytes/gzip/native-deflate.js";
export { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
export { nativeZstd } from "./bytes-to-bytes/zstd/zstd-native.js";
export * from "./exports.js";
export { loadNativeCodecs } from "./native-codecs.js";

const native = await loadNativeCodecs();
/** The backends this process uses: native where @zarrkit/native loaded. */
export const codecBackends: CodecBackends =
  native === undefined
    ? { deflate: nodeDeflate, zstd: wasmZstd, blosc: wasmBlosc }
    : {
        deflate: nativeDeflate(native, nodeDeflate),
        zstd: nativeZstd(native),
        blosc: nativeBlosc(native),
        crc32c: native.crc32c,
        readStoredRuns: nativeStoredRuns(native),
      };

const bundle = createCodecsExtension(codecBackends, import.meta.url);
/** Every codec of this package, as one bundle to register. */
export const codecsExtension = bundle.extension;
export const gzipCodecExtension = bundle.gzip;
export const zlibCodecExtension = bundle.zlib;
export const bloscCodecExtension = bundle.blosc;
export default codecsExtension;
