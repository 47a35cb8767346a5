/** gzip (RFC 1952) or zlib (RFC 1950) framing around DEFLATE. */
export type ZlibFormat = "gzip" | "zlib";

/**
 * Where DEFLATE comes from: node:zlib in Node, Compression Streams in browsers. Decoding must
 * never produce more than `limit` bytes (CorruptChunkError naming the codec instead).
 */
export interface DeflateBackend {
  readonly name: string;
  encode(format: ZlibFormat, bytes: Uint8Array, level: number): Promise<Uint8Array>;
  decode(
    format: ZlibFormat,
    codec: string,
    bytes: Uint8Array,
    limit: number | undefined,
  ): Promise<Uint8Array>;
}
