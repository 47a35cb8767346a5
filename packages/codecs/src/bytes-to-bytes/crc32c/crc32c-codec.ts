import {
  type BytesToBytesCodec,
  ChecksumMismatchError,
  type CodecExtension,
  CorruptChunkError,
  type JsonObject,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";
import { crc32c } from "./crc32c.js";

/** Computes the CRC-32C of some bytes (this package's in JavaScript, or a native one). */
export type Crc32cFunction = (bytes: Uint8Array) => number;

/** The v3 `crc32c` codec: appends the CRC-32C of the data as 4 little-endian bytes. */
export class Crc32cCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly name = "crc32c";
  readonly #checksum: Crc32cFunction;

  constructor(checksum: Crc32cFunction = crc32c) {
    this.#checksum = checksum;
  }

  static fromConfig(
    configuration: JsonObject | undefined,
    checksum: Crc32cFunction = crc32c,
  ): Crc32cCodec {
    onlyFields("crc32c", configuration, []);
    return new Crc32cCodec(checksum);
  }

  toConfig() {
    return { name: "crc32c" };
  }

  encodedSize(decodedSize: number): number {
    return decodedSize + 4;
  }

  encode(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.length + 4);
    out.set(bytes, 0);
    new DataView(out.buffer).setUint32(bytes.length, this.#checksum(bytes), true);
    return out;
  }

  decode(bytes: Uint8Array): Uint8Array {
    if (bytes.length < 4)
      throw new CorruptChunkError(`codec "crc32c": ${bytes.length} bytes cannot hold a checksum`);
    const data = bytes.subarray(0, bytes.length - 4);
    const stored = new DataView(bytes.buffer, bytes.byteOffset + data.length, 4).getUint32(0, true);
    const actual = this.#checksum(data);
    if (stored !== actual) {
      throw new ChecksumMismatchError(
        `codec "crc32c": stored checksum 0x${stored.toString(16).padStart(8, "0")} does not match the data's 0x${actual.toString(16).padStart(8, "0")}`,
      );
    }
    return data;
  }
}

/** The `crc32c` codec computing its checksums with `checksum`. */
export function createCrc32cCodecExtension(checksum: Crc32cFunction): CodecExtension {
  return {
    kind: "codec",
    name: "crc32c",
    aliases: ["numcodecs.crc32c"],
    codecKind: "bytes_to_bytes",
    fromConfig: (configuration) => Crc32cCodec.fromConfig(configuration, checksum),
    samples: [undefined],
    dataTypes: "all",
  };
}

/** The `crc32c` codec in JavaScript alone. */
export const crc32cCodecExtension: CodecExtension = createCrc32cCodecExtension(crc32c);
