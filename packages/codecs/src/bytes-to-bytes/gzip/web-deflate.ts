import { CorruptChunkError } from "@zarrkit/core";
import type { DeflateBackend, ZlibFormat } from "./deflate-backend.js";

// Compression Streams name zlib framing "deflate".
const STREAM_FORMAT = { gzip: "gzip", zlib: "deflate" } as const satisfies Record<
  ZlibFormat,
  string
>;

/** Pushes `bytes` through a transform stream, stopping once more than `limit` bytes come out. */
async function pipe(
  stream: CompressionStream | DecompressionStream,
  bytes: Uint8Array,
  limit: number | undefined,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Not awaited: the stream applies backpressure until its output is read below.
  const written = writer.write(new Uint8Array(bytes)).then(() => writer.close());
  written.catch(() => {});
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (limit !== undefined && total > limit) {
      await reader.cancel();
      throw new RangeError(`more than the ${limit} bytes the chunk holds`);
    }
    parts.push(value);
  }
  await written;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * The platform's Compression Streams (browsers, Deno, Node). They take no level: encoding uses
 * the platform's default level whatever the configuration says (the data is the same DEFLATE
 * format, readable everywhere).
 */
export const webDeflate: DeflateBackend = {
  name: "CompressionStream",
  encode: (format, bytes) => pipe(new CompressionStream(STREAM_FORMAT[format]), bytes, undefined),
  async decode(format, codec, bytes, limit) {
    try {
      return await pipe(new DecompressionStream(STREAM_FORMAT[format]), bytes, limit);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CorruptChunkError(`codec "${codec}": cannot decompress (${why})`, { cause: err });
    }
  },
};
