// Browser entry: the same codecs with DEFLATE from Compression Streams (no Node module).
import { wasmBlosc } from "./bytes-to-bytes/blosc/blosc-backend.js";
import { webDeflate } from "./bytes-to-bytes/gzip/web-deflate.js";
import { wasmZstd } from "./bytes-to-bytes/zstd/zstd-backend.js";
import { createCodecsExtension } from "./codecs-extension.js";

export * from "./exports.js";

const bundle = createCodecsExtension(
  { deflate: webDeflate, zstd: wasmZstd, blosc: wasmBlosc },
  import.meta.url,
);
/** Every codec of this package, as one bundle to register. */
export const codecsExtension = bundle.extension;
export const gzipCodecExtension = bundle.gzip;
export const zlibCodecExtension = bundle.zlib;
export const bloscCodecExtension = bundle.blosc;
export default codecsExtension;
