import type * as Zlib from "node:zlib";
import { CorruptChunkError } from "@zarrkit/core";
import type { DeflateBackend } from "./deflate-backend.js";

type Transform = (bytes: Uint8Array, options: Zlib.ZlibOptions) => Promise<Buffer>;

/**
 * node:zlib's callback forms, which run on libuv's thread pool (several chunks in parallel off
 * the main thread), as promises. node:zlib is imported on first use: ~5 ms of every import
 * otherwise, for a backend that the native addon leaves idle.
 */
let deflaters:
  | Promise<Record<"gzip" | "zlib", { encode: Transform; decode: Transform }>>
  | undefined;

/** A callback form as a promise, by hand: node:util (for promisify) is another import. */
const promised =
  (run: (bytes: Uint8Array, options: Zlib.ZlibOptions, done: Zlib.CompressCallback) => void) =>
  (bytes: Uint8Array, options: Zlib.ZlibOptions) =>
    new Promise<Buffer>((resolve, reject) =>
      run(bytes, options, (err, result) => (err ? reject(err) : resolve(result))),
    );

function loadDeflaters() {
  deflaters ??= import("node:zlib").then((zlib) => ({
    gzip: { encode: promised(zlib.gzip), decode: promised(zlib.gunzip) },
    zlib: { encode: promised(zlib.deflate), decode: promised(zlib.inflate) },
  }));
  return deflaters;
}

/** node:zlib; inflation is bounded with `maxOutputLength`. */
export const nodeDeflate: DeflateBackend = {
  name: "node:zlib",
  // Output buffers about the input's size: a few callbacks instead of one per 16 KiB.
  encode: async (format, bytes, level) =>
    (await loadDeflaters())[format].encode(bytes, {
      level,
      chunkSize: Math.max(64, Math.min(bytes.length + 1024, 1 << 26)),
    }),
  async decode(format, codec, bytes, limit) {
    const decode = (await loadDeflaters())[format].decode;
    try {
      // One output chunk a little larger than the expected size: no 16 KiB pieces to call back
      // and concatenate, and room to reach the stream's end without a second (wasted) buffer.
      return await decode(
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
