// Node entry: DEFLATE through node:zlib (thread pool, bounded inflation), zstd native when the
// optional zstd-napi addon is installed.
import { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
import { wasmZstd } from "./bytes-to-bytes/zstd/zstd-backend.js";
import { nativeZstd } from "./bytes-to-bytes/zstd/zstd-native.js";
import { createCodecsExtension } from "./codecs-extension.js";

export { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
export { nativeZstd } from "./bytes-to-bytes/zstd/zstd-native.js";
export * from "./exports.js";

const bundle = createCodecsExtension(nodeDeflate, nativeZstd() ?? wasmZstd, import.meta.url);
/** Every codec of this package, as one bundle to register. */
export const codecsExtension = bundle.extension;
export const gzipCodecExtension = bundle.gzip;
export const zlibCodecExtension = bundle.zlib;
export const bloscCodecExtension = bundle.blosc;
export default codecsExtension;
