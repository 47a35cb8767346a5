// Node entry: DEFLATE through node:zlib (thread pool, bounded inflation).
import { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
import { createCodecsExtension } from "./codecs-extension.js";

export { nodeDeflate } from "./bytes-to-bytes/gzip/node-deflate.js";
export * from "./exports.js";

const bundle = createCodecsExtension(nodeDeflate, import.meta.url);
/** Every codec of this package, as one bundle to register. */
export const codecsExtension = bundle.extension;
export const gzipCodecExtension = bundle.gzip;
export const zlibCodecExtension = bundle.zlib;
export const bloscCodecExtension = bundle.blosc;
export default codecsExtension;
