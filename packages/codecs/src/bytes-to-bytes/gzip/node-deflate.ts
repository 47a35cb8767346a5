import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { CorruptChunkError } from "@zarrkit/core";
import type { DeflateBackend } from "./deflate-backend.js";

// The callback forms run on libuv's thread pool, so several chunks (de)compress in parallel
// off the main thread.
const deflaters = {
  gzip: { encode: promisify(zlib.gzip), decode: promisify(zlib.gunzip) },
  zlib: { encode: promisify(zlib.deflate), decode: promisify(zlib.inflate) },
};

/** node:zlib; inflation is bounded with `maxOutputLength`. */
export const nodeDeflate: DeflateBackend = {
  name: "node:zlib",
  // Output buffers about the input's size: a few callbacks instead of one per 16 KiB.
  encode: (format, bytes, level) =>
    deflaters[format].encode(bytes, {
      level,
      chunkSize: Math.max(64, Math.min(bytes.length + 1024, 1 << 26)),
    }),
  async decode(format, codec, bytes, limit) {
    try {
      // One output chunk a little larger than the expected size: no 16 KiB pieces to call back
      // and concatenate, and room to reach the stream's end without a second (wasted) buffer.
      return await deflaters[format].decode(
        bytes,
        limit === undefined
          ? {}
          : {
              maxOutputLength: Math.max(1, limit),
              chunkSize: Math.max(64, Math.min(limit + 1024, 1 << 26)),
            },
      );
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CorruptChunkError(`codec "${codec}": cannot decompress (${why})`, { cause: err });
    }
  },
};
