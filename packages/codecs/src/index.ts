import type { Extension } from "@zarrkit/core";
import { bitroundCodecExtension } from "./array-to-array/bitround/bitround-codec.js";
import { deltaCodecExtension } from "./array-to-array/delta/delta-codec.js";
import { fixedScaleOffsetCodecExtension } from "./array-to-array/fixedscaleoffset/fixedscaleoffset-codec.js";
import { transposeCodecExtension } from "./array-to-array/transpose/transpose-codec.js";
import { bytesCodecExtension } from "./array-to-bytes/bytes/bytes-codec.js";
import {
  vlenBytesCodecExtension,
  vlenUtf8CodecExtension,
} from "./array-to-bytes/vlen/vlen-codec.js";
import { bloscCodecExtension } from "./bytes-to-bytes/blosc/blosc-codec.js";
import {
  adler32CodecExtension,
  fletcher32CodecExtension,
} from "./bytes-to-bytes/checksum32/checksum32-codec.js";
import { crc32cCodecExtension } from "./bytes-to-bytes/crc32c/crc32c-codec.js";
import { gzipCodecExtension, zlibCodecExtension } from "./bytes-to-bytes/gzip/gzip-codec.js";
import { lz4CodecExtension } from "./bytes-to-bytes/lz4/lz4-codec.js";
import { shuffleCodecExtension } from "./bytes-to-bytes/shuffle/shuffle-codec.js";
import { zstdCodecExtension } from "./bytes-to-bytes/zstd/zstd-codec.js";

export {
  TransposeCodec,
  transposeCodecExtension,
} from "./array-to-array/transpose/transpose-codec.js";
export {
  BytesCodec,
  bytesCodecExtension,
  type Endian,
} from "./array-to-bytes/bytes/bytes-codec.js";

export { VlenCodec } from "./array-to-bytes/vlen/vlen-codec.js";

/** Every codec of this package, as one bundle to register. */
export const codecsExtension: Extension = {
  name: "@zarrkit/codecs",
  module: import.meta.url,
  codecs: [
    bytesCodecExtension,
    vlenUtf8CodecExtension,
    vlenBytesCodecExtension,
    transposeCodecExtension,
    gzipCodecExtension,
    zlibCodecExtension,
    zstdCodecExtension,
    bloscCodecExtension,
    lz4CodecExtension,
    shuffleCodecExtension,
    crc32cCodecExtension,
    adler32CodecExtension,
    fletcher32CodecExtension,
    bitroundCodecExtension,
    deltaCodecExtension,
    fixedScaleOffsetCodecExtension,
  ],
};

export default codecsExtension;
