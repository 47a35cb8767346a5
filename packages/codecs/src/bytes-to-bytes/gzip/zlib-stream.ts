import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { CorruptChunkError } from "@zarrkit/core";

// The callback forms run on libuv's thread pool, so several chunks (de)compress in parallel
// off the main thread.
const deflaters = {
  gzip: { encode: promisify(zlib.gzip), decode: promisify(zlib.gunzip) },
  zlib: { encode: promisify(zlib.deflate), decode: promisify(zlib.inflate) },
};

export type ZlibFormat = keyof typeof deflaters;

export async function zlibEncode(
  format: ZlibFormat,
  bytes: Uint8Array,
  level: number,
): Promise<Uint8Array> {
  return deflaters[format].encode(bytes, { level });
}

/**
 * Inflates, refusing to produce more than `limit` bytes (the decoded size the chunk's spec
 * implies): a corrupt or hostile stream cannot make us allocate beyond it.
 */
export async function zlibDecode(
  format: ZlibFormat,
  name: string,
  bytes: Uint8Array,
  limit: number | undefined,
): Promise<Uint8Array> {
  try {
    return await deflaters[format].decode(
      bytes,
      limit === undefined ? {} : { maxOutputLength: Math.max(1, limit) },
    );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CorruptChunkError(`codec "${name}": cannot decompress (${why})`, { cause: err });
  }
}
