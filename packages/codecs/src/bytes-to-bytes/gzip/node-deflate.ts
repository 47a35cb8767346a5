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
  encode: (format, bytes, level) => deflaters[format].encode(bytes, { level }),
  async decode(format, codec, bytes, limit) {
    try {
      return await deflaters[format].decode(
        bytes,
        limit === undefined ? {} : { maxOutputLength: Math.max(1, limit) },
      );
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CorruptChunkError(`codec "${codec}": cannot decompress (${why})`, { cause: err });
    }
  },
};
