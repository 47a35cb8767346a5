// What both entries (Node and browser) export besides the bundle itself.
export { BitRoundCodec, bitroundCodecExtension } from "./array-to-array/bitround/bitround-codec.js";
export { DeltaCodec, deltaCodecExtension } from "./array-to-array/delta/delta-codec.js";
export {
  FixedScaleOffsetCodec,
  fixedScaleOffsetCodecExtension,
} from "./array-to-array/fixedscaleoffset/fixedscaleoffset-codec.js";
export {
  NumcodecsPackBitsCodec,
  numcodecsPackBitsCodecExtension,
} from "./array-to-array/numcodecs-packbits/numcodecs-packbits-codec.js";
export {
  TransposeCodec,
  transposeCodecExtension,
} from "./array-to-array/transpose/transpose-codec.js";
export {
  BytesCodec,
  bytesCodecExtension,
  createBytesCodecExtension,
  type Endian,
} from "./array-to-bytes/bytes/bytes-codec.js";
export type { StoredRunsReader } from "./array-to-bytes/bytes/stored-runs-reader.js";
export {
  PACKBITS_DATA_TYPES,
  PackBitsCodec,
  type PaddingEncoding,
  packBitsCodecExtension,
} from "./array-to-bytes/packbits/packbits-codec.js";
export {
  VlenCodec,
  vlenBytesCodecExtension,
  vlenUtf8CodecExtension,
} from "./array-to-bytes/vlen/vlen-codec.js";
export { type BloscBackend, wasmBlosc } from "./bytes-to-bytes/blosc/blosc-backend.js";
export { BloscCodec, createBloscCodecExtension } from "./bytes-to-bytes/blosc/blosc-codec.js";
export type { CBloscCompressOptions, CBloscCompressor } from "./bytes-to-bytes/blosc/cblosc.js";
export { crc32c } from "./bytes-to-bytes/crc32c/crc32c.js";
export {
  Crc32cCodec,
  type Crc32cFunction,
  crc32cCodecExtension,
  createCrc32cCodecExtension,
} from "./bytes-to-bytes/crc32c/crc32c-codec.js";
export type { DeflateBackend, ZlibFormat } from "./bytes-to-bytes/gzip/deflate-backend.js";
export { DeflateCodec } from "./bytes-to-bytes/gzip/gzip-codec.js";
export { webDeflate } from "./bytes-to-bytes/gzip/web-deflate.js";
export { wasmZstd, type ZstdBackend } from "./bytes-to-bytes/zstd/zstd-backend.js";
export { ZstdCodec, zstdCodecExtension } from "./bytes-to-bytes/zstd/zstd-codec.js";
export { type CodecBackends, createCodecsExtension } from "./codecs-extension.js";
