import type { CodecExtension, Extension } from "@zarrkit/core";
import { bitroundCodecExtension } from "./array-to-array/bitround/bitround-codec.js";
import { deltaCodecExtension } from "./array-to-array/delta/delta-codec.js";
import { fixedScaleOffsetCodecExtension } from "./array-to-array/fixedscaleoffset/fixedscaleoffset-codec.js";
import { numcodecsPackBitsCodecExtension } from "./array-to-array/numcodecs-packbits/numcodecs-packbits-codec.js";
import { transposeCodecExtension } from "./array-to-array/transpose/transpose-codec.js";
import {
  bytesCodecExtension,
  createBytesCodecExtension,
} from "./array-to-bytes/bytes/bytes-codec.js";
import type { StoredRunsReader } from "./array-to-bytes/bytes/stored-runs-reader.js";
import { packBitsCodecExtension } from "./array-to-bytes/packbits/packbits-codec.js";
import {
  vlenBytesCodecExtension,
  vlenUtf8CodecExtension,
} from "./array-to-bytes/vlen/vlen-codec.js";
import type { BloscBackend } from "./bytes-to-bytes/blosc/blosc-backend.js";
import { createBloscCodecExtension } from "./bytes-to-bytes/blosc/blosc-codec.js";
import {
  adler32CodecExtension,
  fletcher32CodecExtension,
} from "./bytes-to-bytes/checksum32/checksum32-codec.js";
import {
  type Crc32cFunction,
  crc32cCodecExtension,
  createCrc32cCodecExtension,
} from "./bytes-to-bytes/crc32c/crc32c-codec.js";
import type { DeflateBackend } from "./bytes-to-bytes/gzip/deflate-backend.js";
import { deflateCodecExtensions } from "./bytes-to-bytes/gzip/gzip-codec.js";
import { lz4CodecExtension } from "./bytes-to-bytes/lz4/lz4-codec.js";
import { shuffleCodecExtension } from "./bytes-to-bytes/shuffle/shuffle-codec.js";
import type { ZstdBackend } from "./bytes-to-bytes/zstd/zstd-backend.js";
import { zstdCodecExtension } from "./bytes-to-bytes/zstd/zstd-codec.js";

/** Where the compressors come from: each entry point picks the platform's best. */
export interface CodecBackends {
  deflate: DeflateBackend;
  zstd: ZstdBackend;
  blosc: BloscBackend;
  /** CRC-32C for the `crc32c` codec (default: this package's JavaScript). */
  crc32c?: Crc32cFunction;
  /** Windows of uncompressed local chunk files for the `bytes` codec (default: range reads). */
  readStoredRuns?: StoredRunsReader;
}

/**
 * Every codec of this package as one bundle, DEFLATE (gzip, zlib), zstd and blosc coming from
 * the given backends. The Node and browser entries differ only in those.
 */
export function createCodecsExtension(
  { deflate, zstd, blosc: bloscBackend, crc32c, readStoredRuns }: CodecBackends,
  module: string,
): {
  extension: Extension;
  gzip: CodecExtension;
  zlib: CodecExtension;
  blosc: CodecExtension;
} {
  const { gzip, zlib } = deflateCodecExtensions(deflate);
  const blosc = createBloscCodecExtension(bloscBackend);
  return {
    gzip,
    zlib,
    blosc,
    extension: {
      name: "@zarrkit/codecs",
      module,
      codecs: [
        readStoredRuns === undefined
          ? bytesCodecExtension
          : createBytesCodecExtension(readStoredRuns),
        vlenUtf8CodecExtension,
        vlenBytesCodecExtension,
        packBitsCodecExtension,
        transposeCodecExtension,
        gzip,
        zlib,
        zstdCodecExtension(zstd),
        blosc,
        lz4CodecExtension,
        shuffleCodecExtension,
        crc32c === undefined ? crc32cCodecExtension : createCrc32cCodecExtension(crc32c),
        adler32CodecExtension,
        fletcher32CodecExtension,
        bitroundCodecExtension,
        deltaCodecExtension,
        numcodecsPackBitsCodecExtension,
        fixedScaleOffsetCodecExtension,
      ],
    },
  };
}
