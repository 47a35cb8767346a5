import {
  type BytesToBytesCodec,
  ChecksumMismatchError,
  type CodecExtension,
  CorruptChunkError,
  type JsonObject,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";

/** Adler-32 (RFC 1950). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the largest run before the sums can overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** HDF5's Fletcher-32: big-endian 16-bit words, an odd last byte as the high half of one. */
export function fletcher32(bytes: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  const words = bytes.length >> 1;
  for (let w = 0; w < words; ) {
    const end = Math.min(words, w + 360);
    for (; w < end; w++) {
      sum1 += (bytes[2 * w]! << 8) | bytes[2 * w + 1]!;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (bytes.length % 2 === 1) {
    sum1 += bytes[bytes.length - 1]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

/** numcodecs' 4-byte little-endian checksums: adler32 before the data, fletcher32 after it. */
export class Checksum32Codec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name: string;
  readonly #sum: (bytes: Uint8Array) => number;
  readonly #atStart: boolean;

  constructor(name: string, sum: (bytes: Uint8Array) => number, atStart: boolean) {
    this.name = name;
    this.#sum = sum;
    this.#atStart = atStart;
  }

  toConfig() {
    return { name: this.name };
  }

  encodedSize(decodedSize: number): number {
    return decodedSize + 4;
  }

  encode(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.length + 4);
    out.set(bytes, this.#atStart ? 4 : 0);
    new DataView(out.buffer).setUint32(this.#atStart ? 0 : bytes.length, this.#sum(bytes), true);
    return out;
  }

  decode(bytes: Uint8Array): Uint8Array {
    if (bytes.length < 4)
      throw new CorruptChunkError(
        `codec "${this.name}": ${bytes.length} bytes cannot hold a checksum`,
      );
    const at = this.#atStart ? 0 : bytes.length - 4;
    const data = this.#atStart ? bytes.subarray(4) : bytes.subarray(0, bytes.length - 4);
    const stored = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);
    const actual = this.#sum(data);
    if (stored !== actual) {
      throw new ChecksumMismatchError(
        `codec "${this.name}": stored checksum 0x${stored.toString(16)} does not match the data's 0x${actual.toString(16)}`,
      );
    }
    return data;
  }
}

function checksumExtension(
  id: string,
  sum: (bytes: Uint8Array) => number,
  atStart: boolean,
): CodecExtension {
  const name = `numcodecs.${id}`;
  const make = (configuration: JsonObject | undefined) => {
    onlyFields(name, configuration, []);
    return new Checksum32Codec(name, sum, atStart);
  };
  return {
    kind: "codec",
    name,
    aliases: [id],
    codecKind: "bytes_to_bytes",
    fromConfig: make,
    fromV2: ({ id: _id, ...configuration }) => make(configuration).toConfig(),
    samples: [undefined],
    dataTypes: "all",
  };
}

export const adler32CodecExtension = checksumExtension("adler32", adler32, true);
export const fletcher32CodecExtension = checksumExtension("fletcher32", fletcher32, false);
