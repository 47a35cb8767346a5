import type { FileDecodeOutcome, FileSlice, RunLayout, StridedRuns } from "@zarrkit/core";
import type { ByteRuns, Runs } from "../byte-runs.js";

/** gzip (RFC 1952) or zlib (RFC 1950) framing around DEFLATE. */
export type ZlibFormat = "gzip" | "zlib";

/**
 * Where DEFLATE comes from: libdeflate (@zarrkit/native) or node:zlib in Node, Compression
 * Streams in browsers. Decoding must never produce more than `limit` bytes (CorruptChunkError
 * naming the codec instead).
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
  /** Decodes a stream of exactly `target.length` bytes into `target` (CorruptChunkError if not). */
  decodeInto?(
    format: ZlibFormat,
    codec: string,
    bytes: Uint8Array,
    target: Uint8Array,
  ): Promise<void>;
  /** decodeInto across `runs` (their total is the stream's size), off the calling thread. */
  decodeIntoRuns?(format: ZlibFormat, codec: string, bytes: Uint8Array, runs: Runs): Promise<void>;
  /**
   * What `from` selects of a stream's content (`size` bytes in all) into `to`, decoded off the
   * calling thread in memory of the backend's own (CorruptChunkError as decodeInto's).
   */
  decodeSelected?(
    format: ZlibFormat,
    codec: string,
    bytes: Uint8Array,
    size: number,
    from: RunLayout,
    to: ByteRuns,
  ): Promise<void>;
  /**
   * decodeSelected of a stream the same job reads from `file` ("unsupported" for gzip of several
   * members, which the caller decodes another way).
   */
  decodeFileSelected?(
    format: ZlibFormat,
    codec: string,
    file: FileSlice,
    size: number,
    from: RunLayout,
    to: ByteRuns,
  ): Promise<FileDecodeOutcome>;
  /** decodeFileSelected of several streams (of one file or several) in one job. */
  decodeFileSelectedMany?(
    format: ZlibFormat,
    codec: string,
    paths: readonly string[],
    size: number,
    from: RunLayout,
    to: StridedRuns,
    slices: Float64Array,
  ): Promise<readonly FileDecodeOutcome[]>;
  /** encode of the concatenation of `runs`, gathered off the calling thread. */
  encodeRuns?(format: ZlibFormat, runs: Runs, level: number): Promise<Uint8Array>;
  /** encodeRuns of many chunks laid out alike in one job (see encodeStridedMany). */
  encodeMany?(
    format: ZlibFormat,
    runs: StridedRuns,
    offsets: Float64Array,
    level: number,
  ): Promise<readonly [encoded: Uint8Array, sizes: readonly number[]]>;
}
